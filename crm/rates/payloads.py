"""The rates results as JSON-ready dicts: the one place cents become major units."""

from __future__ import annotations

from typing import Any

from crm.market.ranges import CentsRange, Range
from crm.rates.affiliate import AffiliateEstimate
from crm.rates.benchmark import MonthBenchmark, StreamVerdict
from crm.rates.quotes import Quote
from crm.rates.tiers import TierStanding


def major(cents: int) -> int | float:
    """4000 -> 40, 4050 -> 40.5: a JSON number in major units, whole when it can be."""
    return cents // 100 if cents % 100 == 0 else cents / 100


def money_range(band: CentsRange) -> dict[str, int | float]:
    return {"low": major(band.low), "high": major(band.high)}


def number_range(band: Range) -> dict[str, float]:
    return {"low": band.low, "high": band.high}


def tier_payload(standing: TierStanding) -> dict[str, Any]:
    """`crm rates tier --json`."""
    tier = standing.tier
    ahead = standing.next_threshold
    return {
        "tier": tier.key if tier else None,
        "followers": standing.followers,
        "message": standing.message,
        "streams": {key: money_range(band) for key, band in tier.streams.items()} if tier else {},
        "total": money_range(tier.total) if tier else None,
        "unlocked": list(standing.unlocked),
        "next_threshold": {
            "followers": ahead.followers,
            "missing": ahead.missing,
            "unlocks": list(ahead.unlocks),
            "note": ahead.note or None,
        }
        if ahead
        else None,
    }


def quote_payload(quote: Quote) -> dict[str, Any]:
    """`crm rates quote ... --json`."""
    payload: dict[str, Any] = {
        "kind": quote.kind,
        "low": major(quote.low_cents),
        "high": major(quote.high_cents),
        "suggested": major(quote.suggested_cents),
        "currency": quote.currency,
        "reasons": list(quote.reasons),
        "add_ons": [{"key": a.key, "label": a.label, "percent": a.percent} for a in quote.add_ons],
    }
    if quote.kind == "ugc" and quote.per_video is not None:
        payload["videos"] = quote.videos
        payload["retainer"] = quote.retainer
        payload["per_video"] = {
            **money_range(quote.per_video),
            "suggested": major(quote.per_video_suggested_cents or 0),
        }
    return payload


def affiliate_payload(estimate: AffiliateEstimate) -> dict[str, Any]:
    """`crm rates affiliate --json`."""
    return {
        "low": major(estimate.low_cents),
        "high": major(estimate.high_cents),
        "currency": estimate.currency,
        "views": estimate.views,
        "videos": estimate.videos,
        "ctr": number_range(estimate.click_through),
        "conversion": number_range(estimate.conversion),
        "commission": money_range(estimate.commission),
        "clicks": number_range(estimate.clicks),
        "sales": number_range(estimate.sales),
        "typical_inputs": sorted(estimate.typical),
        "reasons": list(estimate.reasons),
    }


def _verdict(line: StreamVerdict) -> dict[str, Any]:
    return {"amount": major(line.amount_cents), **money_range(line.range), "verdict": line.verdict}


def benchmark_payload(result: MonthBenchmark) -> dict[str, Any]:
    """`crm rates benchmark --json`."""
    return {
        "tier": result.tier.key if result.tier else None,
        "followers": result.followers,
        "message": result.message,
        "currency": result.currency,
        "streams": {line.key: _verdict(line) for line in result.streams},
        "total": _verdict(result.total) if result.total else None,
        "posting_note": result.posting_note,
    }
