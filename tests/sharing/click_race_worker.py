"""A worker process for the click log race test (run by tests/sharing/test_click_races.py).

It appends clicks from several threads to its own ``ClickLog`` whose flusher rotates every few
milliseconds, while another thread scans for orphans without pause, until the log has rotated
``rotations`` times. Every append that returned is an answered click: the process prints how
many, and the test checks that exactly those are in the database.

Usage: python click_race_worker.py DIRECTORY DATABASE_URL LINK POST USER TAG THREADS ROTATIONS FLUSH
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from hub.db import make_engine
from hub.migrate import import_models
from hub.sharing.clicklog import ClickIngestError, ClickLog, ClickRecord

MAX_PER_THREAD = 1_500


def main() -> None:
    directory, url, link, post, user, tag, threads, rotations, flush = sys.argv[1:]
    import_models()
    log = ClickLog(Path(directory), make_engine(url), float(flush))
    written = [0] * int(threads)
    done = threading.Event()

    def write(n: int) -> None:
        for i in range(MAX_PER_THREAD):
            if log._seq >= int(rotations):  # the condition this load runs until
                break
            log.append(
                ClickRecord(
                    f"{tag}{n:02d}{i:08d}",
                    int(link),
                    int(post),
                    int(user),
                    "x",
                    time.time(),
                    False,
                    f"v{i % 50}",
                )
            )
            written[n] += 1
            os.sched_yield()

    def scan() -> None:
        while not done.is_set():
            try:
                log.flush_orphans()
            except ClickIngestError:
                pass  # logged; the file is kept and retried

    scanner = threading.Thread(target=scan)
    scanner.start()
    writers = [threading.Thread(target=write, args=(n,)) for n in range(int(threads))]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    scanner.join()
    try:
        log.close()
    except ClickIngestError:
        pass  # the files are kept: the test's final flush must still find every click
    print(sum(written), log._seq, flush=True)


if __name__ == "__main__":
    main()
