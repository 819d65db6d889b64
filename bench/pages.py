"""The pages the benchmark measures: add a page here and every part of the run measures it.

Each entry is a label and a function of the filled data (bench.fill.Filled) that gives the
URL. A page that is reached by following links (the pitch list's oldest page) says so with
`follow`; the runner resolves it once per database before timing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from bench.fill import COMMON_WORD, RARE_WORD, Filled

# The page every other page is compared with: served by the app, no login, no database.
BARE = "/static/favicon.svg"


@dataclass(frozen=True)
class Page:
    label: str
    url: Callable[[Filled], str]
    follow: bool = False  # go from the first page to the oldest one by its "older" links


def q(text: str) -> str:
    return quote(text)


PAGES: list[Page] = [
    Page("dashboard", lambda f: "/dashboard"),
    Page("brand list", lambda f: "/brands/"),
    Page("brand search, common word", lambda f: f"/brands/?q={COMMON_WORD}"),
    Page("brand search, rare word", lambda f: f"/brands/?q={RARE_WORD}"),
    Page("brand search, name and number", lambda f: f"/brands/?q={q(f.numbered_name)}"),
    Page("brands, leads by name", lambda f: "/brands/?status=lead&sort=name"),
    Page("brands, beauty by followers", lambda f: "/brands/?category=beauty&sort=followers"),
    Page("brands, tagged and good targets", lambda f: "/brands/?tag=gifting&good=1"),
    Page("brand page", lambda f: f"/brands/{f.brand_id}"),
    Page("pitch list", lambda f: "/pitches/"),
    Page("pitch list, oldest page", lambda f: "/pitches/", follow=True),
    Page("pitch list, sent", lambda f: "/pitches/?status=sent"),
    Page("board", lambda f: "/pitches/board"),
    Page("follow-ups", lambda f: "/pitches/followups"),
    Page("pitch page", lambda f: f"/pitches/{f.pitch_id}"),
    Page("new pitch, brand picker", lambda f: "/pitches/new"),
    Page("new pitch, brand picker searched", lambda f: f"/pitches/new?q={COMMON_WORD}"),
    Page("pitch email", lambda f: f"/emails/pitches/{f.pitch_id}"),
    Page("deal list", lambda f: "/deals/"),
    Page("deal list, active", lambda f: "/deals/?status=active"),
    Page("deal list, gifted", lambda f: "/deals/?kind=gifted"),
    Page("deal list, oldest page", lambda f: "/deals/", follow=True),
    Page("deal page", lambda f: f"/deals/{f.deal_id}"),
    Page("new deal, brand picker", lambda f: "/deals/new"),
    Page("stats", lambda f: "/stats/"),
    Page("income list", lambda f: "/income/"),
    Page("income, every month", lambda f: "/income/?month=all"),
    Page("income, oldest page", lambda f: "/income/?month=all", follow=True),
    Page("income, overdue", lambda f: "/income/?month=all&status=overdue"),
    Page("income from one brand", lambda f: f"/income/?month=all&brand={f.brand_id}"),
    Page("income month report", lambda f: "/income/month"),
    Page("income year summary", lambda f: "/income/year"),
    Page("expenses", lambda f: "/income/expenses/"),
    Page("LIVE sessions", lambda f: "/income/live/"),
    Page("income trends", lambda f: "/income/trends"),
    Page("income targets", lambda f: "/income/targets"),
    Page("imports", lambda f: "/imports/"),
    Page("imports, oldest page", lambda f: "/imports/", follow=True),
    Page("deliverables due", lambda f: "/deals/due"),
    Page("invoices", lambda f: "/deals/invoices/"),
    Page("invoices, oldest page", lambda f: "/deals/invoices/", follow=True),
    # The printable invoice: this page with its print stylesheet (the PDF needs WeasyPrint).
    Page("invoice page", lambda f: f"/deals/invoices/{f.invoice_id}"),
    Page("rates", lambda f: "/rates/"),
    Page("deal rights", lambda f: "/deals/rights"),
    Page("calendar feed", lambda f: f"/calendar/{f.calendar_token}.ics"),
    Page("approval page (brand)", lambda f: f"/approve/{f.approval_token}"),
    Page("media kit", lambda f: f"/kit/{f.kit_slug}"),
    Page("media kit JSON", lambda f: f"/kit/{f.kit_slug}.json"),
    Page("media kit inquiry form", lambda f: f"/kit/{f.kit_slug}/inquire"),
    Page("profile", lambda f: "/profile"),
    Page("settings", lambda f: "/settings"),
    Page("backup page", lambda f: "/account/backup"),
    Page("email templates", lambda f: "/emails/templates"),
]


# Pages of tests/main_pages.py the benchmark leaves out, each with the reason: their work
# does not depend on how many rows the account holds (tests/test_bench.py holds the two
# lists together, so a new page is measured or excused here).
NOT_MEASURED: dict[str, str] = {
    "brands.edit": "one brand's form",
    "deals.new_deliverable": "an empty form for one deal",
    "deals.edit_deliverable": "one deliverable's form",
    "brands.new": "an empty form",
    "brands.new_contact": "one brand's contact form",
    "brands.edit_contact": "one contact's form",
    "brands.import_csv": "an upload form",
    "brands.import_template": "a fixed CSV file",
    "brands.export": "the whole account by design, streamed 500 brands a piece (a download)",
    "pitches.edit": "one pitch's form",
    "pitches.settings": "the cadence form",
    "income.new": "an empty form (the last rates: a row per currency from income and expenses)",
    "income.edit": "one entry's form",
    "income.new_expense": "an empty form (the last rates, as income.new)",
    "income.new_live": "an empty form",
    "income.edit_live": "one LIVE's form",
    "income.edit_expense": "one expense's form",
    "income.year_export": "the year page's two queries, as a download",
    "income.export": "the filtered entries by design (a download, not a page)",
    "backup.download": "the whole account by design, streamed in keyset batches (a download, "
    "not a page)",
    "deals.edit": "one deal's form",
    "deals.from_pitch": "one pitch's confirm form",
    "stats.new_snapshot": "an empty form",
    "stats.edit_snapshot": "one snapshot's form",
    "stats.new_video": "an empty form",
    "stats.edit_video": "one video's form",
    "accounts.change_password": "the password form",
    "deals.renewal_email": "one deal's renewal email",
    "deals.calendar_settings": "one row: whether the creator has a feed",
    "approvals.deal_links": "one deal's deliverables and its live links (at most 50)",
    "approvals.settings": "the creator's one setting",
    "deals.invoice_settings": "the creator's one settings row",
    "deals.new_invoice": "one deal's draft (its deliverables)",
    "deals.edit_invoice": "one invoice's form",
    "deals.void_invoice": "one invoice's confirm page",
    "emails.edit_template": "one template's editor",
    "emails.write": "a brand's pitch email: the same work as the pitch email measured",
    "kit_settings.kit": "the kit's settings form: at most 60 videos and brands to pick from",
    "kit_settings.preview": "the media kit's work for its creator (measured as the media kit)",
    "inquire.sent": "the media kit's rate card work (measured as the media kit)",
    "inbox.index": "the latest 50 inquiries and 50 brand answers, by the unread indexes",
    "accounts.login": "public form, no account data",
    "accounts.register": "public form, no account data",
    "accounts.reset_request": "public form, no account data",
    "accounts.reset_password": "public form, no account data",
}


class _Links(HTMLParser):
    """The href of each <a> or <link> by its rel ("next", "last", ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_rel: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        found = dict(attrs)
        href = found.get("href")
        for rel in (found.get("rel") or "").split():
            if href:
                self.by_rel.setdefault(rel.lower(), href)


def links(html: str) -> dict[str, str]:
    parser = _Links()
    parser.feed(html)
    return parser.by_rel


def oldest_page(
    get: Callable[[str], str], first: str, rows: int, page_size: int, max_hops: int = 20_000
) -> str:
    """The URL of a list's last page, starting from `first`.

    A rel="last" link is taken as it is. A rel="next" link that carries ?page=N means page
    numbers: jump to the page past the last one the rows can fill (the list shows its last
    page). Otherwise (keyset links: "older" carrying a key) follow rel="next" until there is
    none, at most `max_hops` times. With no link at all, ?page=N is the fallback.
    """
    found = links(get(first))
    if "last" in found:
        return found["last"]
    following = found.get("next")
    if following is None or "page" in parse_qs(urlsplit(following).query):
        parts = urlsplit(following or first)
        args = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        args["page"] = str(rows // page_size + 1)
        return f"{parts.path}?{urlencode(args)}"
    url = first
    for _ in range(max_hops):
        url = following
        following = links(get(url)).get("next")
        if following is None:
            break
    return url
