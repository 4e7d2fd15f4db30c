"""Where candidates, suggested levels, raters' levels and the audit trail are kept.

SQLite by default (``$VETTING_DATA_DIR/vetting.db``, created on first use, no setup);
``VETTING_DATABASE_URL=postgresql://user:pass@host/db`` points a team at one shared
PostgreSQL database. Opening a store migrates its schema to the newest revision.

What it guarantees, and how:

- Nothing saved is lost or overwritten silently. Every change of a rating writes an
  audit row (who, when, old level, new level, note) in the same transaction; the audit
  table is append-only (database triggers refuse UPDATE and DELETE).
- Two raters saving at the same moment both land. Writes run in short transactions that
  lock what they change (``BEGIN IMMEDIATE`` on SQLite, row locks on PostgreSQL) and are
  retried on a deadlock or serialisation failure. A tab holding a stale copy can pass
  ``expected_version`` and is told (:class:`RatingConflict`) instead of overwriting.
- A failure mid-save rolls the whole save back: the last committed state stays.
- Other raters' levels stay hidden from a rater until that rater submits.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util.exc import CommandError
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, Row

from vetting._store_tables import (
    RATER_LENGTH,
    candidates,
    portfolio_versions,
    rating_audit,
    ratings,
    submissions,
    suggestions,
)
from vetting.errors import InputError, Problem, StoreError
from vetting.panel import RaterLevel

DEFAULT_DATA_DIR = "data"
DATABASE_FILE = "vetting.db"
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another before giving up
WRITE_ATTEMPTS = 5  # a deadlock or serialisation failure is retried this many times
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 4_711_002  # pg_advisory_xact_lock key: one migrator at a time
_TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected

Clock = Callable[[], datetime]


class RatingConflict(StoreError):
    """The rating changed since the caller read it; nothing was written."""

    def __init__(self, message: str, current: Rating | None) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class CandidateSummary:
    candidate_id: str
    name: str
    kind: str
    versions: int
    updated_at: datetime


@dataclass(frozen=True)
class PortfolioVersion:
    version: int
    sha256: str
    saved_at: datetime


@dataclass(frozen=True)
class Suggestion:
    criterion_id: str
    suggested_level: int | None
    confidence: float
    computed_at: datetime


@dataclass(frozen=True)
class RatingInput:
    """One criterion of a rater's save: accept the suggestion, or set a level with a note.

    ``expected_version`` is the rating version the rater's screen showed (0 = none yet);
    when given and stale the save is refused rather than overwriting a newer level.
    """

    criterion_id: str
    level: int | None = None
    note: str = ""
    accepted_suggestion: bool = False
    expected_version: int | None = None


@dataclass(frozen=True)
class Rating:
    candidate_id: str
    rubric_id: str
    rater: str
    criterion_id: str
    level: int | None
    note: str
    accepted_suggestion: bool
    suggested_level: int | None  # what the evidence suggested when the rater saved
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    candidate_id: str
    rubric_id: str
    rater: str
    criterion_id: str | None  # None for a submission
    action: str  # "rate" or "submit"
    at: datetime
    old_level: int | None
    new_level: int | None
    old_note: str | None
    note: str
    accepted_suggestion: bool | None
    suggested_level: int | None
    version: int | None  # the rating's version after this change (1 = first save)
    after_submit: bool  # the rater had already submitted (and could see the panel)


# --------------------------------------------------------------------------- opening


def database_url(url: str | None = None) -> str:
    """The URL to open: the argument, else VETTING_DATABASE_URL, else the SQLite default.

    ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://`` (psycopg 3).

    >>> database_url("postgresql://u@db.example/vetting")
    'postgresql+psycopg://u@db.example/vetting'
    """
    chosen = url or os.environ.get("VETTING_DATABASE_URL") or None
    if chosen is None:
        data_dir = Path(os.environ.get("VETTING_DATA_DIR") or DEFAULT_DATA_DIR)
        return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def _parse(url: str) -> URL:
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError as error:
        raise StoreError(
            f"not a database URL: {url!r} (expected sqlite:///path/to/file.db or "
            "postgresql://user:password@host:port/database)"
        ) from error
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in "
            f"{parsed.render_as_string(hide_password=True)}: use SQLite or PostgreSQL"
        )
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if not in_memory and url.database is not None and not url.database.startswith("file:"):
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the data directory for {url.database}: {error}"
            ) from error
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")  # a committed score survives power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Writers take the write lock up front, so a read-then-write never races another
        # writer; readers get a consistent WAL snapshot without blocking anyone.
        reading = connection.get_execution_options().get("vetting_read", False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def connect(url: str | None = None) -> Engine:
    """An engine for the URL (see :func:`database_url`), configured but not migrated."""
    parsed = _parse(database_url(url))
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot use the database at {shown}: {error}") from error


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction (all of it or none of it).

    On PostgreSQL an advisory lock makes app servers starting together take turns.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except exc.DBAPIError as error:
        raise StoreError(f"cannot open the database at {shown}: {_first_line(error)}") from error
    except CommandError as error:
        raise StoreError(
            f"the database at {shown} has a schema this version does not know ({error}); "
            "upgrade the toolkit"
        ) from error


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None before the first)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _is_transient(error: exc.DBAPIError) -> bool:
    cause = error.orig
    if getattr(cause, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    return isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause)


# --------------------------------------------------------------------------- validation


def _problem(field: str, message: str) -> InputError:
    return InputError([Problem("rating", field, message)])


def _check_rater(rater: str) -> str:
    name = rater.strip() if isinstance(rater, str) else ""
    if not name:
        raise _problem("rater", "a rater needs a name")
    if len(name) > RATER_LENGTH:
        raise _problem("rater", f"a rater's name has at most {RATER_LENGTH} characters")
    return name


def _check_level(level: object, field: str) -> int | None:
    """A 1–5 integer or None; a float with no fraction (3.0) and NaN (→ None) are accepted."""
    if level is None:
        return None
    if isinstance(level, float):
        if level != level:  # NaN: not enough data to judge
            return None
        if level.is_integer():
            level = int(level)
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise _problem(field, f"a level is a whole number from 1 to 5, got {level!r}")
    return level


# --------------------------------------------------------------------------- the store


class Store:
    """The one gateway to the database; every method is one short transaction."""

    def __init__(self, engine: Engine, clock: Clock = _now) -> None:
        self._engine = engine
        self._clock = clock

    @classmethod
    def open(cls, url: str | None = None, clock: Clock = _now) -> Store:
        """Connect (creating the SQLite file and its directory if needed) and migrate."""
        engine = connect(url)
        try:
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        return cls(engine, clock)

    @property
    def engine(self) -> Engine:
        """For backups and administration; the toolkit itself goes through the methods."""
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    def _write(self, work: Callable[[Connection], Any]) -> Any:
        """Run ``work`` in one transaction; retry on deadlock or serialisation failure."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._engine.begin() as connection:
                    return work(connection)
            except exc.DBAPIError as error:
                if _is_transient(error) and attempt < WRITE_ATTEMPTS:
                    time.sleep(0.02 * 2**attempt)
                    continue
                raise StoreError(f"the database refused the save: {_first_line(error)}") from error
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection:
                connection = connection.execution_options(vetting_read=True)
                with connection.begin():
                    yield connection
        except exc.DBAPIError as error:
            raise StoreError(f"the database could not be read: {_first_line(error)}") from error

    def _insert(self, table: sa.Table) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    @staticmethod
    def _require_candidate(connection: Connection, candidate_id: str) -> None:
        found = connection.execute(
            sa.select(candidates.c.candidate_id).where(candidates.c.candidate_id == candidate_id)
        ).first()
        if found is None:
            raise StoreError(f"no candidate {candidate_id!r} in the database; save it first")

    # ------------------------------------------------------------------ candidates

    def save_candidate(
        self,
        candidate_id: str,
        portfolio_json: str | Mapping[str, Any],
        name: str,
        kind: str,
    ) -> int:
        """Add or update a candidate; a changed portfolio becomes a new version.

        Returns the portfolio's version number (unchanged content keeps its version).
        """
        text = (
            portfolio_json
            if isinstance(portfolio_json, str)
            else json.dumps(portfolio_json, ensure_ascii=False, sort_keys=True, default=str)
        )
        try:
            json.loads(text)
        except ValueError as error:
            raise InputError([Problem(candidate_id, "portfolio", f"not JSON: {error}")]) from error
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()

        def work(connection: Connection) -> int:
            now = self._clock()
            upsert = self._insert(candidates).values(
                candidate_id=candidate_id, name=name, kind=kind, created_at=now, updated_at=now
            )
            # The upsert locks the candidate row, so version numbers cannot collide.
            connection.execute(
                upsert.on_conflict_do_update(
                    index_elements=[candidates.c.candidate_id],
                    set_={"name": name, "kind": kind, "updated_at": now},
                )
            )
            latest = connection.execute(
                sa.select(portfolio_versions.c.version, portfolio_versions.c.sha256)
                .where(portfolio_versions.c.candidate_id == candidate_id)
                .order_by(portfolio_versions.c.version.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.sha256 == digest:
                return int(latest.version)
            version = 1 if latest is None else int(latest.version) + 1
            connection.execute(
                portfolio_versions.insert().values(
                    candidate_id=candidate_id,
                    version=version,
                    portfolio_json=text,
                    sha256=digest,
                    saved_at=now,
                )
            )
            return version

        return int(self._write(work))

    def list_candidates(self) -> list[CandidateSummary]:
        versions = (
            sa.select(portfolio_versions.c.candidate_id, sa.func.count().label("versions"))
            .group_by(portfolio_versions.c.candidate_id)
            .subquery()
        )
        query = (
            sa.select(candidates, sa.func.coalesce(versions.c.versions, 0).label("versions"))
            .outerjoin(versions, versions.c.candidate_id == candidates.c.candidate_id)
            .order_by(candidates.c.name, candidates.c.candidate_id)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            CandidateSummary(
                candidate_id=row.candidate_id,
                name=row.name,
                kind=row.kind,
                versions=int(row.versions),
                updated_at=_utc(row.updated_at),
            )
            for row in rows
        ]

    def portfolio(self, candidate_id: str, version: int | None = None) -> str:
        """The stored portfolio JSON: the newest version, or the one asked for."""
        query = sa.select(portfolio_versions.c.portfolio_json).where(
            portfolio_versions.c.candidate_id == candidate_id
        )
        if version is None:
            query = query.order_by(portfolio_versions.c.version.desc()).limit(1)
        else:
            query = query.where(portfolio_versions.c.version == version)
        with self._read() as connection:
            text = connection.execute(query).scalar()
        if text is None:
            raise StoreError(f"no portfolio {version or 'at all'} for candidate {candidate_id!r}")
        return str(text)

    def portfolio_history(self, candidate_id: str) -> list[PortfolioVersion]:
        query = (
            sa.select(
                portfolio_versions.c.version,
                portfolio_versions.c.sha256,
                portfolio_versions.c.saved_at,
            )
            .where(portfolio_versions.c.candidate_id == candidate_id)
            .order_by(portfolio_versions.c.version)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [PortfolioVersion(int(r.version), r.sha256, _utc(r.saved_at)) for r in rows]

    # ------------------------------------------------------------------ suggestions

    def save_suggestions(
        self,
        candidate_id: str,
        rubric_id: str,
        levels: Mapping[str, tuple[int | float | None, float]],
    ) -> None:
        """Store the evidence engine's suggested level and confidence per criterion."""
        checked = {
            criterion_id: (_check_level(level, criterion_id), float(confidence))
            for criterion_id, (level, confidence) in levels.items()
        }
        for criterion_id, (_, confidence) in checked.items():
            if not 0.0 <= confidence <= 1.0:
                raise _problem(criterion_id, f"confidence must be 0–1, got {confidence}")

        def work(connection: Connection) -> None:
            self._require_candidate(connection, candidate_id)
            now = self._clock()
            for criterion_id, (level, confidence) in sorted(checked.items()):
                statement = self._insert(suggestions).values(
                    candidate_id=candidate_id,
                    rubric_id=rubric_id,
                    criterion_id=criterion_id,
                    suggested_level=level,
                    confidence=confidence,
                    computed_at=now,
                )
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[
                            suggestions.c.candidate_id,
                            suggestions.c.rubric_id,
                            suggestions.c.criterion_id,
                        ],
                        set_={
                            "suggested_level": level,
                            "confidence": confidence,
                            "computed_at": now,
                        },
                    )
                )

        self._write(work)

    def suggestions(self, candidate_id: str, rubric_id: str) -> dict[str, Suggestion]:
        query = sa.select(suggestions).where(
            suggestions.c.candidate_id == candidate_id, suggestions.c.rubric_id == rubric_id
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return {
            row.criterion_id: Suggestion(
                row.criterion_id, row.suggested_level, float(row.confidence), _utc(row.computed_at)
            )
            for row in rows
        }

    # ------------------------------------------------------------------ ratings

    def rate(
        self,
        candidate_id: str,
        rubric_id: str,
        rater: str,
        criterion_id: str,
        level: int | None,
        note: str = "",
        accepted_suggestion: bool = False,
        expected_version: int | None = None,
    ) -> Rating:
        """Save one criterion's level for a rater, with its audit row, in one transaction.

        Accepting the suggestion stores the suggested level; any other level needs a note.
        ``level=None`` with a note means "not enough to judge".
        """
        entry = RatingInput(criterion_id, level, note, accepted_suggestion, expected_version)
        return self.rate_many(candidate_id, rubric_id, rater, [entry])[0]

    def rate_many(
        self, candidate_id: str, rubric_id: str, rater: str, entries: Sequence[RatingInput]
    ) -> list[Rating]:
        """Save several criteria at once: all of them, or (on any error) none of them."""
        name = _check_rater(rater)
        entries = list(entries)
        criterion_ids = [entry.criterion_id for entry in entries]
        if len(set(criterion_ids)) != len(criterion_ids):
            raise _problem("criterion_id", "a criterion appears twice in one save")

        def work(connection: Connection) -> list[Rating]:
            self._require_candidate(connection, candidate_id)
            now = self._clock()
            submitted = self._submitted(connection, candidate_id, rubric_id, name) is not None
            return [
                self._rate_one(connection, candidate_id, rubric_id, name, entry, now, submitted)
                for entry in entries
            ]

        saved: list[Rating] = self._write(work)
        return saved

    def _rate_one(
        self,
        connection: Connection,
        candidate_id: str,
        rubric_id: str,
        rater: str,
        entry: RatingInput,
        now: datetime,
        after_submit: bool,
    ) -> Rating:
        field = entry.criterion_id
        suggested = connection.execute(
            sa.select(suggestions.c.suggested_level).where(
                suggestions.c.candidate_id == candidate_id,
                suggestions.c.rubric_id == rubric_id,
                suggestions.c.criterion_id == entry.criterion_id,
            )
        ).scalar()
        note = (entry.note or "").strip()
        if entry.accepted_suggestion:
            if suggested is None:
                raise _problem(field, "there is no suggested level to accept; set a level")
            if entry.level is not None and _check_level(entry.level, field) != suggested:
                raise _problem(field, f"accepting the suggestion means level {suggested}")
            level: int | None = int(suggested)
        else:
            level = _check_level(entry.level, field)
            if level != suggested and not note:
                raise _problem(
                    field, "a level other than the suggested one needs a note saying why"
                )

        key = (
            (ratings.c.candidate_id == candidate_id)
            & (ratings.c.rubric_id == rubric_id)
            & (ratings.c.rater == rater)
            & (ratings.c.criterion_id == entry.criterion_id)
        )
        values = {
            "level": level,
            "note": note,
            "accepted_suggestion": entry.accepted_suggestion,
            "suggested_level": suggested,
            "updated_at": now,
        }
        # Insert if new (RETURNING says whether it was: rowcount is -1 under psycopg).
        # On PostgreSQL a concurrent first insert makes this wait, then skip, and the row
        # is locked and updated below instead.
        inserted = connection.execute(
            self._insert(ratings)
            .values(
                candidate_id=candidate_id,
                rubric_id=rubric_id,
                rater=rater,
                criterion_id=entry.criterion_id,
                version=1,
                **values,
            )
            .on_conflict_do_nothing()
            .returning(ratings.c.version)
        ).first()
        old: Row[Any] | None = None
        if inserted is not None:
            version = 1
            if entry.expected_version not in (None, 0):
                raise RatingConflict(
                    f"{entry.criterion_id}: expected version {entry.expected_version}, "
                    "but there was no rating yet",
                    None,
                )
        else:
            old = connection.execute(sa.select(ratings).where(key).with_for_update()).one()
            if entry.expected_version is not None and old.version != entry.expected_version:
                raise RatingConflict(
                    f"{entry.criterion_id}: {rater}'s level changed elsewhere "
                    f"(version {old.version}, this screen had {entry.expected_version}); "
                    "reload and save again",
                    _rating(old),
                )
            unchanged = (old.level, old.note, old.accepted_suggestion) == (
                level,
                note,
                entry.accepted_suggestion,
            )
            if unchanged:
                return _rating(old)
            version = int(old.version) + 1
            connection.execute(sa.update(ratings).where(key).values(version=version, **values))
        connection.execute(
            rating_audit.insert().values(
                candidate_id=candidate_id,
                rubric_id=rubric_id,
                rater=rater,
                criterion_id=entry.criterion_id,
                action="rate",
                at=now,
                old_level=None if old is None else old.level,
                new_level=level,
                old_note=None if old is None else old.note,
                note=note,
                accepted_suggestion=entry.accepted_suggestion,
                suggested_level=suggested,
                version=version,
                after_submit=after_submit,
            )
        )
        return Rating(
            candidate_id,
            rubric_id,
            rater,
            entry.criterion_id,
            level,
            note,
            entry.accepted_suggestion,
            suggested,
            version,
            now,
        )

    # ------------------------------------------------------------------ submission

    @staticmethod
    def _submitted(
        connection: Connection, candidate_id: str, rubric_id: str, rater: str
    ) -> datetime | None:
        found = connection.execute(
            sa.select(submissions.c.submitted_at).where(
                submissions.c.candidate_id == candidate_id,
                submissions.c.rubric_id == rubric_id,
                submissions.c.rater == rater,
            )
        ).scalar()
        return None if found is None else _utc(found)

    def submit(self, candidate_id: str, rubric_id: str, rater: str) -> datetime:
        """Mark a rater's scorecard submitted (once; later calls return the first time)."""
        name = _check_rater(rater)

        def work(connection: Connection) -> datetime:
            self._require_candidate(connection, candidate_id)
            now = self._clock()
            inserted = connection.execute(
                self._insert(submissions)
                .values(
                    candidate_id=candidate_id, rubric_id=rubric_id, rater=name, submitted_at=now
                )
                .on_conflict_do_nothing()
                .returning(submissions.c.submitted_at)
            ).first()
            if inserted is not None:
                connection.execute(
                    rating_audit.insert().values(
                        candidate_id=candidate_id,
                        rubric_id=rubric_id,
                        rater=name,
                        criterion_id=None,
                        action="submit",
                        at=now,
                        note="",
                        after_submit=False,
                    )
                )
                return now
            first = self._submitted(connection, candidate_id, rubric_id, name)
            assert first is not None
            return first

        submitted: datetime = self._write(work)
        return submitted

    def has_submitted(self, candidate_id: str, rubric_id: str, rater: str) -> bool:
        rater = rater.strip()  # as the write methods store it
        with self._read() as connection:
            return self._submitted(connection, candidate_id, rubric_id, rater) is not None

    def submitted_raters(self, candidate_id: str, rubric_id: str) -> dict[str, datetime]:
        query = sa.select(submissions.c.rater, submissions.c.submitted_at).where(
            submissions.c.candidate_id == candidate_id, submissions.c.rubric_id == rubric_id
        )
        with self._read() as connection:
            return {row.rater: _utc(row.submitted_at) for row in connection.execute(query)}

    # ------------------------------------------------------------------ reading ratings

    def ratings_visible_to(self, candidate_id: str, rubric_id: str, viewer: str) -> list[Rating]:
        """The viewer's own ratings always; other raters' (submitted ones) only after the
        viewer has submitted: independent judgement first, then the panel."""
        viewer = viewer.strip()  # as the write methods store rater names
        with self._read() as connection:
            viewer_submitted = self._submitted(connection, candidate_id, rubric_id, viewer)
            query = sa.select(ratings).where(
                ratings.c.candidate_id == candidate_id, ratings.c.rubric_id == rubric_id
            )
            if viewer_submitted is None:
                query = query.where(ratings.c.rater == viewer)
            else:
                submitted_raters = sa.select(submissions.c.rater).where(
                    submissions.c.candidate_id == candidate_id,
                    submissions.c.rubric_id == rubric_id,
                )
                query = query.where(
                    (ratings.c.rater == viewer) | ratings.c.rater.in_(submitted_raters)
                )
            rows = connection.execute(query.order_by(ratings.c.rater, ratings.c.criterion_id)).all()
        return [_rating(row) for row in rows]

    def panel_levels(
        self,
        rubric_id: str,
        candidate_ids: Sequence[str] | None = None,
        *,
        viewer: str | None,
    ) -> list[RaterLevel]:
        """Submitted raters' levels, the input of :mod:`vetting.panel`.

        With a ``viewer``, only candidates that viewer has submitted are included (the
        panel is hidden until then); ``viewer=None`` is for exports and administration.
        """
        submitted = sa.and_(
            submissions.c.candidate_id == ratings.c.candidate_id,
            submissions.c.rubric_id == ratings.c.rubric_id,
            submissions.c.rater == ratings.c.rater,
        )
        query = (
            sa.select(
                ratings.c.candidate_id, ratings.c.criterion_id, ratings.c.rater, ratings.c.level
            )
            .join(submissions, submitted)
            .where(ratings.c.rubric_id == rubric_id, ratings.c.level.is_not(None))
        )
        if candidate_ids is not None:
            query = query.where(ratings.c.candidate_id.in_(list(candidate_ids)))
        if viewer is not None:
            seen = sa.select(submissions.c.candidate_id).where(
                submissions.c.rubric_id == rubric_id, submissions.c.rater == viewer
            )
            query = query.where(ratings.c.candidate_id.in_(seen))
        query = query.order_by(ratings.c.candidate_id, ratings.c.criterion_id, ratings.c.rater)
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [RaterLevel(r.candidate_id, r.criterion_id, r.rater, int(r.level)) for r in rows]

    def audit_trail(
        self, candidate_id: str, rubric_id: str | None = None, *, viewer: str | None
    ) -> list[AuditEntry]:
        """Every change, oldest first. A ``viewer`` sees others' changes only for rubrics
        they have submitted; ``viewer=None`` sees everything (exports, administration)."""
        query = sa.select(rating_audit).where(rating_audit.c.candidate_id == candidate_id)
        if rubric_id is not None:
            query = query.where(rating_audit.c.rubric_id == rubric_id)
        with self._read() as connection:
            rows = connection.execute(query.order_by(rating_audit.c.id)).all()
            open_rubrics: set[str] = set()
            if viewer is not None:
                open_rubrics = set(
                    connection.execute(
                        sa.select(submissions.c.rubric_id).where(
                            submissions.c.candidate_id == candidate_id,
                            submissions.c.rater == viewer,
                        )
                    ).scalars()
                )
        return [
            _audit(row)
            for row in rows
            if viewer is None or row.rater == viewer or row.rubric_id in open_rubrics
        ]


def _rating(row: Row[Any]) -> Rating:
    return Rating(
        candidate_id=row.candidate_id,
        rubric_id=row.rubric_id,
        rater=row.rater,
        criterion_id=row.criterion_id,
        level=row.level,
        note=row.note,
        accepted_suggestion=bool(row.accepted_suggestion),
        suggested_level=row.suggested_level,
        version=int(row.version),
        updated_at=_utc(row.updated_at),
    )


def _audit(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=int(row.id),
        candidate_id=row.candidate_id,
        rubric_id=row.rubric_id,
        rater=row.rater,
        criterion_id=row.criterion_id,
        action=row.action,
        at=_utc(row.at),
        old_level=row.old_level,
        new_level=row.new_level,
        old_note=row.old_note,
        note=row.note,
        accepted_suggestion=None
        if row.accepted_suggestion is None
        else bool(row.accepted_suggestion),
        suggested_level=row.suggested_level,
        version=row.version,
        after_submit=bool(row.after_submit),
    )
