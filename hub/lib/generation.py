"""A counter shared by every process of this machine, read for the price of a memory access.

Caches of what the database says (hub.sharing's link cache, hub.web's public page cache) remember
the counter's value from *before* they read the database, and serve an entry only while the counter
still has that value. A committed change the caches must see bumps the counter after the commit
(hub.db), so every worker of the machine stops serving older entries at once: the first request
after the commit reads the database again. Workers on other machines still rely on the caches' own
time limits.

The counter is 8 bytes in a file of the instance folder, mapped into memory (``MAP_SHARED``, so it
stays shared across gunicorn's fork); a bump takes an ``flock`` so two writers never lose one.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from pathlib import Path

_FORMAT = "<Q"
_SIZE = struct.calcsize(_FORMAT)


class Generation:
    """The machine-wide counter in ``path`` (created at 0)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size < _SIZE:
                        os.ftruncate(fd, _SIZE)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(fd, _SIZE, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._lock = threading.Lock()  # flock does not exclude the threads of one process

    def value(self) -> int:
        """The counter now."""
        return int(struct.unpack_from(_FORMAT, self._map)[0])

    def bump(self) -> int:
        """Add one (every process sees it at once) and return the new value."""
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                value = (self.value() + 1) & 0xFFFF_FFFF_FFFF_FFFF
                struct.pack_into(_FORMAT, self._map, 0, value)
                return value
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
