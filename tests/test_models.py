"""The portfolio schema: published, round-trips, and agrees with the models."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from vetting.cli import main
from vetting.loading import load_portfolios
from vetting.models import Brief, Portfolio, json_schema

SAMPLES = Path(__file__).resolve().parent.parent / "sample_portfolios"
TODAY = date(2026, 11, 22)


def sample_portfolios() -> list[Portfolio]:
    result = load_portfolios(SAMPLES, TODAY)
    assert result.portfolios, "the sample portfolios must load"
    return result.portfolios


def test_schema_is_valid_json_schema() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "Social media candidate portfolio"


def test_every_sample_round_trips_through_json_and_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    for portfolio in sample_portfolios():
        dumped = json.loads(portfolio.model_dump_json(exclude_none=True))
        errors = [e.message for e in validator.iter_errors(dumped)]
        assert errors == [], portfolio.candidate_id
        again = Portfolio.model_validate(dumped, context={"today": TODAY})
        assert again == portfolio


def test_schema_rejects_what_the_models_reject() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    bad = {"identity": {"name": "x", "kind": "consultant"}}
    assert not validator.is_valid(bad)
    with pytest.raises(ValidationError):
        Portfolio.model_validate(bad)


def test_future_dates_follow_the_context_clock() -> None:
    data = {"identity": {"name": "x", "kind": "agency"}, "submitted": "2026-12-01"}
    with pytest.raises(ValidationError, match="is in the future"):
        Portfolio.model_validate(data, context={"today": TODAY})
    assert Portfolio.model_validate(data, context={"today": date(2027, 1, 1)}).submitted


def test_sample_brief_validates_and_has_a_rate_for_every_sample_currency() -> None:
    import yaml

    brief = Brief.model_validate(yaml.safe_load((SAMPLES / "brief.yaml").read_text("utf-8")))
    currencies = {p.price.currency for p in sample_portfolios() if p.price}
    assert currencies - {brief.budget.currency} <= set(brief.exchange_rates)


def test_cli_schema_matches_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(json_schema()))


def test_template_lists_every_top_level_field() -> None:
    import yaml

    template = yaml.safe_load((SAMPLES.parent / "templates" / "portfolio.yaml").read_text("utf-8"))
    assert set(template) <= set(Portfolio.model_fields)
    assert {"identity", "price", "team", "accounts", "case_studies", "strategy_answers",
            "learning"} <= set(template)
