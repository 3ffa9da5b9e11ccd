"""The wheel is the unit of deployment: built, installed outside the checkout, it migrates and serves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "hub", "templates", "static", "migrations")

SERVE = textwrap.dedent("""
    import sys
    from pathlib import Path

    import hub
    from hub import create_app

    venv = Path(sys.prefix).resolve()
    assert Path(hub.__file__).resolve().is_relative_to(venv), hub.__file__
    client = create_app().test_client()
    for path, kind, needle in [("/", "text/html", b"moving our queue to PostgreSQL"), ("/login", "text/html", b"csrf_token"),
                               ("/static/css/hub.css", "text/css", b"{"), ("/feed.xml", "application/atom+xml", b"<entry xml:lang=")]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.data[:300])
        assert response.mimetype == kind, (path, response.mimetype)
        assert needle in response.data, (path, response.data[:300])
        print("served", path)
    swedish = client.get("/login", headers={"Accept-Language": "sv"})
    assert b'<html lang="sv">' in swedish.data, swedish.data[:300]
    from flask_babel import gettext
    with client.application.test_request_context(headers={"Accept-Language": "sv"}):
        assert gettext("Sign out") == "Logga ut"  # the catalogue is in the wheel
    print("served in Swedish")
""")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_wheel_installs_migrates_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a clean copy: no stale build/ from an earlier build ends up in the wheel
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v", "-w",
                            str(tmp_path / "dist"), str(source)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "BuildBackendWarning" not in built.stdout + built.stderr, built.stdout + built.stderr  # every folder declared
    [wheel] = (tmp_path / "dist").glob("hub-*.whl")

    # A fresh venv that borrows this one's dependencies (no network), with hub installed from the wheel.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).strip())
    (site / "_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing may be found through the cwd
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "PYTHON"))}
    env.update(HUB_INSTANCE_PATH=str(tmp_path / "instance"), HUB_SECRET_KEY="2024",
               HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}", HUB_PUBLISH_DUE_ON_REQUEST="false")
    assert "Database at head" in run(venv / "bin" / "hub", "migrate", cwd=elsewhere, env=env)
    run(venv / "bin" / "hub", "seed", cwd=elsewhere, env=env)
    served = run(python, "-c", SERVE, cwd=elsewhere, env=env)
    assert served.count("served") == 5
