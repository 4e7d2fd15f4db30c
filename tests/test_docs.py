"""The docs say what the code does: commands, files and links in README.md exist."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from vetting.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_in_the_readme_exists() -> None:
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    mentioned = set(re.findall(r"python -m vetting ([a-z-]+)", README))
    assert mentioned, "the README shows the command line"
    assert mentioned <= known, mentioned - known


def test_every_cli_command_is_in_the_readme() -> None:
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert known <= set(re.findall(r"python -m vetting ([a-z-]+)", README))


def test_ci_runs_the_readme_test_command() -> None:
    [test_command] = re.findall(r"^(bash scripts/test\.sh)\b", README, flags=re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_links_and_images_exist() -> None:
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()]
    assert missing == []


def test_readme_lists_every_required_package() -> None:
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for package in ("streamlit", "pandas", "pydantic", "reportlab", "pytest"):
        assert re.search(rf"^{package}(\[.*\])?==", requirements, flags=re.M), package
