"""Trends: twelve months of income by stream against the tier band, and the follower and
engagement trend, as numbers for a server-drawn SVG and the table beside it.

Two aggregate queries whatever the history: income per month and stream, and the audience
month by month (crm.stats.trend: followers at each month's end, the month's engagement).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.dates import show_month
from crm.income.listing import month_days
from crm.income.sums import monthly_stream_sums
from crm.market.facts import Market, Stream
from crm.market.ranges import CentsRange
from crm.money import format_money
from crm.rates.benchmark import Verdict, verdict
from crm.rates.tiers import tier_for
from crm.stats.trend import audience_months, last_months

MONTHS = 12  # the chart's months, this one included


@dataclass(frozen=True)
class TrendMonth:
    key: str
    by_stream: dict[str, int]
    band: CentsRange | None  # the tier's total range for the followers at the month's end
    followers: int | None  # None before the first snapshot (the band then uses the profile's)
    engagement: float | None  # over the month's snapshots
    # The streams the tier has ranges for: the band is their total, as in the month report.
    benchmarked: frozenset[str] = frozenset()

    @property
    def total_cents(self) -> int:
        return sum(self.by_stream.values())

    @property
    def benchmarked_cents(self) -> int:
        """The income the band is a range for: the tier's streams only."""
        return sum(cents for key, cents in self.by_stream.items() if key in self.benchmarked)

    @property
    def verdict(self) -> Verdict | None:
        """The tier's streams' total against the band, the month report's total verdict
        (None with no built-in benchmark)."""
        return verdict(self.benchmarked_cents, self.band) if self.band else None


def shown_streams(months: list[TrendMonth], market: Market) -> list[Stream]:
    """The streams with income in any of `months`, in the seed's order: the chart's legend
    and the table's columns (a stream never earned from would be a column of zeros)."""
    return [s for s in market.streams if any(s.key in m.by_stream for m in months)]


def stream_totals(months: list[TrendMonth]) -> dict[str, int]:
    """Each stream's income over `months` (the table's last row)."""
    totals: dict[str, int] = {}
    for month in months:
        for stream, cents in month.by_stream.items():
            totals[stream] = totals.get(stream, 0) + cents
    return totals


def trend_months(session: Session, user: User, today: date, market: Market) -> list[TrendMonth]:
    """The last twelve months (this one included), oldest first (two queries)."""
    months = last_months(today, MONTHS)
    first, following = month_days(*months[0])[0], month_days(*months[-1])[1]
    income = monthly_stream_sums(session, user, first, following)
    by_month: dict[tuple[int, int], dict[str, int]] = {m: {} for m in months}
    for month, stream, cents, _paid in income:
        by_month[month][stream] = int(cents)
    result = []
    for audience in audience_months(session, user, months):
        counted = audience.followers if audience.followers is not None else user.followers or 0
        tier = tier_for(counted, market=market)
        result.append(
            TrendMonth(
                key=audience.key,
                by_stream=by_month[(audience.year, audience.month)],
                band=tier.total if tier else None,
                followers=audience.followers,
                engagement=audience.engagement,
                benchmarked=frozenset(tier.streams) if tier else frozenset(),
            )
        )
    return result


# The chart's drawing area, in SVG units (the viewBox scales it to any width).
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 56, 28, 12
COLOURS = ("#d6336c", "#0c8599", "#f08c00", "#7048e8", "#2b8a3e", "#5c7cfa", "#868e96", "#adb5bd")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    bands: tuple[Bar, ...]
    labels: tuple[tuple[float, str], ...]  # x and month key
    ticks: tuple[tuple[float, int], ...]  # y and cents
    followers: str  # an SVG polyline's points, on its own scale: 0 to `followers_top`
    followers_top: int
    legend: tuple[tuple[str, str], ...]  # colour and stream label


def _scale(top_cents: int) -> int:
    """A round top for the money axis: 1, 2 or 5 times a power of ten of dollars."""
    step = 100
    while True:
        for factor in (1, 2, 5):
            if step * factor >= top_cents:
                return step * factor
        step *= 10


@dataclass(frozen=True)
class _Frame:
    """The plot's geometry: `slots` months across, 0 to `top` cents up."""

    top: int
    slots: int

    @property
    def height(self) -> float:
        return HEIGHT - BOTTOM - TOP

    @property
    def slot(self) -> float:
        return (WIDTH - LEFT) / self.slots

    def y(self, value: float, top: float | None = None) -> float:
        """Where `value` sits, on the money scale or on one of its own up to `top`."""
        return TOP + self.height - self.height * value / (top or self.top)

    def centre(self, i: int) -> float:
        return LEFT + (i + 0.5) * self.slot


def chart(months: list[TrendMonth], market: Market, currency: str) -> Chart:
    """Stacked income bars a month, the tier band behind them, and the followers line."""
    streams = shown_streams(months, market)
    colours = {s.key: COLOURS[i % len(COLOURS)] for i, s in enumerate(market.streams)}
    highest = max([m.total_cents for m in months] + [m.band.high for m in months if m.band] + [1])
    frame = _Frame(_scale(highest), len(months))
    bands = tuple(
        _band(frame, i, month.key, month.band, market.currency)
        for i, month in enumerate(months)
        if month.band
    )
    bars = tuple(
        bar
        for i, month in enumerate(months)
        for bar in _stack(frame, i, month, streams, colours, currency)
    )
    most = max([m.followers for m in months if m.followers is not None] + [1])
    points = " ".join(
        f"{frame.centre(i):.1f},{frame.y(m.followers, most):.1f}"
        for i, m in enumerate(months)
        if m.followers is not None
    )
    return Chart(
        bars=bars,
        bands=bands,
        labels=tuple(
            (frame.centre(i), show_month(m.key, short=True).split()[0])
            for i, m in enumerate(months)
        ),
        ticks=tuple((frame.y(frame.top * n / 4), frame.top * n // 4) for n in range(5)),
        followers=points,
        followers_top=most,
        legend=tuple((colours[s.key], s.label) for s in streams),
    )


def _band(frame: _Frame, i: int, key: str, band: CentsRange, currency: str) -> Bar:
    """The tier's range behind month `i`, the slot's full width."""
    low, high = band.low, band.high
    return Bar(
        LEFT + i * frame.slot,
        frame.y(high),
        frame.slot,
        frame.y(low) - frame.y(high),
        "#e9ecef",
        f"{key}: tier band {format_money(low, currency)}–{format_money(high, currency)}",
    )


def _stack(
    frame: _Frame,
    i: int,
    month: TrendMonth,
    streams: list[Stream],
    colours: dict[str, str],
    currency: str,
) -> list[Bar]:
    """Month `i`'s income, one bar a stream stacked from 0 in the streams' order."""
    x, bars, base = LEFT + i * frame.slot + frame.slot * 0.2, [], 0
    for stream in streams:
        cents = month.by_stream.get(stream.key, 0)
        if cents:
            top = base + cents
            title = f"{month.key} {stream.label}: {format_money(cents, currency)}"
            height = frame.y(base) - frame.y(top)
            bars.append(Bar(x, frame.y(top), frame.slot * 0.6, height, colours[stream.key], title))
            base = top
    return bars


def year_to_date(months: list[TrendMonth], today: date) -> int:
    """Income of this calendar year so far (the trend's months of this year)."""
    return sum(m.total_cents for m in months if m.key.startswith(f"{today.year:04d}-"))
