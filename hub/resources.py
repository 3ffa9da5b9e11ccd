"""Where hub's templates/, static/ and migrations/ are, found through the package, never the cwd.

The wheel ships them inside the package (``hub/templates``...); in a checkout (the editable install
of ``make run`` and ``make test``) they sit beside the package, at the repository's root.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_dir(name: str) -> Path:
    """The directory ``name`` (``"templates"``, ``"static"`` or ``"migrations"``) of this hub."""
    package = Path(str(files("hub")))
    inside = package / name
    return inside if inside.is_dir() else package.parent / name
