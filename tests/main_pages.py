"""The main GET pages, one registry: each with the data that fills it.

Used by the query-count test (tests/test_page_queries.py: the count stays the same as a
page's data grows) and the query-plan test (tests/test_query_plans.py: no full scan of
a user table). A GET route of the URL map that is neither here nor in NOT_MAIN_PAGES
fails test_query_plans.py::test_every_get_page_is_in_the_registry.

A page's `fill(session, user, ids)` adds one round of rows the page shows (call it again
for more) and keeps the ids its path needs in `ids` ({brand_id} and so on).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.add_on_policy.models import AddOnUplift
from crm.brands.models import Brand
from crm.database import utcnow
from crm.deals.models import DealKind
from crm.emails.kinds import EmailKind, default_template
from crm.emails.models import PitchEmailTemplate
from crm.imports.models import Import
from crm.income.models import LiveFormat
from crm.income.targets import save_targets
from crm.market.seed import installed_market
from crm.pitches.models import PitchKind, PitchStatus
from tests.factories import make_snapshot, make_video
from tests.factories_brands import make_brand, make_contact, make_note
from tests.factories_deals import make_deal, make_deliverable, make_invoice
from tests.factories_income import make_expense, make_income, make_live
from tests.factories_pitches import NOW, make_pitch
from tests.pager_links import pager_link

Ids = dict[str, Any]
Fill = Callable[[Session, User, Ids], None]
ROWS = 3  # of each kind per round: past a page needs PAGE_SIZE rounds
_days = itertools.count(1)


def no_data(session: Session, user: User, ids: Ids) -> None:
    """A page with nothing of the creator's to list (a blank form)."""


def brands(session: Session, user: User, ids: Ids) -> None:
    """Brands with a tag, contacts and notes; one of them (brand_id) gets each round's."""
    if "brand_id" not in ids:
        anchor = make_brand(
            session,
            user,
            name="Glow Labs",
            tags="skincare, vip",
            website="https://glowlabs.com",
            tiktok_handle="glowlabs",
        )
        ids["brand_id"] = anchor.id
        ids["contact_id"] = make_contact(session, user, brand=anchor, email="jo@glowlabs.com").id
    anchor = session.get_one(Brand, ids["brand_id"])
    for number in range(ROWS):
        brand = make_brand(session, user, tags="skincare", tiktok_followers=10_000 + number)
        make_contact(session, user, brand=brand, email=f"c{next(_days)}@example.com")
        make_note(session, user, brand=anchor)
        make_contact(session, user, brand=anchor, email=f"a{next(_days)}@glowlabs.com")


def pitches(session: Session, user: User, ids: Ids) -> None:
    """Brands, and pitches in every status (sent ones with a follow-up due) at brand_id."""
    brands(session, user, ids)
    anchor = session.get_one(Brand, ids["brand_id"])
    due = NOW.date() - timedelta(days=1)
    for status in PitchStatus:
        sent = status is PitchStatus.SENT
        pitch = make_pitch(
            session,
            user,
            brand=anchor if sent else None,
            status=status,
            kind=PitchKind.UGC,
            next_followup_on=due if sent else None,
        )
        ids.setdefault("pitch_id", pitch.id)


def deals(session: Session, user: User, ids: Ids) -> None:
    """Brands and pitches; deals at brand_id with deliverables, running exclusivities in its
    category, a gifted deal, and a won pitch with no deal yet (won_pitch_id)."""
    pitches(session, user, ids)
    anchor = session.get_one(Brand, ids["brand_id"])
    today = utcnow().date()
    for number in range(ROWS):
        deal = make_deal(
            session,
            user,
            make_brand(session, user, product_category=anchor.product_category),
            usage_days=30,
            exclusivity_category=anchor.product_category,
            exclusivity_days=30,
            exclusivity_start=today - timedelta(days=number),
            today=today,
        )
        ids.setdefault("deal_id", deal.id)
        make_deliverable(session, user, deal, due_on=today + timedelta(days=number), today=today)
        make_deal(
            session,
            user,
            anchor,
            kind=DealKind.GIFTED,
            amount_cents=0,
            gifted_value_cents=4_000,
            today=today,
        )
    won = make_pitch(session, user, brand=anchor, status=PitchStatus.WON)
    ids.setdefault("won_pitch_id", won.id)


def stats(session: Session, user: User, ids: Ids) -> None:
    """Stats snapshots and portfolio videos."""
    for _ in range(ROWS):
        snapshot = make_snapshot(session, user, taken_on=date(2020, 1, 1) + timedelta(next(_days)))
        video = make_video(session, user)
        ids.setdefault("snapshot_id", snapshot.id)
        ids.setdefault("video_id", video.id)


