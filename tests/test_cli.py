"""``python -m vetting``: the real commands on the real sample files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, RUBRICS, SAMPLES
from vetting.cli import main

AGENCY = str(RUBRICS / "agency.yaml")
BRIEF = str(SAMPLES / "brief.yaml")
TODAY = "2026-11-22"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_score_table_ranks_every_sample_with_levels_and_flags() -> None:
    code, out, err = run("score", str(SAMPLES), "--rubric", AGENCY, "--brief", BRIEF,
                         "--today", TODAY)
    assert (code, err) == (0, "")
    assert "Candidates ranked" in out
    assert "C1 Followers versus real engagement" in out
    assert "KO" in out  # the bought-follower sample is knocked out
    assert "fake_audience_majority" in out


def test_score_csv_is_machine_readable_and_ranked() -> None:
    code, out, _ = run("score", str(SAMPLES), "--rubric", AGENCY, "--format", "csv",
                       "--today", TODAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 12
    totals = [float(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert [int(r["rank"]) for r in rows] == list(range(1, 13))
    assert {"followers_engagement", "authenticity", "red_flags"} <= set(rows[0]) or rows[0]


def test_score_json_carries_findings_with_sources() -> None:
    code, out, _ = run("score", str(SAMPLES), "--rubric", AGENCY, "--format", "json",
                       "--today", TODAY)
    cards = json.loads(out)
    assert code == 0 and len(cards) == 12
    finding = cards[0]["criteria"][0]["findings"][0]
    assert finding["sources"] and finding["detail"]


def test_a_bad_file_is_reported_and_the_rest_are_scored(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"identity": {"name": "x", "kind": "agency"', "utf-8")
    good = SAMPLES / "maya-okafor.yaml"
    code, out, err = run("score", str(tmp_path), str(good), "--rubric", AGENCY,
                         "--format", "csv", "--today", TODAY)
    assert code == 1  # done, but some input was rejected
    assert f"{tmp_path / 'broken.json'}: invalid JSON at line 1" in err
    assert "maya-okafor" in out


def test_nothing_loaded_exits_2_with_a_reason(tmp_path: Path) -> None:
    code, _, err = run("score", str(tmp_path / "missing"), "--rubric", AGENCY)
    assert code == 2
    assert "no such file or folder" in err and "Traceback" not in err


def test_a_bad_rubric_names_field_and_reason(tmp_path: Path) -> None:
    rubric = tmp_path / "mine.yaml"
    rubric.write_text((RUBRICS / "agency.yaml").read_text("utf-8").replace(
        "weight: 14", "weight: -3", 1), "utf-8")
    code, _, err = run("score", str(SAMPLES), "--rubric", str(rubric))
    assert code == 2
    assert f"{rubric}: criteria[" in err and "weight" in err


def test_validate_reports_every_sample_ok() -> None:
    code, out, err = run("validate", str(SAMPLES), "--today", TODAY)
    assert code == 0 and err == ""
    assert out.count("ok  ") == 12


def test_template_and_schema() -> None:
    code, out, _ = run("template")
    assert code == 0 and "strategy_answers:" in out
    code, out, _ = run("template", "brief")
    assert code == 0 and "budget:" in out


def test_audit_followers_json_summary(tmp_path: Path) -> None:
    sample = next(SAMPLES.glob("data/*_followers.csv"))
    scored = tmp_path / "scored.csv"
    code, out, _ = run("audit-followers", str(sample), "--json", "--out", str(scored))
    summary = json.loads(out)
    assert code == 0
    assert {"n", "estimated_fake_share", "ci_low", "ci_high"} <= set(summary)
    assert summary["ci_low"] <= summary["estimated_fake_share"] <= summary["ci_high"]
    header = scored.read_text("utf-8").splitlines()[0]
    assert "fake_probability" in header


def test_rating_workflow_from_the_command_line(database: str) -> None:
    code, out, _ = run("scorecard", "studio-hana", str(SAMPLES), "--rubric", AGENCY,
                       "--database", database, "--today", TODAY)
    assert code == 0 and "evidence suggests" in out
    code, out, _ = run("candidates", "--database", database)
    assert code == 0 and out.count("\n") == 12 and "studio-hana" in out

    code, out, err = run("rate", "studio-hana", "--rubric-id", "agency", "--rater", "Ana",
                         "--criterion", "strategy_depth", "--level", "1",
                         "--database", database)
    assert code == 2 and "needs a note" in err
    code, out, _ = run("rate", "studio-hana", "--rubric-id", "agency", "--rater", "Ana",
                       "--criterion", "strategy_depth", "--level", "1", "--note", "vague",
                       "--database", database)
    assert code == 0 and "level 1 (version 1)" in out
    assert run("submit", "studio-hana", "--rubric-id", "agency", "--rater", "Ana",
               "--database", database)[0] == 0

    code, out, _ = run("scorecard", "studio-hana", str(SAMPLES), "--rubric", AGENCY,
                       "--database", database, "--format", "json", "--today", TODAY)
    [card] = json.loads(out)
    strategy = next(c for c in card["criteria"] if c["criterion_id"] == "strategy_depth")
    assert strategy["level"] == 1 and strategy["suggested_level"] != 1


def test_compare_exports_excel_with_injection_neutralised(tmp_path: Path) -> None:
    out_file = tmp_path / "comparison.xlsx"
    code, out, _ = run("compare", str(SAMPLES), "--rubric", AGENCY, "--brief", BRIEF,
                       "--out", str(out_file), "--today", TODAY)
    assert code == 0
    assert "stays first" in out
    book = openpyxl.load_workbook(out_file)
    assert {"side_by_side", "ranking", "sensitivity"} <= set(book.sheetnames)
    cells = [c.value for row in book["side_by_side"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_compare_refuses_an_unknown_export_format(tmp_path: Path) -> None:
    code, _, err = run("compare", str(SAMPLES), "--rubric", AGENCY, "--out",
                       str(tmp_path / "x.pdf"))
    assert code == 2 and "choose a .csv, .xlsx or .json" in err


def test_python_dash_m_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage")
    result = subprocess.run(
        [sys.executable, "-m", "vetting", "validate", str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(bad) in result.stderr


def test_compare_names_unknown_shortlist_ids() -> None:
    code, _, err = run("compare", str(SAMPLES), "--rubric", AGENCY, "--only", "nobody",
                       "--today", TODAY)
    assert code == 2 and "no candidate nobody among the portfolios" in err


def test_an_unwritable_output_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.csv"
    code, _, err = run("compare", str(SAMPLES), "--rubric", AGENCY, "--out", str(target),
                       "--today", TODAY)
    assert code == 2 and str(target) in err and "internal error" not in err


def test_saved_scores_use_the_panel_of_submitted_raters(database: str) -> None:
    assert run("scorecard", "studio-hana", str(SAMPLES), "--rubric", AGENCY,
               "--database", database, "--today", TODAY)[0] == 0
    for rater in ("Ana", "Ben"):
        run("rate", "studio-hana", "--rubric-id", "agency", "--rater", rater, "--criterion",
            "strategy_depth", "--level", "1", "--note", "vague", "--database", database)
        run("submit", "studio-hana", "--rubric-id", "agency", "--rater", rater,
            "--database", database)
    code, out, _ = run("score", str(SAMPLES), "--rubric", AGENCY, "--format", "json",
                       "--save", "--database", database, "--today", TODAY)
    assert code == 0
    hana = next(c for c in json.loads(out) if c["candidate_id"] == "studio-hana")
    assert next(c["level"] for c in hana["criteria"] if c["criterion_id"] == "strategy_depth") == 1
