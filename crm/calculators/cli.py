"""`crm rates`: tiers, quotes, affiliate estimates and benchmarks from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo

from crm.market.current import app_market, market
from crm.market.facts import Market
from crm.market.ranges import CentsRange
from crm.money import MoneyError, format_money, parse_cents
from crm.rates import payloads
from crm.rates.addons import apply_add_ons
from crm.rates.affiliate import affiliate_estimate
from crm.rates.benchmark import compare_month
from crm.rates.errors import RatesError
from crm.rates.quotes import MAX_ENGAGEMENT, Quote, sponsored_quote, ugc_quote
from crm.rates.tiers import standing


class OneLineUsageError(click.UsageError):
    """A bad argument shown as one 'Error: ...' line, without the usage block."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class RatesGroup(AppGroup):
    """The rates commands: a bad argument anywhere below is one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise OneLineUsageError(error.format_message()) from None


rates_group = RatesGroup("rates", help="Market rates for creators under 10K (figures in USD).")

# Which option a calculation's error field belongs to.
OPTION_FOR = {"ctr": "--ctr", "add_ons": "--add-on", "portfolio_videos": "--portfolio"}


class MoneyParam(click.ParamType):
    """An amount like 40, 40.50 or 1,250 (major units), never negative; gives cents."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            cents = parse_cents(str(value))
        except MoneyError:
            self.fail(f"{value!r} is not an amount of money.", param, ctx)
        if cents < 0:
            self.fail("amounts can't be negative.", param, ctx)
        return cents


MONEY = MoneyParam()
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts in USD).")
engagement_option = click.option(
    "--engagement",
    type=click.FloatRange(min=0, max=MAX_ENGAGEMENT),
    help="Engagement rate in percent, e.g. 9.5.",
)


def _option_market(ctx: click.Context) -> Market:
    """Option callbacks run before the command's app context: ask the app itself."""
    return app_market(ctx.ensure_object(ScriptInfo).load_app())


def _niche(ctx: click.Context, param: click.Parameter, value: str) -> str:
    m = _option_market(ctx)
    if not m.is_niche(value):
        keys = ", ".join(n.key for n in m.niches)
        raise click.BadParameter(f"{value!r} is not a niche; choose from {keys}.")
    return value


