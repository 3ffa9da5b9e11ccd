"""The `hub` command line."""

from __future__ import annotations

from datetime import timedelta

import pytest
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


def test_make_run_follows_port_and_logs_no_client_address(tmp_path):
    """`PORT=8000 make run` serves links for :8000 (not :5000), and gunicorn's access log
    leaves out the reader's address. Runs the real Makefile with stand-in commands."""
    import os
    import shutil
    import stat
    import subprocess
    from pathlib import Path

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    for name in ("hub", "gunicorn"):
        script = tmp_path / name
        script.write_text(f'#!/bin/sh\necho "{name} BASE=$HUB_BASE_URL ARGS=$*"\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    stamp = tmp_path / "stamp"
    stamp.write_text("")
    env = {k: v for k, v in os.environ.items() if k != "HUB_BASE_URL"}
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "run", "PORT=8123", f"BIN={tmp_path}", f"STAMP={stamp}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith(("hub ", "gunicorn "))]
    assert lines and all("BASE=http://127.0.0.1:8123" in line for line in lines), out
    gunicorn = next(line for line in lines if line.startswith("gunicorn "))
    assert "--bind 127.0.0.1:8123" in gunicorn and "--access-logformat" in gunicorn
    assert "%(h)s" not in gunicorn and "%({x-forwarded-for}i)s" not in gunicorn
    assert "--max-requests 100000 --max-requests-jitter 10000" in gunicorn  # workers replaced: memory creep (README)
    env["HUB_BASE_URL"] = "https://hub.example.com"
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "run", "PORT=8123", f"BIN={tmp_path}", f"STAMP={stamp}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    assert "BASE=https://hub.example.com" in out


def test_about_warns_when_the_public_address_points_at_another_port(app, runner):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    result = runner.invoke(args=["about", "--port", "8000"])
    assert "public address (share links, feeds, e-mails): http://127.0.0.1:5000" in result.output
    assert "points at port 5000, not 8000" in result.output
    assert "warning" not in runner.invoke(args=["about", "--port", "5000"]).output