def income(session: Session, user: User, ids: Ids) -> None:
    """Income entries this month (some overdue, some from a brand) and in earlier months."""
    brands(session, user, ids)
    today = utcnow().date()
    for number in range(ROWS):
        entry = make_income(
            session,
            user,
            earned_on=today.replace(day=1),
            due_on=today.replace(day=1) if number == 0 else None,
            brand="Glow Labs" if number == 1 else "",
            stream=("ugc", "affiliate", "brand")[number],
            today=today,
        )
        earlier = date(2020, 1, 1) + timedelta(next(_days) % 1_000)
        make_income(session, user, earned_on=earlier, today=today)
        ids.setdefault("entry_id", entry.id)


def brand_page(session: Session, user: User, ids: Ids) -> None:
    """Pitches to brand_id and income from it (the brand page's two areas)."""
    pitches(session, user, ids)
    income(session, user, ids)


def income_year(session: Session, user: User, ids: Ids) -> None:
    """Income and expenses this month and in earlier years."""
    income(session, user, ids)
    today = utcnow().date()
    for _ in range(ROWS):
        expense = make_expense(session, user, spent_on=today.replace(day=1), today=today)
        # The day counter is shared by every fill of the run: kept inside the past.
        earlier = date(2020, 1, 1) + timedelta(next(_days) % 1_000)
        make_expense(session, user, spent_on=earlier, today=today)
        ids.setdefault("expense_id", expense.id)


def live_sessions(session: Session, user: User, ids: Ids) -> None:
    """LIVEs of every format, feeding income (the creator's diamond value set)."""
    user.diamond_value_micros = 5_000
    session.commit()
    today = utcnow().date()
    for number in range(ROWS):
        found = make_live(
            session,
            user,
            held_on=date(2020, 1, 1) + timedelta(next(_days) % 1_000),
            format=list(LiveFormat)[number],
            today=today,
        )
        ids.setdefault("live_id", found.id)


def trends(session: Session, user: User, ids: Ids) -> None:
    """Income over the last months and snapshots."""
    income(session, user, ids)
    stats(session, user, ids)


def income_targets(session: Session, user: User, ids: Ids) -> None:
    """A creator past 10,000 followers with a target on every stream, and income."""
    if not ids.setdefault("targets", False):
        user.followers = 20_000
        streams = [s.key for s in installed_market().streams]
        save_targets(
            session, user.id, user.currency, dict.fromkeys(streams, 50_000), installed_market()
        )
        session.commit()
        ids["targets"] = True
    income(session, user, ids)


def deliverables(session: Session, user: User, ids: Ids) -> None:
    """A deal (deal_id) with deliverables overdue, due this week, later and undated."""
    brands(session, user, ids)
    if "deal_id" not in ids:
        ids["deal_id"] = make_deal(session, user, brand=session.get_one(Brand, ids["brand_id"])).id
    today = utcnow().date()
    for days in (-3, 0, 30, None):
        deal = make_deal(session, user, today=today)
        found = make_deliverable(
            session,
            user,
            deal,
            due_on=None if days is None else today + timedelta(days=days),
            today=today,
        )
        ids.setdefault("deliverable_id", found.id)


def dashboard(session: Session, user: User, ids: Ids) -> None:
    """Pitches with follow-ups due, deliverables due, income this month and earlier, invoices
    sent and rights ending soon."""
    pitches(session, user, ids)
    income(session, user, ids)
    deliverables(session, user, ids)
    invoices(session, user, ids)
    deal_rights(session, user, ids)


def email_templates(session: Session, user: User, ids: Ids) -> None:
    """Pitches to write to, and the creator's own template of each kind (once: one per kind)."""
    pitches(session, user, ids)
    if ids.setdefault("templates", False):
        return
    for kind in EmailKind:
        own = default_template(kind)  # the built-in text, saved as the creator's own
        session.add(
            PitchEmailTemplate(
                owner_id=user.id, kind=kind.value, subject=own.subject, body=own.body
            )
        )
    ids["templates"] = True
    session.commit()


def add_on_policy(session: Session, user: User, ids: Ids) -> None:
    """Stats, videos, income this month and the creator's add-on percentages (once each)."""
    stats(session, user, ids)
    income(session, user, ids)
    if ids.setdefault("add_ons", False):
        return
    for add_on in installed_market().add_ons:
        session.add(AddOnUplift(owner_id=user.id, add_on=add_on.key, percent=25))
    ids["add_ons"] = True
    session.commit()


