"""Commercial sanity: a price far below the pool, a price outside the budget, overload.

The closing advice of 004 is "do not be fooled by a low price"; 002 §6 warns of the
emotional labour and burnout of people who are the face of a brand, which a manager
carrying too many community-managed accounts makes worse (004 §4: engagement takes the
time). Prices are compared only with the same price unit, converted into the brief's
budget currency with the manager's own exchange rates; a price that cannot be converted
is said to be so, never guessed. Thresholds: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import Brief
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import flag_columns, fmt, level_from_table, settings

AREA = "commercial"
_CID = "candidate_id"
_POOL = "candidates in this comparison"






def _unit_words(units: pd.Series) -> pd.Series:
    return units.astype(str).str.replace("_", " ")


def _prices(frames: PortfolioFrames, brief: Brief | None) -> pd.DataFrame:
    """Each candidate's price, converted to the budget currency when a brief sets one.

    Without a budget currency prices are compared only within the same currency.
    """
    prices = frames.candidates[[_CID, "price_amount", "price_currency", "price_unit"]].copy()
    prices["priced"] = prices["price_amount"].notna() & prices["price_unit"].notna()
    currency = prices["price_currency"].astype(str)
    base = brief.budget.currency if brief is not None and brief.budget is not None else None
    if base is None:
        prices["rate"] = np.where(prices["priced"], 1.0, np.nan)
        prices["group"] = prices["price_unit"].astype(str) + " in " + currency
        prices["shown_currency"] = currency
    else:
        rates = pd.Series({**(brief.exchange_rates if brief else {}), base: 1.0}, dtype=float)
        prices["rate"] = currency.map(rates)
        prices["group"] = prices["price_unit"].astype(str) + " in " + base
        prices["shown_currency"] = base
    prices["converted"] = prices["price_amount"].astype(float) * prices["rate"]
    prices["comparable"] = prices["priced"] & prices["converted"].notna()
    return prices


def _median_of_others(prices: pd.DataFrame) -> pd.DataFrame:
    """Median of the other comparable prices in the same group, per candidate, vectorised.

    Within a group sorted by price, leaving out the value at rank ``r`` shifts every
    rank at or above ``r`` by one, so the median of the others is read off directly.
    """
    pool = prices[prices["comparable"]].sort_values(["group", "converted"], kind="stable")
    values = pool["converted"].to_numpy(float)
    group_size = pool.groupby("group")["converted"].transform("size").to_numpy()
    rank = pool.groupby("group").cumcount().to_numpy()
    start = np.arange(len(pool)) - rank
    others = group_size - 1

    def kth_other(k: np.ndarray) -> np.ndarray:
        k = np.clip(k, 0, np.maximum(others - 1, 0))
        position = start + k + (k >= rank)
        return values[np.clip(position, 0, max(len(values) - 1, 0))] if len(values) else values

    odd = others % 2 == 1
    middle = others // 2
    median = np.where(
        odd, kth_other(middle), (kth_other(middle - 1) + kth_other(middle)) / 2.0
    )
    return pd.DataFrame(
        {
            _CID: pool[_CID].to_numpy(),
            "n_others": others,
            "median_others": np.where(others >= 1, median, np.nan),
        }
    )


def _market_findings(prices: pd.DataFrame) -> pd.DataFrame:
    """Price against the median of the others' prices for the same unit."""
    config = settings()["commercial"]
    floor = config["far_below_market_ratio"]["value"]
    min_others = config["min_other_prices"]["value"]
    rows = prices.merge(_median_of_others(prices), on=_CID, how="left")
    rows["n_others"] = rows["n_others"].fillna(0)
    enough = rows["comparable"] & (rows["n_others"] >= min_others)
    ratio = (rows["converted"] / rows["median_others"]).where(enough)
    unit = _unit_words(rows["price_unit"])
    asked = (
        "Asks " + fmt(rows["price_amount"].astype(float), ",.0f") + " "
        + rows["price_currency"].astype(str) + " (" + unit + ")"
    )
    compared = (
        asked + ", " + fmt(ratio * 100, ".0f") + "% of the median of "
        + rows["n_others"].astype(int).astype(str) + " other " + unit + " prices ("
        + fmt(rows["median_others"], ",.0f") + " " + rows["shown_currency"] + ")."
    )
    too_few = (
        asked + ": not enough comparable prices (" + rows["n_others"].astype(int).astype(str)
        + " other " + unit + " prices in " + rows["shown_currency"]
        + f"; {min_others} needed)."
    )
    no_rate = (
        asked + ": not compared, because the brief gives no exchange rate from "
        + rows["price_currency"].astype(str) + " to " + rows["shown_currency"] + "."
    )
    detail = np.select(
        [~rows["priced"], ~rows["comparable"], ~enough],
        [
            "No price given: ask for one, and for what it includes, before comparing.",
            no_rate,
            too_few,
        ],
        compared,
    )
    self_declared = settings()["confidence"]["self_declared"]["value"]
    findings = pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "price_vs_market",
            "subject": "portfolio",
            "value": ratio,
            "unit": "price / median of others",
            "comparison": (
                "median of the other " + unit + " prices in " + rows["shown_currency"]
                + f" (level 1 below {floor:.0%})"
            ).where(rows["priced"], "the other candidates' prices for the same unit"),
            "benchmark_source": _POOL,
            "suggested_level": level_from_table(ratio, config["market_levels"]),
            "confidence": np.where(
                enough,
                self_declared * rows["n_others"] / (rows["n_others"] + 2),
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "004 closing",
            "detail": detail,
        }
    )
    low = findings[(ratio < floor).to_numpy()]
    reason = (
        f" Below {floor:.0%} of the pool is far outside ordinary rate differences and usually"
        " means less work, less seniority or tactics that do not repeat: do not be fooled by"
        " a low price (004 closing)."
    )
    flagged = low.assign(
        suggested_level=np.nan,
        detail=low["detail"] + reason,
        **flag_columns("price_far_below_market"),
    )
    return pd.concat([findings, flagged], ignore_index=True)


