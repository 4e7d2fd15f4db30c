"""Shared test fixtures. Tests run the real code on real files: no mocks of our own code."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

# Database fixtures (db_url over SQLite and PostgreSQL, store) for every test module.
pytest_plugins = ["tests.db_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_portfolios"
RUBRICS = ROOT / "rubrics"
TODAY = date(2026, 11, 22)


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where nothing may silently skip."""
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch ./data: the app's default database lives in a temporary folder."""
    os.environ["VETTING_DATA_DIR"] = str(tmp_path_factory.mktemp("vetting-data"))
    os.environ.pop("VETTING_DATABASE_URL", None)
