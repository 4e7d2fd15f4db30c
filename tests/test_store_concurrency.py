"""Saving at the same moment loses nothing; a crash mid-save keeps the last commit.

Each writer opens its own Store (its own engine and connections), as two app sessions
or two server processes would, and a barrier lines the writers up before every save so
the saves really collide. Runs on SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vetting.errors import InputError
from vetting.store import AuditEntry, RatingConflict, RatingInput, Store

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = [f"criterion_{i:02d}" for i in range(12)]
ROUNDS = 15


def _prepare(store: Store) -> None:
    store.save_candidate("c1", {"id": "c1"}, "Candidate", "freelancer")
    store.save_suggestions("c1", "r", {c: (3, 0.7) for c in CRITERIA})


def _run_together(url: str, writers: list[Callable[[Store, threading.Barrier], None]]) -> None:
    """Run each writer in its own thread with its own Store; re-raise the first error."""
    barrier = threading.Barrier(len(writers), timeout=60)
    stores = [Store.open(url) for _ in writers]
    try:
        with ThreadPoolExecutor(len(writers)) as pool:
            futures = [
                pool.submit(writer, own, barrier)
                for writer, own in zip(writers, stores, strict=True)
            ]
            for future in futures:
                future.result(timeout=300)
    finally:
        for own in stores:
            own.close()


def _rate_rows(trail: list[AuditEntry]) -> list[AuditEntry]:
    return [e for e in trail if e.action == "rate"]


def test_two_raters_saving_at_the_same_moment_both_land(store: Store, db_url: str) -> None:
    _prepare(store)

    def rater(name: str, level: int) -> Callable[[Store, threading.Barrier], None]:
        def save_all(own: Store, barrier: threading.Barrier) -> None:
            for criterion in CRITERIA:
                barrier.wait()
                own.rate("c1", "r", name, criterion, level, note=f"{name} on {criterion}")

        return save_all

    _run_together(db_url, [rater("ana", 2), rater("ben", 5)])

    for name, level in (("ana", 2), ("ben", 5)):
        saved = store.ratings_visible_to("c1", "r", name)
        assert [(r.criterion_id, r.level, r.version) for r in saved] == [
            (c, level, 1) for c in CRITERIA
        ]
    trail = _rate_rows(store.audit_trail("c1", viewer=None))
    assert sorted((e.rater, e.criterion_id) for e in trail) == sorted(
        (name, c) for name in ("ana", "ben") for c in CRITERIA
    )


def test_one_rater_in_two_tabs_on_one_criterion_keeps_every_change(
    store: Store,
    db_url: str,
) -> None:
    _prepare(store)

    def tab(label: str, level: int) -> Callable[[Store, threading.Barrier], None]:
        def save_repeatedly(own: Store, barrier: threading.Barrier) -> None:
            for round_ in range(ROUNDS):
                barrier.wait()
                own.rate("c1", "r", "ana", CRITERIA[0], level, note=f"{label} {round_}")

        return save_repeatedly

    _run_together(db_url, [tab("tab A", 1), tab("tab B", 5)])

    [rating] = store.ratings_visible_to("c1", "r", "ana")
    trail = _rate_rows(store.audit_trail("c1", viewer=None))
    assert rating.version == 2 * ROUNDS
    assert len(trail) == 2 * ROUNDS
    assert {e.note for e in trail} == {f"tab {t} {i}" for t in "AB" for i in range(ROUNDS)}
    # The history is one unbroken chain: each change starts where the previous ended.
    assert [e.version for e in trail] == list(range(1, 2 * ROUNDS + 1))
    for before, after in itertools.pairwise(trail):
        assert after.old_level == before.new_level
        assert after.old_note == before.note
    assert (trail[-1].new_level, trail[-1].note) == (rating.level, rating.note)


def test_two_stale_tabs_saving_at_once_one_wins_and_the_other_is_told(
    store: Store,
    db_url: str,
) -> None:
    _prepare(store)
    base = store.rate("c1", "r", "ana", CRITERIA[0], 3, note="start")
    outcomes: list[str] = []
    lock = threading.Lock()

    def stale_tab(level: int) -> Callable[[Store, threading.Barrier], None]:
        def save(own: Store, barrier: threading.Barrier) -> None:
            barrier.wait()
            try:
                own.rate("c1", "r", "ana", CRITERIA[0], level, "edit", False, base.version)
                outcome = f"saved {level}"
            except RatingConflict:
                outcome = "conflict"
            with lock:
                outcomes.append(outcome)

        return save

    _run_together(db_url, [stale_tab(1), stale_tab(5)])

    assert sorted(outcomes)[0] == "conflict" and sorted(outcomes)[1].startswith("saved")
    [rating] = store.ratings_visible_to("c1", "r", "ana")
    assert f"saved {rating.level}" in outcomes
    assert rating.version == 2
    assert len(_rate_rows(store.audit_trail("c1", viewer=None))) == 2


def _committed_state(store: Store) -> tuple[list[tuple[str, int | None, str, int]], int]:
    ratings = [
        (r.criterion_id, r.level, r.note, r.version)
        for r in store.ratings_visible_to("c1", "r", "ana")
    ]
    return ratings, len(store.audit_trail("c1", viewer=None))


def test_an_error_after_the_first_write_rolls_the_whole_save_back(store: Store) -> None:
    _prepare(store)
    store.rate_many("c1", "r", "ana", [RatingInput(c, 4, "committed") for c in CRITERIA[:2]])
    before = _committed_state(store)
    doomed = [
        RatingInput(CRITERIA[0], 1, "written, then rolled back"),
        RatingInput(CRITERIA[2], 2, "a new row, rolled back too"),
        RatingInput(CRITERIA[1], 9, "invalid: raises inside the transaction"),
    ]
    with pytest.raises(InputError, match="whole number from 1 to 5"):
        store.rate_many("c1", "r", "ana", doomed)
    assert _committed_state(store) == before
    # The store is not left locked or half-written: the next save goes through.
    store.rate("c1", "r", "ana", CRITERIA[0], 2, note="after the failure")
    assert store.ratings_visible_to("c1", "r", "ana")[0].version == 2


_CRASHING_SAVE = textwrap.dedent(
    """
    import os, sys
    from vetting.store import RatingInput, Store

    class NoteThatKillsTheProcess(str):
        # Reading this note (the second criterion's) kills the process mid-transaction,
        # after the first criterion's rating and audit row were written, uncommitted.
        def strip(self, *args):
            os._exit(17)

    store = Store.open(sys.argv[1])
    store.rate_many("c1", "r", "ana", [
        RatingInput("criterion_00", 1, "written but never committed"),
        RatingInput("criterion_01", 1, NoteThatKillsTheProcess("boom")),
    ])
    """
)


def test_a_process_killed_mid_save_leaves_the_last_commit_intact(
    store: Store,
    db_url: str,
) -> None:
    _prepare(store)
    store.rate_many("c1", "r", "ana", [RatingInput(c, 4, "committed") for c in CRITERIA[:2]])
    before = _committed_state(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASHING_SAVE, db_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert crashed.returncode == 17, crashed.stderr
    with Store.open(db_url) as reopened:
        assert _committed_state(reopened) == before
        reopened.rate("c1", "r", "ana", CRITERIA[0], 2, note="after the crash")
        assert reopened.ratings_visible_to("c1", "r", "ana")[0].version == 2
