"""The income results as JSON-ready dicts (amounts in major units, as the rates ones)."""

from __future__ import annotations

from typing import Any

from crm.income.models import IncomeEntry
from crm.income.report import MonthReport, gaps
from crm.income.targets import TargetComparison, TargetLine
from crm.income.year import YearSummary
from crm.money import format_rate
from crm.rates.payloads import benchmark_payload, major


def report_payload(report: MonthReport) -> dict[str, Any]:
    """`crm report month --json`: `crm rates benchmark --json`'s shape plus the month's own."""
    payload = benchmark_payload(report.benchmark)
    lines = {line.key: line for line in report.benchmark.streams}
    for key, line in payload["streams"].items():
        to_low, to_high = gaps(lines[key])
        line.update(gap_to_low=major(to_low), gap_to_high=major(to_high))
    if payload["total"] and report.benchmark.total:
        to_low, to_high = gaps(report.benchmark.total)
        payload["total"].update(gap_to_low=major(to_low), gap_to_high=major(to_high))
    payload.update(
        month=report.key,
        followers=report.followers,
        followers_on=report.followers_on.isoformat() if report.followers_on else None,
        currency=report.currency,
        earned=major(report.totals.earned_cents),
        paid=major(report.totals.paid_cents),
        outstanding=major(report.totals.outstanding_cents),
        overdue=major(report.totals.overdue_cents),
        other=major(report.benchmark.other_cents),
        by_stream={key: major(s.earned_cents) for key, s in sorted(report.streams.items())},
        expenses=major(report.expenses_cents),
        net=major(report.net_cents),
        goal={
            "amount": major(report.goal_cents),
            "reached": major(report.totals.earned_cents),
            "percent": report.goal_percent,
        }
        if report.goal_cents
        else None,
        posts_per_week=float(report.posts_per_week) if report.posts_per_week is not None else None,
        notes=list(report.notes),
        targets=targets_payload(report.targets) if report.targets else None,
    )
    return payload


def _target(line: TargetLine) -> dict[str, Any]:
    return {
        "amount": major(line.amount_cents),
        "target": major(line.target_cents),
        "verdict": line.verdict,
        "gap": major(line.gap_cents),
    }


def targets_payload(comparison: TargetComparison) -> dict[str, Any]:
    """The month against the creator's own targets (10,000 followers and up): the streams
    with a target, their total against the targets' sum, income from the other streams."""
    return {
        "streams": {line.key: _target(line) for line in comparison.streams},
        "total": _target(comparison.total) if comparison.total else None,
        "other": major(comparison.other_cents),
    }


def entry_payload(entry: IncomeEntry) -> dict[str, Any]:
    """One entry for `crm income add/list --json`."""
    return {
        "id": entry.id,
        "date": entry.earned_on.isoformat(),
        "amount": major(entry.amount_cents),
        "currency": entry.currency,
        "rate": format_rate(entry.rate_millionths),
        "reporting_amount": major(entry.reporting_cents),
        "reporting_currency": entry.reporting_currency,
        "stream": entry.stream,
        "program": entry.program or None,
        "brand": entry.brand.name if entry.brand else None,
        "status": entry.status.value,
        "due": entry.due_on.isoformat() if entry.due_on else None,
        "paid": entry.paid_on.isoformat() if entry.paid_on else None,
        "note": entry.note or None,
    }


def year_payload(summary: YearSummary) -> dict[str, Any]:
    """`crm report year --json`."""
    return {
        "year": summary.year,
        "currency": summary.currency,
        "income": major(summary.earned_cents),
        "paid": major(summary.paid_cents),
        "expenses": major(summary.expenses_cents),
        "net": major(summary.net_cents),
        "streams": {key: major(cents) for key, cents in sorted(summary.streams.items())},
        "expenses_by_category": {
            key: major(cents) for key, cents in sorted(summary.expenses_by_category.items())
        },
        "months": [
            {
                "month": f"{summary.year:04d}-{row.month:02d}",
                "streams": {key: major(cents) for key, cents in sorted(row.by_stream.items())},
                "income": major(row.earned_cents),
                "paid": major(row.paid_cents),
                "expenses": major(row.expenses_cents),
                "net": major(row.net_cents),
            }
            for row in summary.months
        ],
    }
