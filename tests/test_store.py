"""The store on SQLite and on a real PostgreSQL server: schema, migrations, ratings,
independence of raters, the audit trail, and errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from vetting._store_tables import metadata
from vetting.errors import InputError, StoreError
from vetting.panel import RaterLevel, panel_overrides
from vetting.store import (
    RatingConflict,
    RatingInput,
    Store,
    connect,
    database_url,
    migrate,
    schema_revision,
)

FIRST_REVISION = "0001_initial"
HEAD_REVISION = "0002_submissions_audit_guard"


class TickingClock:
    """A clock that moves one minute per reading, so every change has its own time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
def timed_store(db_url: str, clock: TickingClock) -> Iterator[Store]:
    opened = Store.open(db_url, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def _with_candidate(store: Store, candidate_id: str = "c1") -> Store:
    store.save_candidate(candidate_id, {"id": candidate_id}, f"Name {candidate_id}", "agency")
    store.save_suggestions(candidate_id, "r", {"reach": (3, 0.8), "crisis": (None, 0.0)})
    return store


# --------------------------------------------------------------------------- opening


def test_default_database_is_a_sqlite_file_created_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "nested" / "data"
    monkeypatch.delenv("VETTING_DATABASE_URL", raising=False)
    monkeypatch.setenv("VETTING_DATA_DIR", str(data_dir))
    with Store.open() as opened:
        assert opened.dialect == "sqlite"
        with opened.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    assert (data_dir / "vetting.db").is_file()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] >= 1000


def test_environment_url_is_used_and_postgres_urls_use_psycopg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VETTING_DATABASE_URL", "postgres://team@db.internal:5432/vetting")
    assert database_url() == "postgresql+psycopg://team@db.internal:5432/vetting"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    "url, message",
    [
        ("not a url", "not a database URL"),
        ("mysql://someone@localhost/vetting", "unsupported database 'mysql'"),
        ("postgresql://nobody:secret@127.0.0.1:1/vetting", "cannot open the database"),
    ],
)
def test_bad_urls_raise_store_error_without_the_password(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as raised:
        Store.open(url)
    assert "secret" not in str(raised.value)


def test_refused_login_and_missing_database_raise_store_error(
    postgres_server_url: str,
) -> None:
    server = sa.make_url(database_url(postgres_server_url))
    wrong_password = server.set(password="wrong").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="password authentication failed"):
        Store.open(wrong_password)
    missing = server.set(database="no_such_database").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(missing)


# --------------------------------------------------------------------------- migrations


def test_migrations_build_exactly_the_declared_schema_from_empty(db_url: str) -> None:
    engine = connect(db_url)
    try:
        assert schema_revision(engine) is None
        migrate(engine)
        assert schema_revision(engine) == HEAD_REVISION
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        migrate(engine)  # running again on an up-to-date schema changes nothing
        assert schema_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def test_upgrade_keeps_evaluations_made_before_it(db_url: str) -> None:
    engine = connect(db_url)
    at = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    try:
        migrate(engine, FIRST_REVISION)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO candidates (candidate_id, name, kind, created_at, updated_at)"
                    " VALUES ('old', 'Studio Hana — 한나', 'agency', :at, :at)"
                ),
                {"at": at},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO ratings (candidate_id, rubric_id, rater, criterion_id, level,"
                    " note, accepted_suggestion, suggested_level, version, updated_at)"
                    " VALUES ('old', 'r', 'ana', 'reach', 2, 'thin reach', false, 4, 1, :at)"
                ),
                {"at": at},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO rating_audit (candidate_id, rubric_id, rater, criterion_id,"
                    " action, at, old_level, new_level, note, accepted_suggestion,"
                    " suggested_level, version)"
                    " VALUES ('old', 'r', 'ana', 'reach', 'rate', :at, NULL, 2, 'thin reach',"
                    " false, 4, 1)"
                ),
                {"at": at},
            )
    finally:
        engine.dispose()

    with Store.open(db_url) as upgraded:
        assert schema_revision(upgraded.engine) == HEAD_REVISION
        [candidate] = upgraded.list_candidates()
        assert candidate.name == "Studio Hana — 한나"
        [rating] = upgraded.ratings_visible_to("old", "r", "ana")
        assert (rating.level, rating.note, rating.version) == (2, "thin reach", 1)
        [entry] = upgraded.audit_trail("old", viewer=None)
        assert (entry.new_level, entry.at, entry.after_submit) == (2, at, False)
        # The upgraded database keeps working: a new change continues the history.
        upgraded.rate("old", "r", "ana", "reach", 3, note="second look")
        trail = upgraded.audit_trail("old", viewer=None)
        assert [(e.old_level, e.new_level, e.version) for e in trail] == [(None, 2, 1), (2, 3, 2)]