def deal_rights(session: Session, user: User, ids: Ids) -> None:
    """Deals with rights ending soon, perpetual and not started, at brand_id with its contact."""
    from tests.factories_deals import make_deal

    brands(session, user, ids)
    anchor = session.get_one(Brand, ids["brand_id"])
    today = utcnow().date()
    for _ in range(ROWS):
        soon = make_deal(
            session,
            user,
            anchor,
            contact_id=ids["contact_id"],
            usage_days=30,
            usage_start=today - timedelta(days=25),
            whitelisting_days=14,
            whitelisting_start=today - timedelta(days=3),
            today=today,
        )
        make_deal(session, user, anchor, usage_perpetual=True, usage_start=today, today=today)
        make_deal(session, user, anchor, exclusivity_days=60, exclusivity_category="Skincare")
        ids.setdefault("rights_deal_id", soon.id)


def calendar_events(session: Session, user: User, ids: Ids) -> None:
    """Deals with rights, deliverables due, follow-ups due, invoices sent, and the creator's
    feed (once)."""
    from crm.deals.calendar import new_feed_token
    from crm.deals.models import Deal
    from tests.factories_deals import make_deliverable

    deal_rights(session, user, ids)
    pitches(session, user, ids)
    invoices(session, user, ids)
    deal = session.get_one(Deal, ids["rights_deal_id"])
    today = utcnow().date()
    for number in range(ROWS):
        make_deliverable(session, user, deal, due_on=today + timedelta(days=number), today=today)
    if "calendar_token" not in ids:
        ids["calendar_token"] = new_feed_token(session, user.id, utcnow())
        session.commit()


def approvals(session: Session, user: User, ids: Ids) -> None:
    """Submitted drafts on deal_id, a link for each (approval_token: one for all open ones),
    and brand answers through them."""
    from crm.approvals import services as approval_services
    from crm.deals.models import Deal
    from tests.factories_approvals import make_link, submitted

    deliverables(session, user, ids)
    deal = session.get_one(Deal, ids["deal_id"])
    now = utcnow()
    if "approval_token" not in ids:
        ids["approval_token"] = make_link(session, user, deal, now=now).token
    for number in range(ROWS):
        item = submitted(session, user, deal, today=now.date())
        made = make_link(session, user, deliverable=item, now=now)
        if number:
            approval_services.approve(session, made.link, item.id, now)
            session.commit()


def invoices(session: Session, user: User, ids: Ids) -> None:
    """Deals with deliverables and their draft invoices (invoice_id), one of each round sent."""
    from crm.deals import invoices as invoice_services

    today = utcnow().date()
    for number in range(ROWS):
        deal = make_deal(session, user)
        make_deliverable(session, user, deal)
        session.refresh(deal)
        invoice = make_invoice(session, user, deal, today=today)
        if number == 1:
            invoice_services.mark_sent(session, invoice)
            session.commit()
        ids.setdefault("deal_id", deal.id)
        ids.setdefault("invoice_id", invoice.id)
    invoice_services.save_settings(
        session, user, invoice_services.SettingsData(business_name="Maya")
    )
    session.commit()


def imports(session: Session, user: User, ids: Ids) -> None:
    """Import records, as the imports page lists them (one undone)."""
    now = utcnow()
    for number in range(ROWS):
        day = date(2026, 1, 1) + timedelta(days=next(_days))
        session.add(
            Import(
                owner_id=user.id,
                source="ltk",
                label="LTK earnings",
                file_name=f"e{day}.csv",
                sha256=f"{user.id:08d}{day:%Y%m%d}{number:02d}".ljust(64, "0"),
                created_at=now,
                date_from=day,
                date_to=day + timedelta(days=30),
                rows_read=100,
                undone_at=now if number == 0 else None,
            )
        )
    session.commit()


def media_kit(session: Session, user: User, ids: Ids) -> None:
    """A kit turned on (kit_slug) with stats, videos, audience shares and ticked brands."""
    from crm.imports.models import FollowerShare
    from crm.kit.models import KitBrand
    from tests.factories_kit import make_kit

    if "kit_slug" not in ids:
        ids["kit_slug"] = make_kit(session, user, slug=f"kit-{user.id}").slug
    stats(session, user, ids)
    for number in range(ROWS):
        brand = make_brand(session, user)
        session.add(KitBrand(owner_id=user.id, brand_id=brand.id))
        key = f"T{next(_days)}"
        session.add(FollowerShare(owner_id=user.id, dimension="territory", key=key,
                                  share_millionths=1_000 * number))  # fmt: skip
    session.commit()


