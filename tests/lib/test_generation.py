"""The machine-wide content counter (hub.lib.generation): every mapping sees a bump at once, and
no bump is lost between threads or processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from hub.lib.generation import Generation


def test_a_bump_is_seen_by_every_mapping_of_the_file(tmp_path: Path) -> None:
    worker_a, worker_b = Generation(tmp_path / "g"), Generation(tmp_path / "g")
    assert worker_a.value() == worker_b.value() == 0
    assert worker_a.bump() == 1
    assert worker_b.value() == 1
    worker_b.bump()
    assert worker_a.value() == 2
    worker_a.close()
    worker_b.close()
    assert Generation(tmp_path / "g").value() == 2  # kept in the file


def _bump_many(path: str, times: int) -> None:
    counter = Generation(Path(path))
    for _ in range(times):
        counter.bump()


def test_no_bump_is_lost_between_threads_and_processes(tmp_path: Path) -> None:
    path = tmp_path / "g"
    shared = Generation(path)
    threads = [threading.Thread(target=lambda: [shared.bump() for _ in range(300)]) for _ in range(4)]
    process = multiprocessing.get_context("fork").Process(target=_bump_many, args=(str(path), 300))
    process.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    process.join()
    assert process.exitcode == 0
    assert shared.value() == 5 * 300
