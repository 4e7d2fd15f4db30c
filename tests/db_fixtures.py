"""Database fixtures: every database test runs on SQLite and on a real PostgreSQL server.

Loaded for every test module by ``pytest_plugins`` in tests/conftest.py.
PostgreSQL comes from VETTING_TEST_POSTGRES_URL, else ``scripts/postgres.sh`` installs
and starts one on loopback. When it cannot, the PostgreSQL half is skipped with the
reason, except under CI, where it fails: CI never silently skips. Each test gets a
database of its own (a new SQLite file; ``CREATE DATABASE`` on the server), so the
migrations always start from empty.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from vetting.store import Store, database_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres.sh"
POSTGRES_ENV = "VETTING_TEST_POSTGRES_URL"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """A server URL whose user may create databases (checked here, once)."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        try:
            started = subprocess.run(
                ["bash", str(POSTGRES_SCRIPT), "start"],
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            _unavailable(f"scripts/postgres.sh did not run: {error}")
        lines = started.stdout.strip().splitlines()
        if started.returncode != 0 or not lines:
            tail = "\n".join(started.stderr.strip().splitlines()[-5:])
            _unavailable(f"scripts/postgres.sh exited {started.returncode}: {tail}")
        url = lines[-1]
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            may_create = connection.execute(
                sa.text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
    except sa.exc.DBAPIError as error:
        _unavailable(f"cannot connect: {str(error.orig).strip()}")
    finally:
        engine.dispose()
    if not may_create:
        _unavailable("the test user may not CREATE DATABASE (each test needs its own)")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind: a fresh SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'vetting.db'}"
        return
    server = sa.make_url(database_url(request.getfixturevalue("postgres_server_url")))
    name = f"vetting_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on each database, closed after the test."""
    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()