def every_setting(session: Session, user: User, ids: Ids) -> None:
    """Each settings area the settings page sums up: a kit, invoice settings, a calendar
    feed, add-on percentages and own email templates, with the rows around them."""
    media_kit(session, user, ids)
    calendar_events(session, user, ids)
    add_on_policy(session, user, ids)
    email_templates(session, user, ids)


def inquiries(session: Session, user: User, ids: Ids) -> None:
    """Inquiries through the kit (new and read) beside brand answers (approvals' fill)."""
    from tests.factories_inquiries import make_inquiry

    approvals(session, user, ids)
    for number in range(ROWS):
        inquiry = make_inquiry(session, user)
        if number:
            inquiry.seen_at = utcnow()
            session.commit()


@dataclass(frozen=True)
class MainPage:
    """A GET page as a creator opens it; `path` takes the ids the page's fill kept."""

    path: str
    fill: Fill
    public: bool = False  # opened without logging in
    tags: tuple[str, ...] = field(default=())
    # The page after the first, reached by the pager's "next" link as a creator clicks it.
    deep: bool = False

    def url(self, ids: Ids) -> str:
        return self.path.format(**ids)

    def resolve(self, client: Any, ids: Ids) -> str:
        """The URL to open: `url`, or for a deep page the first page's "next" link."""
        url = self.url(ids)
        if not self.deep:
            return url
        link = pager_link(client.get(url).get_data(as_text=True), "next")
        assert link, f"{url} has no next page: fill more rows or use smaller pages"
        return link