def _budget_findings(prices: pd.DataFrame, brief: Brief | None) -> pd.DataFrame:
    """Price against the brief's budget range, same unit only, in both directions."""
    if brief is None or brief.budget is None:
        return pd.DataFrame()
    budget = brief.budget
    config = settings()["commercial"]["budget_levels"]
    rows = prices[prices["priced"]]
    same_unit = rows["price_unit"] == budget.unit
    judged = same_unit & rows["converted"].notna()
    below = judged & (rows["converted"] < budget.low)
    above = judged & (rows["converted"] > budget.high)
    outside = below | above
    unit_words = budget.unit.replace("_", " ")
    span = f"{budget.low:,.0f}–{budget.high:,.0f} {budget.currency} ({unit_words})"
    converted = fmt(rows["converted"], ",.0f") + f" {budget.currency}"
    asked = (
        "Asks " + fmt(rows["price_amount"].astype(float), ",.0f") + " "
        + rows["price_currency"].astype(str) + " (" + _unit_words(rows["price_unit"]) + ")"
    )
    detail = np.select(
        [~same_unit, ~judged, below, above],
        [
            asked + ": a different unit from the budget, so not compared with " + span + ".",
            asked + ": no exchange rate to " + budget.currency + " in the brief, so not compared.",
            asked + " = " + converted + ", below the budget of " + span
            + ": ask what is left out at that price.",
            asked + " = " + converted + ", above the budget of " + span + ".",
        ],
        asked + " = " + converted + ", inside the budget of " + span + ".",
    )
    findings = pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "price_vs_budget",
            "subject": "portfolio",
            "value": rows["converted"].where(judged),
            "unit": budget.currency,
            "comparison": f"the brief's budget {span}",
            "benchmark_source": "hiring brief",
            "suggested_level": np.where(
                judged, np.where(outside, config["outside"], config["within"]), np.nan
            ),
            "confidence": settings()["confidence"]["self_declared"]["value"],
            "sources": "004 closing",
            "detail": detail,
        }
    )
    flagged = findings[outside.to_numpy()].assign(
        suggested_level=np.nan, **flag_columns("price_outside_budget")
    )
    return pd.concat([findings, flagged], ignore_index=True)


def _capacity_findings(frames: PortfolioFrames) -> pd.DataFrame:
    """Accounts per manager against a burnout line (002 §6, 004 §4)."""
    config = settings()["commercial"]["accounts_per_manager"]
    rows = frames.candidates[[_CID, "accounts_per_manager"]]
    load = rows["accounts_per_manager"].astype(float)
    stated = load.notna()
    overload = config["overload"]
    detail = (
        "Each manager handles " + fmt(load, ".0f") + " client accounts" + pd.Series(
            np.where(
                load > overload,
                f", above {overload}: too little time per account for engagement and"
                " moderation, and a burnout risk (002 §6).",
                f", within {overload}.",
            ),
            index=rows.index,
        )
    )
    findings = pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "accounts_per_manager",
            "subject": "portfolio",
            "value": load,
            "unit": "client accounts per manager",
            "comparison": f"at most {overload} community-managed accounts per person",
            "suggested_level": level_from_table(load, config),
            "confidence": np.where(
                stated,
                settings()["confidence"]["self_declared"]["value"],
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "002 §6; 004 §4",
            "detail": detail.where(
                stated,
                "Accounts per manager not stated: ask how many client accounts each person"
                " handles (002 §6).",
            ),
        }
    )
    flagged = findings[(load > overload).to_numpy()].assign(
        suggested_level=np.nan, **flag_columns("accounts_per_manager_overload")
    )
    return pd.concat([findings, flagged], ignore_index=True)


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on price and capacity for every candidate in ``frames``."""
    prices = _prices(frames, context.brief)
    parts = [
        _market_findings(prices),
        _budget_findings(prices, context.brief),
        _capacity_findings(frames),
    ]
    filled = [part for part in parts if not part.empty]
    return findings_frame(pd.concat(filled, ignore_index=True) if filled else [])
