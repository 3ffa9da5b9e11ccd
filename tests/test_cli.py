"""The `hub` command line."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from hub.auth.models import Role, User
from hub.db import utcnow
from hub.posts import services
from hub.posts.models import Post, PostStatus


def test_seed_loads_demo_once(runner, session):
    result = runner.invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0, result.output
    people = session.scalar(sa.select(sa.func.count()).select_from(User))
    assert people == 4
    assert session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.status == PostStatus.PUBLISHED)) == 3
    again = runner.invoke(args=["seed", "--if-empty"])
    assert "skipped" in again.output
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == people


def test_create_user_with_role(runner, session):
    result = runner.invoke(args=["create-user", "boss@corp.io", "--name", "Boss", "--role", "admin", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User).where(User.email == "boss@corp.io"))
    assert user.role == Role.ADMIN and user.display_name == "Boss"
    bad = runner.invoke(args=["create-user", "x@corp.io", "--password", "short"])
    assert bad.exit_code != 0 and "at least" in bad.output


def test_publish_due(runner, session, make_post):
    post = make_post(title="Timed")
    services.schedule_post(session, post, post.author, utcnow() + timedelta(minutes=10))
    post.scheduled_for = utcnow() - timedelta(minutes=1)  # time has passed
    session.commit()
    result = runner.invoke(args=["publish-due"])
    assert "Published 1" in result.output
    session.expire_all()
    assert session.get(Post, post.id).status == PostStatus.PUBLISHED


def test_about_prints_address_and_demo_sign_ins(runner):
    result = runner.invoke(args=["about", "--port", "5123"])
    assert "http://127.0.0.1:5123" in result.output and "admin@example.com" in result.output