MAIN_PAGES: list[MainPage] = [
    MainPage("/dashboard", dashboard),
    MainPage("/dashboard", income_targets, tags=("10K+",)),
    MainPage("/brands/", brands),
    MainPage("/brands/?q=glow", brands),
    MainPage("/brands/?q=jo%40glowlabs.com", brands),
    MainPage("/brands/?status=lead", brands),
    MainPage("/brands/?category=home", brands),
    MainPage("/brands/?source=other", brands),
    MainPage("/brands/?tag=skincare", brands),
    MainPage("/brands/?good=y", brands),
    MainPage("/brands/?sort=name", brands),
    MainPage("/brands/?sort=followers", brands),
    MainPage("/brands/?sort=newest", brands),
    MainPage("/brands/", deep=True, fill=brands),
    MainPage("/brands/{brand_id}", brand_page),
    MainPage("/brands/{brand_id}/edit", brands),
    MainPage("/brands/{brand_id}/contacts/new", brands),
    MainPage("/brands/contacts/{contact_id}/edit", brands),
    MainPage("/brands/new", no_data),
    MainPage("/brands/import", no_data),
    MainPage("/brands/export.csv", brands),
    MainPage("/brands/import-template.csv", no_data),
    MainPage("/pitches/", pitches),
    MainPage("/pitches/?status=sent", pitches),
    MainPage("/pitches/?kind=ugc", pitches),
    MainPage("/pitches/", deep=True, fill=pitches),
    MainPage("/pitches/board", pitches),
    MainPage("/pitches/followups", pitches),
    MainPage("/pitches/{pitch_id}", pitches),
    MainPage("/pitches/{pitch_id}/edit", pitches),
    MainPage("/pitches/new", pitches),
    MainPage("/pitches/new?brand_id={brand_id}", pitches),
    MainPage("/pitches/new?q=glow", brands),
    MainPage("/pitches/settings", no_data),
    MainPage("/deals/", deals),
    MainPage("/deals/?status=active", deals),
    MainPage("/deals/?kind=gifted", deals),
    MainPage("/deals/", deep=True, fill=deals),
    MainPage("/deals/new", deals),
    MainPage("/deals/new?q=glow", deals),
    MainPage("/deals/new?brand={brand_id}", deals),
    MainPage("/deals/{deal_id}", deals),
    MainPage("/deals/{deal_id}/edit", deals),
    MainPage("/deals/from-pitch/{won_pitch_id}", deals),
    MainPage("/stats/", stats),
    MainPage("/stats/", deep=True, fill=stats),
    MainPage("/stats/snapshots/new", stats),
    MainPage("/stats/snapshots/{snapshot_id}/edit", stats),
    MainPage("/stats/videos/new", no_data),
    MainPage("/stats/videos/{video_id}/edit", stats),
    MainPage("/income/", income),
    MainPage("/income/?month=all", income),
    MainPage("/income/?month=all", deep=True, fill=income),
    MainPage("/income/?status=overdue&stream=ugc", income),
    MainPage("/income/?month=all&brand={brand_id}", income),
    MainPage("/income/month", income_year),
    MainPage("/income/month?month=2020-01", income),
    MainPage("/income/month", income_targets, tags=("10K+",)),
    MainPage("/income/targets", income_targets),
    MainPage("/income/new", income),
    MainPage("/income/live/", live_sessions),
    MainPage("/income/live/", deep=True, fill=live_sessions),
    MainPage("/income/live/new", no_data),
    MainPage("/income/live/{live_id}/edit", live_sessions),
    MainPage("/income/trends", trends),
    MainPage("/income/year", income_year),
    MainPage("/income/year?year=2020", income_year),
    MainPage("/income/year.csv", income_year),
    MainPage("/income/expenses/", income_year),
    MainPage("/income/expenses/", deep=True, fill=income_year),
    MainPage("/income/expenses/?month=2020-01", income_year),
    MainPage("/income/expenses/new", no_data),
    MainPage("/income/expenses/{expense_id}/edit", income_year),
    MainPage("/income/{entry_id}/edit", income),
    MainPage("/income/export.csv?month=all", income),
    MainPage("/deals/due", deliverables),
    MainPage("/deals/due?sort=brand", deliverables),
    MainPage("/deals/{deal_id}/deliverables/new", deliverables),
    MainPage("/deals/deliverables/{deliverable_id}/edit", deliverables),
    MainPage("/deals/invoices/", invoices),
    MainPage("/deals/invoices/", deep=True, fill=invoices),
    MainPage("/deals/invoices/settings", invoices),
    MainPage("/deals/{deal_id}/invoices/new", invoices),
    MainPage("/deals/invoices/{invoice_id}", invoices),
    MainPage("/deals/invoices/{invoice_id}/edit", invoices),
    MainPage("/deals/invoices/{invoice_id}/void", invoices),
    MainPage("/imports/", imports),
    MainPage("/imports/", deep=True, fill=imports),
    MainPage("/rates/", add_on_policy),
    MainPage("/rates/?followers=12000&niche=beauty&videos=3", add_on_policy),
    MainPage("/deals/rights", deal_rights),
    MainPage("/deals/rights/{rights_deal_id}/renewal?right=usage", deal_rights),
    MainPage("/deals/calendar", calendar_events),
    MainPage("/calendar/{calendar_token}.ics", calendar_events, public=True),
    MainPage("/approvals/deals/{deal_id}", approvals),
    MainPage("/approvals/settings", no_data),
    MainPage("/approve/{approval_token}", approvals, public=True),
    MainPage("/profile", no_data),
    MainPage("/account/backup", no_data),
    MainPage("/account/backup.json", email_templates),
    MainPage("/account/password", no_data),
    MainPage("/emails/templates", email_templates),
    MainPage("/emails/templates/ugc_pitch", email_templates),
    MainPage("/emails/templates/first_followup", email_templates),
    MainPage("/emails/brands/{brand_id}", email_templates),
    MainPage("/emails/pitches/{pitch_id}", email_templates),
    MainPage("/kit/{kit_slug}", media_kit, public=True),
    MainPage("/settings", every_setting),
    MainPage("/settings/kit", media_kit),
    MainPage("/settings/kit/preview", media_kit),
    MainPage("/kit/{kit_slug}.json", media_kit, public=True),
    MainPage("/kit/{kit_slug}/inquire", media_kit, public=True),
    MainPage("/kit/{kit_slug}/inquire/sent", media_kit, public=True),
    MainPage("/inbox/", inquiries),
    MainPage("/login", no_data, public=True),
    MainPage("/register", no_data, public=True),
    MainPage("/password/reset", no_data, public=True),
    MainPage("/password/reset/not-a-live-token", no_data, public=True),
]

# GET routes that are not pages to measure, each with the reason.
NOT_MAIN_PAGES: dict[str, str] = {
    "dashboard.home": "only redirects to the dashboard or the login page",
    "approvals.moved_to_inbox": "the old brand answers page: only redirects to the inbox",
    "static": "files from disk, no database",
    "accounts.finish_sign_up": "a signed link checked without the database until it is posted",
    "deals.invoice_pdf": "the invoice page's queries, as a PDF; without the optional WeasyPrint "
    "a redirect to that page",
    "kit.pdf": "the kit page's queries, as a PDF; without the optional WeasyPrint a redirect "
    "to that page",
}


def page_id(page: MainPage) -> str:
    """A test id for `page`."""
    name = f"{page.path} (next page)" if page.deep else page.path
    return f"{name} [{', '.join(page.tags)}]" if page.tags else name
