"""The secret key of an instance that has none configured."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def instance_secret_key(instance: Path) -> str:
    """Return the key kept in ``instance/secret_key``, creating it once.

    The file appears atomically with its content (written aside, then hard-linked into place), so
    several gunicorn workers starting together all end up with the same key.
    """
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_text().strip()