# --------------------------------------------------------------------------- candidates


def test_portfolio_versions_are_kept_and_unchanged_uploads_add_none(store: Store) -> None:
    assert store.save_candidate("c1", {"v": 1}, "Ana", "freelancer") == 1
    assert store.save_candidate("c1", {"v": 1}, "Ana", "freelancer") == 1
    assert store.save_candidate("c1", '{"v": 2}', "Ana Lee", "freelancer") == 2
    assert [v.version for v in store.portfolio_history("c1")] == [1, 2]
    assert store.portfolio("c1") == '{"v": 2}'
    assert store.portfolio("c1", 1) == '{"v": 1}'
    [summary] = store.list_candidates()
    assert (summary.name, summary.versions) == ("Ana Lee", 2)


def test_unknown_candidate_and_bad_json_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no candidate 'ghost'"):
        store.rate("ghost", "r", "ana", "reach", 3, note="x")
    with pytest.raises(InputError, match="not JSON"):
        store.save_candidate("c1", "{broken", "Ana", "freelancer")


# --------------------------------------------------------------------------- ratings


def test_accepting_and_overriding_keep_the_suggestion_beside_the_level(store: Store) -> None:
    _with_candidate(store)
    accepted = store.rate("c1", "r", "ana", "reach", None, accepted_suggestion=True)
    assert (accepted.level, accepted.suggested_level, accepted.accepted_suggestion) == (3, 3, True)
    overridden = store.rate("c1", "r", "ana", "reach", 1, note="reach bought, see burst")
    assert (overridden.level, overridden.suggested_level) == (1, 3)
    assert overridden.note == "reach bought, see burst"
    assert overridden.version == 2
    no_evidence = store.rate("c1", "r", "ben", "crisis", 4, note="crisis plan shown in call")
    assert (no_evidence.level, no_evidence.suggested_level) == (4, None)


@pytest.mark.parametrize(
    "entry, message",
    [
        (RatingInput("reach", 5), "needs a note"),
        (RatingInput("reach", 6, note="x"), "whole number from 1 to 5"),
        (RatingInput("reach", 5, accepted_suggestion=True), "accepting the suggestion means"),
        (RatingInput("crisis", None, accepted_suggestion=True), "no suggested level"),
    ],
)
def test_invalid_ratings_are_refused_and_write_nothing(
    store: Store,
    entry: RatingInput,
    message: str,
) -> None:
    _with_candidate(store)
    with pytest.raises(InputError, match=message):
        store.rate_many("c1", "r", "ana", [entry])
    assert store.ratings_visible_to("c1", "r", "ana") == []
    assert store.audit_trail("c1", viewer=None) == []


def test_a_stale_screen_is_told_instead_of_overwriting(store: Store) -> None:
    _with_candidate(store)
    first = store.rate("c1", "r", "ana", "reach", 2, note="first tab")
    store.rate("c1", "r", "ana", "reach", 4, note="second tab", expected_version=first.version)
    with pytest.raises(RatingConflict, match="changed elsewhere") as raised:
        store.rate("c1", "r", "ana", "reach", 1, note="first tab again", expected_version=1)
    assert raised.value.current is not None and raised.value.current.level == 4
    [rating] = store.ratings_visible_to("c1", "r", "ana")
    assert (rating.level, rating.version) == (4, 2)


# --------------------------------------------------------------------------- independence


def test_other_raters_stay_hidden_until_the_viewer_submits(store: Store) -> None:
    _with_candidate(store)
    store.rate("c1", "r", "ana", "reach", 2, note="ana's view")
    store.rate("c1", "r", "ben", "reach", 5, note="ben's view")
    store.rate("c1", "r", "eli", "reach", 4, note="eli's draft")
    store.submit("c1", "r", "ben")

    def raters_seen_by(viewer: str) -> list[str]:
        return [r.rater for r in store.ratings_visible_to("c1", "r", viewer)]

    assert raters_seen_by("ana") == ["ana"]
    assert store.panel_levels("r", viewer="ana") == []
    assert {e.rater for e in store.audit_trail("c1", viewer="ana")} == {"ana"}

    store.submit("c1", "r", "ana")
    # Ben submitted, so ana now sees him; eli's unsubmitted draft stays private.
    assert raters_seen_by("ana") == ["ana", "ben"]
    assert raters_seen_by("eli") == ["eli"]
    assert {(p.rater, p.level) for p in store.panel_levels("r", viewer="ana")} == {
        ("ana", 2),
        ("ben", 5),
    }
    assert store.has_submitted("c1", "r", "ana")
    assert not store.has_submitted("c1", "r", "eli")


