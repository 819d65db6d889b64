"""`crm rates ...`: JSON in major units, readable text without --json, one-line errors."""

from __future__ import annotations

import json

import pytest

from crm.rates.payloads import major


def run_json(runner, *args: str) -> dict:
    result = runner.invoke(args=["rates", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_money_is_a_json_number_in_major_units():
    assert major(4000) == 40 and isinstance(major(4000), int)
    assert major(4050) == 40.5
    assert major(640) == 6.4
    assert json.dumps({"x": major(12345)}) == '{"x": 123.45}'


def test_tier_json_has_the_tier_streams_total_unlocked_and_next_threshold(runner):
    data = run_json(runner, "tier", "--followers", "3760")
    assert data == {
        "tier": "3K-5K",
        "followers": 3760,
        "message": None,
        "streams": {
            "affiliate": {"low": 50, "high": 300},
            "ugc": {"low": 300, "high": 1000},
            "brand": {"low": 100, "high": 400},
            "live": {"low": 25, "high": 100},
        },
        "total": {"low": 475, "high": 1800},
        "unlocked": ["LIVE", "LIVE gifts"],
        "next_threshold": {
            "followers": 5000,
            "missing": 1240,
            "unlocks": ["TikTok Shop Affiliate"],
            "note": None,
        },
    }


def test_tier_json_at_ten_thousand_is_null_with_a_message(runner):
    data = run_json(runner, "tier", "--followers", "10000")
    assert data["tier"] is None
    assert "no built-in benchmark" in data["message"]
    assert data["streams"] == {} and data["total"] is None and data["next_threshold"] is None


def test_tier_text_reads_plainly(runner):
    result = runner.invoke(args=["rates", "tier", "--followers", "999"])
    assert result.exit_code == 0
    assert "Tier 0-1K (999 followers)" in result.output
    assert "Total               $100-$600" in result.output
    assert "Next: 1 follower to LIVE and LIVE gifts" in result.output


def test_quote_sponsored_json(runner):
    data = run_json(
        runner,
        "quote",
        "sponsored",
        "--followers",
        "4000",
        "--niche",
        "finance",
        "--engagement",
        "11.2",
    )
    assert {k: data[k] for k in ("kind", "low", "high", "suggested", "currency")} == {
        "kind": "sponsored",
        "low": 80,
        "high": 300,
        "suggested": 195,  # exactly $194, quoted as the nearest $5 (seed quote_rounding)
        "currency": "USD",
    }
    assert any(r.startswith("Finance is a high-value niche") for r in data["reasons"])


def test_quote_sponsored_with_an_add_on(runner):
    data = run_json(
        runner,
        *("quote", "sponsored", "--followers", "4000", "--niche", "beauty"),
        *("--add-on", "usage_rights"),
    )
    assert (data["low"], data["high"]) == (52, 130)
    assert data["add_ons"] == [{"key": "usage_rights", "label": "Paid usage rights", "percent": 30}]


def test_quote_ugc_json_for_a_package_and_a_retainer(runner):
    package = run_json(runner, "quote", "ugc", "--experience", "beginner", "--videos", "3")
    assert (package["kind"], package["low"], package["high"], package["suggested"]) == (
        "ugc",
        300,
        1500,
        300,
    )
    assert package["per_video"] == {"low": 100, "high": 500, "suggested": 100}
    retainer = run_json(
        runner, "quote", "ugc", "--experience", "experienced", "--videos", "2", "--retainer"
    )
    assert (retainer["low"], retainer["high"], retainer["retainer"]) == (1000, 5000, True)
    assert retainer["low"] <= retainer["suggested"] <= retainer["high"]


def test_quote_text_lists_the_reasons(runner):
    result = runner.invoke(
        args=["rates", "quote", "sponsored", "--followers", "4000", "--niche", "tech"]
    )
    assert result.exit_code == 0
    assert result.output.startswith("Sponsored post: $80-$300, suggested $80 (USD)")
    assert "  - Tech & software is a high-value niche" in result.output


def test_affiliate_json_uses_the_typical_ranges_without_overrides(runner):
    data = run_json(runner, "affiliate", "--views", "1000", "--videos", "4")
    assert (data["low"], data["high"], data["currency"]) == (6.4, 72, "USD")
    assert data["ctr"] == {"low": 1.0, "high": 3.0}
    assert data["typical_inputs"] == ["commission", "conversion", "ctr"]


def test_affiliate_text_says_the_range_as_a_person_would_and_keeps_the_exact_one(runner):
    result = runner.invoke(args=["rates", "affiliate", "--views", "1000", "--videos", "4"])
    assert result.exit_code == 0
    assert result.output.startswith(
        "Affiliate estimate: about $5-$70 a month (exactly $6.40-$72, USD)"
    )


def test_affiliate_json_with_every_override(runner):
    data = run_json(
        runner,
        *("affiliate", "--views", "1000", "--videos", "4"),
        *("--ctr", "2", "--conversion", "3", "--commission", "10"),
    )
    assert (data["low"], data["high"]) == (24, 24)


def test_benchmark_json_compares_each_stream_and_the_total(runner):
    data = run_json(runner, "benchmark", "--followers", "4000", "--ugc", "450", "--live", "30.50")
    assert data["tier"] == "3K-5K"
    assert list(data["streams"]) == ["affiliate", "ugc", "brand", "live"]
    assert data["streams"]["ugc"] == {"amount": 450, "low": 300, "high": 1000, "verdict": "within"}
    assert data["streams"]["affiliate"]["amount"] == 0
    assert data["streams"]["affiliate"]["verdict"] == "below"
    assert data["streams"]["live"]["amount"] == 30.5
    assert data["total"] == {"amount": 480.5, "low": 475, "high": 1800, "verdict": "within"}


def test_benchmark_at_ten_thousand_says_there_is_none(runner):
    data = run_json(runner, "benchmark", "--followers", "12000", "--ugc", "450")
    assert data["tier"] is None and data["streams"] == {} and data["total"] is None
    text = runner.invoke(args=["rates", "benchmark", "--followers", "12000"]).output
    assert "no built-in benchmark" in text


def test_benchmark_text_mentions_posting_less_than_assumed(runner):
    result = runner.invoke(
        args=["rates", "benchmark", "--followers", "4000", "--ugc", "450", "--posts-per-week", "2"]
    )
    assert result.exit_code == 0
    assert "UGC deals: $450 is within the range $300-$1,000." in result.output
    assert "assumes at least 4 posts a week; you post 2" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tier"], "Missing option '--followers'"),
        (["tier", "--followers", "-1"], "'--followers': -1 is not in the range x>=0"),
        (["tier", "--followers", "lots"], "'lots' is not a valid integer"),
        (
            ["quote", "sponsored", "--followers", "10", "--niche", "crypto"],
            "'crypto' is not a niche; choose from finance",
        ),
        (
            ["quote", "sponsored", "--followers", "10", "--niche", "food", "--engagement", "nan"],
            "Engagement must be a percentage from 0 to 100.",
        ),
        (
            ["quote", "sponsored", "--followers", "4000", "--niche", "food", "--engagement", "150"],
            "'--engagement': 150.0 is not in the range 0<=x<=100",
        ),
        (
            ["quote", "sponsored", "--followers", "0", "--niche", "food"],
            "'--followers': A sponsored post is priced per 1,000 followers",
        ),
        (
            ["quote", "sponsored", "--followers", "10", "--niche", "food", "--add-on", "pizza"],
            "'pizza' is not an add-on",
        ),
        (["quote", "ugc", "--experience", "expert"], "'expert' is not one of"),
        (["quote", "ugc", "--experience", "beginner", "--videos", "0"], "'--videos'"),
        (["affiliate", "--views", "10", "--videos", "1", "--ctr", "150"], "'--ctr'"),
        (["affiliate", "--views", "10", "--videos", "1", "--commission", "-3"], "negative"),
        (["benchmark", "--followers", "10", "--ugc", "lots"], "'lots' is not an amount of money."),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_one_line_message(runner, args, message):
    result = runner.invoke(args=["rates", *args])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert message in lines[0], result.output
