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
from vetting.signals._thresholds import (
    flag_columns,
    fmt,
    level_from_table,
    number_texts,
    place_in_run,
    settings,
)

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


def _median_of_others(prices: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Median of the other comparable prices in the same group, per row of ``prices``.

    Returns how many other prices there are and their median (0 and NaN for prices not
    compared). Within a group sorted by price, leaving out the value at rank ``r`` shifts
    every rank at or above ``r`` by one, so the median of the others is read off directly.
    """
    pool = (
        prices[["group", "converted"]]
        .assign(row=np.arange(len(prices)))[prices["comparable"].to_numpy(dtype=bool)]
        .sort_values(["group", "converted"], kind="stable")
    )
    values = pool["converted"].to_numpy(float)
    group_codes = pd.factorize(pool["group"])[0]
    # Sorted by group, so each group is one run: its start, and each price's rank in it.
    rank = place_in_run(group_codes)
    start = np.arange(len(pool)) - rank
    others = np.bincount(group_codes)[group_codes] - 1 if len(pool) else rank

    def kth_other(k: np.ndarray) -> np.ndarray:
        k = np.clip(k, 0, np.maximum(others - 1, 0))
        position = start + k + (k >= rank)
        return values[np.clip(position, 0, max(len(values) - 1, 0))] if len(values) else values

    odd = others % 2 == 1
    middle = others // 2
    median = np.where(
        odd, kth_other(middle), (kth_other(middle - 1) + kth_other(middle)) / 2.0
    )
    rows = pool["row"].to_numpy()
    n_others = np.zeros(len(prices), dtype=np.int64)
    n_others[rows] = others
    median_others = np.full(len(prices), np.nan)
    median_others[rows] = np.where(others >= 1, median, np.nan)
    return n_others, median_others


def _asked(rows: pd.DataFrame) -> pd.Series:
    """"Asks 1,200 EUR (monthly retainer)" per row (missing where the currency is)."""
    amounts = number_texts(rows["price_amount"].to_numpy(dtype=float, na_value=np.nan), ",.0f")
    return (
        "Asks " + pd.Series(amounts, index=rows.index) + " "
        + rows["price_currency"].astype(str) + " (" + _unit_words(rows["price_unit"]) + ")"
    )


def _market_findings(prices: pd.DataFrame) -> pd.DataFrame:
    """Price against the median of the others' prices for the same unit."""
    config = settings()["commercial"]
    floor = config["far_below_market_ratio"]["value"]
    min_others = config["min_other_prices"]["value"]
    n_others, median_others = _median_of_others(prices)
    priced = prices["priced"].to_numpy(dtype=bool)
    comparable = prices["comparable"].to_numpy(dtype=bool)
    converted = prices["converted"].to_numpy(dtype=float)
    enough = comparable & (n_others >= min_others)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(enough, converted / median_others, np.nan)
    # Texts stay pandas strings, so that a missing currency leaves the detail missing.
    unit = _unit_words(prices["price_unit"])
    shown = prices["shown_currency"]
    asked = _asked(prices)
    others = number_texts(n_others, "d")
    # The first that applies: no price, no exchange rate, too few others, compared.
    choice = np.select([~priced, ~comparable, ~enough], [0, 1, 2], 3)
    detail = np.full(
        len(prices), "No price given: ask for one, and for what it includes, before comparing.",
        dtype=object,
    )
    rows = choice == 1
    detail[rows] = (
        asked[rows] + ": not compared, because the brief gives no exchange rate from "
        + prices["price_currency"].astype(str)[rows] + " to " + shown[rows] + "."
    ).to_numpy(dtype=object)
    rows = choice == 2
    detail[rows] = (
        asked[rows] + ": not enough comparable prices (" + others[rows] + " other "
        + unit[rows] + " prices in " + shown[rows] + f"; {min_others} needed)."
    ).to_numpy(dtype=object)
    rows = choice == 3
    detail[rows] = (
        asked[rows] + ", " + number_texts(ratio[rows] * 100, ".0f") + "% of the median of "
        + others[rows] + " other " + unit[rows] + " prices ("
        + number_texts(median_others[rows], ",.0f") + " " + shown[rows] + ")."
    ).to_numpy(dtype=object)
    comparison = np.full(
        len(prices), "the other candidates' prices for the same unit", dtype=object
    )
    comparison[priced] = (
        "median of the other " + unit[priced] + " prices in " + shown[priced]
        + f" (level 1 below {floor:.0%})"
    ).to_numpy(dtype=object)
    self_declared = settings()["confidence"]["self_declared"]["value"]
    findings = pd.DataFrame(
        {
            _CID: prices[_CID].array,
            "area": AREA,
            "signal": "price_vs_market",
            "subject": "portfolio",
            "value": ratio,
            "unit": "price / median of others",
            "comparison": comparison,
            "benchmark_source": _POOL,
            "suggested_level": level_from_table(
                pd.Series(ratio), config["market_levels"]
            ).to_numpy(),
            "confidence": np.where(
                enough,
                self_declared * n_others / (n_others + 2),
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "004 closing",
            "detail": detail,
        }
    )
    low = findings[ratio < floor]
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
    asked = _asked(rows)
    # The first that applies: another unit, no exchange rate, below, above, inside.
    choice = np.select([~same_unit, ~judged, below, above], [0, 1, 2, 3], 4)
    detail = np.empty(len(rows), dtype=object)
    endings = {
        0: ": a different unit from the budget, so not compared with " + span + ".",
        1: ": no exchange rate to " + budget.currency + " in the brief, so not compared.",
        2: ", below the budget of " + span + ": ask what is left out at that price.",
        3: ", above the budget of " + span + ".",
        4: ", inside the budget of " + span + ".",
    }
    for option, ending in endings.items():
        chosen = choice == option
        if option >= 2:
            converted = number_texts(rows["converted"].to_numpy()[chosen], ",.0f")
            text = asked[chosen] + " = " + converted + f" {budget.currency}" + ending
        else:
            text = asked[chosen] + ending
        detail[chosen] = text.to_numpy(dtype=object)
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
