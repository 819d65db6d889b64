"""An upload's totals as the preview page and `crm import` show them."""

from __future__ import annotations

from crm.imports.totals import preview_totals


def test_money_is_labelled_by_stream_and_summed_per_currency() -> None:
    totals = {"ugc": {"USD": 125000, "EUR": 550}, "LTK fees": {"USD": 99}}
    assert preview_totals(totals, {"ugc": "UGC deals"}) == [
        "UGC deals: $1,250 + €5.50",
        "LTK fees: $0.99",
    ]


def test_counts_are_counts_not_money() -> None:
    totals = {
        "stats": {"days": 1, "views": 12345, "followers": 1200},
        "views": {"views": 80},
        "audience": {"gender": 1, "country": 12},
    }
    assert preview_totals(totals) == [
        "12,345 views, 1,200 followers at the end",
        "80 views",
        "1 gender share, 12 country shares",
    ]


def test_stats_say_only_the_figures_the_file_had() -> None:
    assert preview_totals({"stats": {"days": 3}}) == ["3 days"]
    # The days are the table's range already: not said again beside its views.
    assert preview_totals({"stats": {"days": 3, "views": 10}}) == ["10 views"]
    assert preview_totals({}) == []


def test_videos_are_counted_not_money():
    assert preview_totals({"videos": {"videos": 1}}) == ["1 video"]
    assert preview_totals({"videos": {"videos": 1200}}) == ["1,200 videos"]
