"""Portfolios as column tables, so that signals run vectorised across every candidate.

Signals never loop over candidates in Python: they take a :class:`PortfolioFrames` and
return a findings table (see :data:`FINDING_COLUMNS`). The one Python loop is here,
flattening the models once; the speed benchmark builds frames directly.

Tables and their columns (``candidate_id`` everywhere; ``account`` is the account's
position in ``Portfolio.accounts``; ``case`` likewise for case studies):

- ``candidates``: candidate_id, name, kind, languages (";"-joined), price_amount,
  price_currency, price_unit, price_includes (count), accounts_per_manager,
  monthly_output, n_accounts, n_case_studies, n_certifications, latest_certification
- ``accounts``: candidate_id, account, platform, handle, ownership, client,
  period_start, period_end, followers, following, posts
- ``posts``: candidate_id, account, date, format, likes, comments, shares, saves,
  views, paid
- ``history``: candidate_id, account, date, followers, following
- ``cases``: candidate_id, case, client, industry, platforms (";"-joined), n_platforms,
  period_start, period_end, period_days, objective, paid_budget, paid_currency,
  tactics ("\\n"-joined), n_tactics, reference_contactable
- ``kpis``: candidate_id, case, name, definition, baseline, result, unit
- ``team``: candidate_id, role, headcount, employment
- ``answers``: candidate_id, question_id, text
- ``learning``: candidate_id, name, issuer, completed, expires
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from vetting.models import Portfolio

FINDING_COLUMNS: tuple[str, ...] = (
    "candidate_id",
    "area",
    "signal",
    "subject",
    "value",
    "unit",
    "comparison",
    "benchmark_source",
    "benchmark_year",
    "suggested_level",
    "flag",
    "severity",
    "confidence",
    "sources",  # "; "-joined SourceRefs, e.g. "004 §3; 000 §5"
    "detail",
    # The signal of a summary finding that already combines this finding's level (e.g. an
    # account's engagement, summarised per portfolio); such levels do not count twice.
    "summarised_by",
)

_COLUMNS: dict[str, tuple[str, ...]] = {
    "candidates": (
        "candidate_id", "name", "kind", "languages", "price_amount", "price_currency",
        "price_unit", "price_includes", "accounts_per_manager", "monthly_output",
        "n_accounts", "n_case_studies", "n_certifications", "latest_certification",
    ),
    "accounts": (
        "candidate_id", "account", "platform", "handle", "ownership", "client",
        "period_start", "period_end", "followers", "following", "posts",
    ),
    "posts": (
        "candidate_id", "account", "date", "format", "likes", "comments", "shares",
        "saves", "views", "paid",
    ),
    "history": ("candidate_id", "account", "date", "followers", "following"),
    "cases": (
        "candidate_id", "case", "client", "industry", "platforms", "n_platforms",
        "period_start", "period_end", "period_days", "objective", "paid_budget",
        "paid_currency", "tactics", "n_tactics", "reference_contactable",
    ),
    "kpis": ("candidate_id", "case", "name", "definition", "baseline", "result", "unit"),
    "team": ("candidate_id", "role", "headcount", "employment"),
    "answers": ("candidate_id", "question_id", "text"),
    "learning": ("candidate_id", "name", "issuer", "completed", "expires"),
}
_DATES = ("date", "period_start", "period_end", "latest_certification", "completed", "expires")


@dataclass(frozen=True)
class PortfolioFrames:
    candidates: pd.DataFrame
    accounts: pd.DataFrame
    posts: pd.DataFrame
    history: pd.DataFrame
    cases: pd.DataFrame
    kpis: pd.DataFrame
    team: pd.DataFrame
    answers: pd.DataFrame
    learning: pd.DataFrame

    @classmethod
    def from_rows(cls, rows: dict[str, list[dict[str, object]]]) -> PortfolioFrames:
        """Build from row dicts keyed by table name (missing tables are empty)."""
        tables = {}
        for name, columns in _COLUMNS.items():
            frame = pd.DataFrame(rows.get(name, []), columns=list(columns))
            for column in _DATES:
                if column in frame.columns:
                    frame[column] = pd.to_datetime(frame[column])
            tables[name] = frame
        return cls(**tables)


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame(columns=list(FINDING_COLUMNS))


def build_frames(portfolios: Iterable[Portfolio]) -> PortfolioFrames:
    """Flatten loaded portfolios (each with an ``id``) into tables."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in _COLUMNS}
    for p in portfolios:
        cid = p.candidate_id
        certs = [c.completed for c in p.learning]
        rows["candidates"].append(
            {
                "candidate_id": cid,
                "name": p.identity.name,
                "kind": p.identity.kind,
                "languages": ";".join(p.identity.languages),
                "price_amount": p.price.amount if p.price else None,
                "price_currency": p.price.currency if p.price else None,
                "price_unit": p.price.unit if p.price else None,
                "price_includes": len(p.price.includes) if p.price else 0,
                "accounts_per_manager": p.team.accounts_per_manager,
                "monthly_output": p.team.monthly_output,
                "n_accounts": len(p.accounts),
                "n_case_studies": len(p.case_studies),
                "n_certifications": len(p.learning),
                "latest_certification": max(certs) if certs else None,
            }
        )
        for i, a in enumerate(p.accounts):
            rows["accounts"].append(
                {
                    "candidate_id": cid, "account": i, "platform": a.platform,
                    "handle": a.handle, "ownership": a.ownership, "client": a.client,
                    "period_start": a.period_start, "period_end": a.period_end,
                    "followers": a.followers, "following": a.following, "posts": a.posts,
                }
            )
            rows["posts"].extend(
                {"candidate_id": cid, "account": i, **post.model_dump()}
                for post in a.recent_posts
            )
            rows["history"].extend(
                {"candidate_id": cid, "account": i, **point.model_dump()}
                for point in a.follower_history
            )
        for j, c in enumerate(p.case_studies):
            rows["cases"].append(
                {
                    "candidate_id": cid, "case": j, "client": c.client,
                    "industry": c.industry, "platforms": ";".join(c.platforms),
                    "n_platforms": len(c.platforms), "period_start": c.period_start,
                    "period_end": c.period_end,
                    "period_days": (c.period_end - c.period_start).days,
                    "objective": c.objective,
                    "paid_budget": c.paid_budget.amount if c.paid_budget else None,
                    "paid_currency": c.paid_budget.currency if c.paid_budget else None,
                    "tactics": "\n".join(c.tactics), "n_tactics": len(c.tactics),
                    "reference_contactable": c.reference_contactable,
                }
            )
            rows["kpis"].extend(
                {"candidate_id": cid, "case": j, **kpi.model_dump()} for kpi in c.kpis
            )
        rows["team"].extend(
            {"candidate_id": cid, **staffing.model_dump()} for staffing in p.team.roles
        )
        rows["answers"].extend(
            {"candidate_id": cid, "question_id": qid, "text": text}
            for qid, text in p.strategy_answers.items()
        )
        rows["learning"].extend(
            {"candidate_id": cid, **certification.model_dump()} for certification in p.learning
        )
    return PortfolioFrames.from_rows(rows)