def _add_ons(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    keys = [a.key for a in _option_market(ctx).add_ons]
    for key in value:
        if key not in keys:
            raise click.BadParameter(f"{key!r} is not an add-on; choose from {', '.join(keys)}.")
    return list(value)


add_on_option = click.option(
    "--add-on",
    "add_ons",
    multiple=True,
    callback=_add_ons,
    help="Apply an add-on at its default uplift (usage_rights, whitelisting, exclusivity).",
)


@contextmanager
def _calculation() -> Iterator[None]:
    """Turn a refused input into a one-line usage error naming the option."""
    try:
        yield
    except RatesError as error:
        option = OPTION_FOR.get(error.field or "", f"--{(error.field or '').replace('_', '-')}")
        raise click.BadParameter(error.message, param_hint=f"'{option}'") from None


def _emit(as_json: bool, payload: dict[str, Any], lines: Callable[[], list[str]]) -> None:
    click.echo(json.dumps(payload, indent=2) if as_json else "\n".join(lines()))


def _span(low: int, high: int) -> str:
    return f"{format_money(low)}-{format_money(high)}"


@rates_group.command("tier")
@click.option("--followers", type=click.IntRange(min=0), required=True, help="Follower count.")
@json_option
def tier_command(followers: int, as_json: bool) -> None:
    """The tier for FOLLOWERS: monthly income ranges, what is unlocked, what comes next."""
    result = standing(followers, market=market())

    def lines() -> list[str]:
        if result.tier is None:
            out = [f"{followers:,} followers: {result.message}"]
        else:
            out = [f"Tier {result.tier.key} ({followers:,} followers), income a month:"]
            for key, band in result.tier.streams.items():
                out.append(f"  {market().stream_label(key):<20}{_span(band.low, band.high)}")
            out.append(f"  {'Total':<20}{_span(result.tier.total.low, result.tier.total.high)}")
        out.append(f"Unlocked: {', '.join(result.unlocked) or 'nothing yet'}")
        if result.next_threshold:
            out.append(f"Next: {result.next_threshold.sentence}")
        return out

    _emit(as_json, payloads.tier_payload(result), lines)


def _quote_lines(quote: Quote, title: str) -> Callable[[], list[str]]:
    def lines() -> list[str]:
        head = f"{title}: {_span(quote.low_cents, quote.high_cents)}, "
        head += f"suggested {format_money(quote.suggested_cents)} ({quote.currency})"
        return [head, *(f"  - {reason}" for reason in quote.reasons)]

    return lines


@rates_group.group("quote")
def quote_group() -> None:
    """Quote a sponsored post or UGC work."""


@quote_group.command("sponsored")
@click.option("--followers", type=click.IntRange(min=0), required=True, help="Follower count.")
@click.option("--niche", required=True, callback=_niche, help="Your niche, e.g. finance.")
@engagement_option
@add_on_option
@json_option
def quote_sponsored(
    followers: int, niche: str, engagement: float | None, add_ons: list[str], as_json: bool
) -> None:
    """A sponsored-post quote from followers, niche and engagement."""
    with _calculation():
        quote = apply_add_ons(
            sponsored_quote(followers, niche, engagement, market=market()), add_ons, market=market()
        )
    _emit(as_json, payloads.quote_payload(quote), _quote_lines(quote, "Sponsored post"))


@quote_group.command("ugc")
@click.option(
    "--experience", type=click.Choice(["beginner", "experienced"]), required=True, help="Level."
)
@click.option("--videos", type=click.IntRange(1, 100), default=1, show_default=True)
@click.option("--retainer", is_flag=True, help="Quote a monthly retainer for VIDEOS a month.")
@click.option("--portfolio", type=click.IntRange(min=0), help="Sample videos in your portfolio.")
@engagement_option
@add_on_option
@json_option
def quote_ugc(
    experience: str,
    videos: int,
    retainer: bool,
    portfolio: int | None,
    engagement: float | None,
    add_ons: list[str],
    as_json: bool,
) -> None:
    """A UGC quote per video, for a package of VIDEOS, or as a monthly retainer."""
    with _calculation():
        quote = ugc_quote(
            experience,
            videos,
            retainer=retainer,
            portfolio_videos=portfolio,
            engagement=engagement,
            market=market(),
        )
        quote = apply_add_ons(quote, add_ons, market=market())
    title = "UGC retainer a month" if retainer else f"UGC, {videos} video{'s' * (videos != 1)}"
    _emit(as_json, payloads.quote_payload(quote), _quote_lines(quote, title))


@rates_group.command("affiliate")
@click.option("--views", type=click.IntRange(min=0), required=True, help="Average views a video.")
@click.option("--videos", type=click.IntRange(min=0), required=True, help="Videos a month.")
@click.option("--ctr", type=click.FloatRange(0, 100), help="Click-through rate in percent.")
@click.option("--conversion", type=click.FloatRange(0, 100), help="Conversion rate in percent.")
@click.option("--commission", type=MONEY, help="Commission per sale in USD.")
@json_option
def affiliate_command(
    views: int,
    videos: int,
    ctr: float | None,
    conversion: float | None,
    commission: int | None,
    as_json: bool,
) -> None:
    """A month's affiliate estimate; inputs left out take the typical ranges."""
    with _calculation():
        estimate = affiliate_estimate(
            views,
            videos,
            ctr=ctr,
            conversion=conversion,
            commission_cents=commission,
            market=market(),
        )

    def lines() -> list[str]:
        said = estimate.said or CentsRange(estimate.low_cents, estimate.high_cents)
        head = f"Affiliate estimate: about {_span(said.low, said.high)} a month"
        exact = f"exactly {_span(estimate.low_cents, estimate.high_cents)}"
        return [f"{head} ({exact}, {estimate.currency})", *(f"  - {r}" for r in estimate.reasons)]

    _emit(as_json, payloads.affiliate_payload(estimate), lines)


@rates_group.command("benchmark")
@click.option("--followers", type=click.IntRange(min=0), required=True, help="Follower count.")
@click.option("--affiliate", type=MONEY, help="Affiliate income this month (USD).")
@click.option("--ugc", type=MONEY, help="UGC income this month (USD).")
@click.option("--brand", type=MONEY, help="Brand sponsorship income this month (USD).")
@click.option("--live", type=MONEY, help="LIVE gifts this month (USD).")
@click.option("--posts-per-week", type=click.IntRange(min=0), help="How often you post.")
@json_option
def benchmark_command(
    followers: int, posts_per_week: int | None, as_json: bool, **income: Any
) -> None:
    """A month's income against the tier, per stream and in total; a stream left out is 0."""
    amounts = {key: cents for key, cents in income.items() if cents is not None}
    with _calculation():
        result = compare_month(followers, amounts, posts_per_week, market=market())

    def lines() -> list[str]:
        if result.tier is None:
            return [f"{followers:,} followers: {result.message}"]
        out = [f"Tier {result.tier.key} ({followers:,} followers):"]
        out += [f"  {line.sentence(result.currency)}" for line in result.streams]
        if result.total:
            out.append(f"  {result.total.sentence(result.currency)}")
        if result.posting_note:
            out.append(result.posting_note)
        return out

    _emit(as_json, payloads.benchmark_payload(result), lines)