def test_submitting_twice_keeps_the_first_time(timed_store: Store) -> None:
    _with_candidate(timed_store)
    first = timed_store.submit("c1", "r", "ana")
    assert timed_store.submit("c1", "r", "ana") == first
    assert timed_store.submitted_raters("c1", "r") == {"ana": first}
    submits = [e for e in timed_store.audit_trail("c1", viewer=None) if e.action == "submit"]
    assert len(submits) == 1


def test_the_panel_levels_become_scorecard_overrides(store: Store) -> None:
    _with_candidate(store)
    store.rate("c1", "r", "ana", "reach", 2, note="a")
    store.rate("c1", "r", "ben", "reach", 5, note="b")
    store.rate("c1", "r", "ben", "crisis", None, note="could not judge")
    store.rate("c1", "r", "eli", "reach", 1, note="not submitted")
    for rater in ("ana", "ben"):
        store.submit("c1", "r", rater)
    levels = store.panel_levels("r", viewer=None)
    assert sorted(levels, key=lambda x: x.rater) == [
        RaterLevel("c1", "reach", "ana", 2),
        RaterLevel("c1", "reach", "ben", 5),
    ]
    assert panel_overrides(levels, "median") == {"c1": {"reach": 4}}  # 3.5 rounds half up


# --------------------------------------------------------------------------- audit


def test_every_change_is_audited_with_who_when_old_new_and_note(
    timed_store: Store, clock: TickingClock
) -> None:
    _with_candidate(timed_store)
    timed_store.rate("c1", "r", "ana", "reach", None, accepted_suggestion=True)
    timed_store.rate("c1", "r", "ana", "reach", 2, note="burst in May")
    timed_store.rate("c1", "r", "ana", "reach", 2, note="burst in May")  # no change
    timed_store.submit("c1", "r", "ana")
    timed_store.rate("c1", "r", "ana", "reach", 3, note="reference confirmed reach")
    trail = timed_store.audit_trail("c1", "r", viewer=None)
    assert [
        (e.rater, e.action, e.old_level, e.new_level, e.note, e.after_submit) for e in trail
    ] == [
        ("ana", "rate", None, 3, "", False),
        ("ana", "rate", 3, 2, "burst in May", False),
        ("ana", "submit", None, None, "", False),
        ("ana", "rate", 2, 3, "reference confirmed reach", True),
    ]
    assert trail[3].old_note == "burst in May"
    times = [e.at for e in trail]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] <= clock.now
    assert all(e.at.tzinfo is not None for e in trail)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rating_audit SET new_level = 5",
        "DELETE FROM rating_audit",
        "DELETE FROM ratings",
        "UPDATE portfolio_versions SET portfolio_json = '{}'",
        "DELETE FROM portfolio_versions",
    ],
)
def test_the_database_itself_refuses_to_rewrite_history(store: Store, statement: str) -> None:
    _with_candidate(store)
    store.rate("c1", "r", "ana", "reach", 2, note="kept")
    with pytest.raises(sa.exc.DBAPIError, match="refused"), store.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert [e.new_level for e in store.audit_trail("c1", viewer=None)] == [2]
    assert store.ratings_visible_to("c1", "r", "ana")[0].level == 2


def test_a_sqlite_file_on_disk_is_readable_by_plain_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vetting.db'}"
    with Store.open(url) as opened:
        _with_candidate(opened)
        opened.rate("c1", "r", "ana", "reach", 4, note="strong")
    with sqlite3.connect(tmp_path / "vetting.db") as connection:
        rows = connection.execute("SELECT rater, level, note FROM ratings").fetchall()
    assert rows == [("ana", 4, "strong")]


def test_a_viewer_name_with_spaces_sees_their_own_ratings(store: Store) -> None:
    _with_candidate(store)
    store.rate("c1", "agency", "Ana", "strategy_depth", 4, "clear plan")
    store.submit("c1", "agency", "Ana")
    assert [r.rater for r in store.ratings_visible_to("c1", "agency", " Ana ")] == ["Ana"]
    assert store.has_submitted("c1", "agency", "Ana ")
