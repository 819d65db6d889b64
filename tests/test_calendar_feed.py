"""The calendar feed: a secret URL, stored hashed, of deliverables, follow-ups, invoices, rights."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from crm import database
from crm.deals import calendar
from crm.deals.calendar_models import CalendarFeed
from crm.deals.models import DeliverableStatus
from crm.deals.services import move_deliverable
from crm.pitches.models import PitchStatus
from tests.factories import make_user
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal, make_deliverable
from tests.factories_pitches import make_pitch

TODAY = date(2026, 3, 2)
URL = re.compile(r"http://crm\.test(/calendar/([\w-]+)\.ics)")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 2, 12, tzinfo=UTC))


def _make_feed(client) -> tuple[str, str]:
    """Press the settings page's button; the feed's path and token from the page after."""
    response = client.post("/deals/calendar")
    assert response.status_code == 303
    assert response.location.endswith("/deals/calendar")
    found = URL.search(client.get(response.location).get_data(as_text=True))
    assert found, "the new address is shown on the page"
    return found.group(1), found.group(2)


def _events(app, path: str) -> dict[str, object]:
    """The feed at `path`, fetched without logging in and parsed back: UID -> event."""
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    parsed = Calendar.from_ical(response.data)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def _day(event, name: str = "DTSTART") -> date:
    return event.decoded(name)


def test_the_feed_carries_deliverables_followups_and_rights_ends(app, logged_in, session, user):
    brand = make_brand(session, user, name="Glow Labs")
    deal = make_deal(session, user, brand, title="Spring serum", usage_days=30,
                     usage_start=date(2026, 3, 1))  # fmt: skip
    due = make_deliverable(session, user, deal, title="Hook video", due_on=date(2026, 3, 10))
    pitch = make_pitch(session, user, brand, status=PitchStatus.SENT,
                       next_followup_on=date(2026, 3, 5))  # fmt: skip
    path, _ = _make_feed(logged_in)
    events = _events(app, path)
    assert set(events) == {
        f"deliverable-{due.id}@creator-crm",
        f"followup-{pitch.id}@creator-crm",
        f"rights-{deal.id}-usage@creator-crm",
    }
    video = events[f"deliverable-{due.id}@creator-crm"]
    assert _day(video) == date(2026, 3, 10) and _day(video, "DTEND") == date(2026, 3, 11)
    assert not isinstance(_day(video), datetime)  # all-day
    assert "Hook video" in str(video["SUMMARY"]) and "Glow Labs" in str(video["SUMMARY"])
    assert _day(events[f"followup-{pitch.id}@creator-crm"]) == date(2026, 3, 5)
    assert _day(events[f"rights-{deal.id}-usage@creator-crm"]) == date(2026, 3, 30)


def test_uids_and_dates_are_the_same_on_every_fetch(app, logged_in, session, user) -> None:
    deal = make_deal(session, user, whitelisting_days=14, whitelisting_start=TODAY)
    make_deliverable(session, user, deal, due_on=TODAY)
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY)
    path, _ = _make_feed(logged_in)
    first, second = _events(app, path), _events(app, path)
    assert len(first) == 3
    assert {uid: _day(e) for uid, e in first.items()} == {uid: _day(e) for uid, e in second.items()}
    assert {uid: e.decoded("DTSTAMP") for uid, e in first.items()} == {
        uid: e.decoded("DTSTAMP") for uid, e in second.items()
    }


def test_a_moved_due_date_keeps_its_uid(app, logged_in, session, user) -> None:
    due = make_deliverable(session, user, due_on=date(2026, 3, 10))
    path, _ = _make_feed(logged_in)
    uid = f"deliverable-{due.id}@creator-crm"
    assert _day(_events(app, path)[uid]) == date(2026, 3, 10)
    due.due_on = date(2026, 3, 12)
    session.commit()
    assert _day(_events(app, path)[uid]) == date(2026, 3, 12)


def test_only_events_from_two_weeks_ago_to_six_months_ahead(app, logged_in, session, user):
    assert (calendar.PAST_DAYS, calendar.AHEAD_DAYS) == (14, 180)
    deal = make_deal(session, user)
    inside, outside = (-14, 180), (-15, 181)
    due = {o: make_deliverable(session, user, deal, due_on=TODAY + timedelta(o)).id
           for o in (*inside, *outside)}  # fmt: skip
    ends = {o: make_deal(session, user, usage_days=10, usage_start=_ending_in(o, 10)).id
            for o in (*inside, *outside)}  # fmt: skip
    path, _ = _make_feed(logged_in)
    events = _events(app, path)
    assert set(events) == {f"deliverable-{due[o]}@creator-crm" for o in inside} | {
        f"rights-{ends[o]}-usage@creator-crm" for o in inside
    }
    assert _day(events[f"rights-{ends[180]}-usage@creator-crm"]) == TODAY + timedelta(180)


def _ending_in(days_left: int, days: int) -> date:
    """The start of a `days` window whose last day is `days_left` days after TODAY."""
    return TODAY + timedelta(days=days_left) - timedelta(days=days - 1)


def test_an_old_deals_right_ending_is_in_the_feed_past_the_cap(
    app, logged_in, session, user, monkeypatch
):
    # Rights events come from the windows' last days, not from the newest deals.
    monkeypatch.setattr(calendar, "EVENTS_MAX", 2)
    old = make_deal(session, user, exclusivity_days=90, exclusivity_category="skincare",
                    exclusivity_start=_ending_in(20, 90))  # fmt: skip
    for _ in range(3):  # newer deals whose windows ended long ago
        make_deal(session, user, usage_days=30, usage_start=date(2025, 1, 1))
    path, _ = _make_feed(logged_in)
    events = _events(app, path)
    assert set(events) == {f"rights-{old.id}-exclusivity@creator-crm"}
    assert _day(events[f"rights-{old.id}-exclusivity@creator-crm"]) == TODAY + timedelta(20)


def test_each_kind_is_capped_at_its_soonest_events(app, logged_in, session, user, monkeypatch):
    monkeypatch.setattr(calendar, "EVENTS_MAX", 2)
    deal = make_deal(session, user)
    later = [make_deliverable(session, user, deal, due_on=TODAY + timedelta(o)).id
             for o in (9, 3, 5)]  # fmt: skip
    ends = [make_deal(session, user, whitelisting_days=7,
                      whitelisting_start=_ending_in(o, 7)).id for o in (8, 2, 4)]  # fmt: skip
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY)
    path, _ = _make_feed(logged_in)
    uids = set(_events(app, path))
    assert {u for u in uids if u.startswith("deliverable-")} == {
        f"deliverable-{later[1]}@creator-crm",
        f"deliverable-{later[2]}@creator-crm",
    }
    assert {u for u in uids if u.startswith("rights-")} == {
        f"rights-{ends[1]}-whitelisting@creator-crm",
        f"rights-{ends[2]}-whitelisting@creator-crm",
    }
    assert sum(u.startswith("followup-") for u in uids) == 1


def test_an_unchanged_feed_is_a_304_and_a_change_is_a_new_etag(app, logged_in, session, user):
    brand = make_brand(session, user, name="Glow Labs")
    deal = make_deal(session, user, brand, usage_days=30, usage_start=TODAY)
    make_deliverable(session, user, deal, due_on=TODAY)
    path, _ = _make_feed(logged_in)
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "private, no-cache"
    brand.name = "Glow Labs Studio"  # only a summary changes: the events' stamps don't
    session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Glow Labs Studio" in changed.get_data(as_text=True)
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_posted_deliverables_and_unsent_pitches_stay_out(app, logged_in, session, user) -> None:
    posted = make_deliverable(session, user, due_on=TODAY)
    move_deliverable(session, posted, DeliverableStatus.POSTED, TODAY)
    session.commit()
    make_pitch(session, user, status=PitchStatus.DRAFT, next_followup_on=TODAY)
    make_deal(session, user, exclusivity_days=30, exclusivity_category="Skincare")  # no end yet
    make_deal(session, user, usage_perpetual=True, usage_start=TODAY)  # never ends
    path, _ = _make_feed(logged_in)
    assert _events(app, path) == {}


def test_another_creators_data_is_never_in_the_feed(app, logged_in, session, user, other_user):
    theirs = make_deal(session, other_user, title="Their deal", usage_days=30, usage_start=TODAY)
    make_deliverable(session, other_user, theirs, title="Their video", due_on=TODAY)
    make_pitch(session, other_user, status=PitchStatus.SENT, next_followup_on=TODAY)
    mine = make_deliverable(session, user, due_on=TODAY)
    path, _ = _make_feed(logged_in)
    body = app.test_client().get(path).get_data(as_text=True)
    assert "Their" not in body
    assert set(_events(app, path)) == {f"deliverable-{mine.id}@creator-crm"}


def test_the_new_address_shows_once_and_a_refresh_makes_no_other(
    app, logged_in, session, user
) -> None:
    path, token = _make_feed(logged_in)
    again = logged_in.get("/deals/calendar").get_data(as_text=True)
    assert token not in again and URL.search(again) is None
    assert "The address was shown once when you made it" in again
    (stored,) = session.scalars(sa.select(CalendarFeed.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()  # the refresh made no new one
    assert app.test_client().get(path).status_code == 200


def test_an_address_replaced_before_its_page_showed_is_not_shown(
    app, logged_in, session, user
) -> None:
    logged_in.post("/deals/calendar")
    calendar.new_feed_token(session, user.id, database.utcnow())  # another tab, meanwhile
    session.commit()
    assert URL.search(logged_in.get("/deals/calendar").get_data(as_text=True)) is None


def test_a_regenerated_address_stops_the_old_one(app, logged_in, session, user) -> None:
    old, _ = _make_feed(logged_in)
    new, _ = _make_feed(logged_in)
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    assert session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 1


def test_a_revoked_address_is_404(app, logged_in, session, user) -> None:
    path, _ = _make_feed(logged_in)
    response = logged_in.post("/deals/calendar/revoke")
    assert response.status_code == 302
    assert app.test_client().get(path).status_code == 404
    assert "No calendar feed yet" in logged_in.get("/deals/calendar").get_data(as_text=True)


def test_the_token_is_stored_only_as_its_sha256(app, logged_in, session, user) -> None:
    _, token = _make_feed(logged_in)
    row = session.execute(sa.select(CalendarFeed.__table__)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in row)
    # The settings page afterwards says a feed is on, without the address.
    page = logged_in.get("/deals/calendar").get_data(as_text=True)
    assert "Your calendar feed is on" in page and token not in page


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 5_000, "%C3%A9t%C3%A9"])
def test_unknown_tokens_are_404(app, token) -> None:
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_settings_need_a_login_and_the_feed_does_not(app, client, session, user) -> None:
    assert client.get("/deals/calendar").status_code == 302
    token = calendar.new_feed_token(session, user.id, database.utcnow())
    session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_one_feed_per_creator_and_revoke_without_one_is_harmless(session, user) -> None:
    assert calendar.revoke_feed(session, user.id) is False
    calendar.new_feed_token(session, user.id, database.utcnow())
    calendar.new_feed_token(session, user.id, database.utcnow())
    count = sa.select(sa.func.count()).select_from(CalendarFeed)
    assert session.scalar(count.where(CalendarFeed.owner_id == user.id)) == 1


def test_a_feed_made_by_another_request_meanwhile_is_replaced_not_a_500(
    session, user, monkeypatch
) -> None:
    first = calendar.new_feed_token(session, user.id, database.utcnow())
    session.commit()
    # This request read "no feed yet" before the other request's insert landed.
    real = calendar.feed_of
    answers = iter([None])
    monkeypatch.setattr(calendar, "feed_of", lambda s, o: next(answers, None) or real(s, o))
    second = calendar.new_feed_token(session, user.id, database.utcnow())
    session.commit()
    assert calendar.feed_of_token(session, first) is None
    assert calendar.feed_of_token(session, second).owner.id == user.id


def _invoice(session, user, deal, due_on: date, sent: bool = True):
    from crm.deals import invoices
    from tests.factories_deals import make_invoice

    invoice = make_invoice(session, user, deal, issue_on=date(2026, 1, 2), due_on=due_on)
    if sent:
        invoices.mark_sent(session, invoice)
    session.commit()
    return invoice


def test_sent_unpaid_invoices_are_events_on_their_due_dates(app, logged_in, session, user):
    from crm.deals import invoices
    from crm.market.current import market

    brand = make_brand(session, user, name="Glow Labs")
    deal = make_deal(session, user, brand, title="Serum videos", amount_cents=120_050)
    sent = _invoice(session, user, deal, date(2026, 3, 20))
    late = _invoice(session, user, deal, date(2026, 2, 16))  # overdue, still owed: 14 days back
    _invoice(session, user, deal, date(2026, 3, 20), sent=False)  # a draft is not billed yet
    paid = _invoice(session, user, deal, date(2026, 3, 20))
    invoices.mark_paid(session, user, paid, TODAY, TODAY, market())
    void = _invoice(session, user, deal, date(2026, 3, 20))
    invoices.void_invoice(session, void)
    _invoice(session, user, deal, date(2026, 2, 15))  # owed, but before the feed's 14 days
    session.commit()
    path, _ = _make_feed(logged_in)
    events = _events(app, path)
    assert set(events) == {f"invoice-{sent.id}@creator-crm", f"invoice-{late.id}@creator-crm"}
    event = events[f"invoice-{sent.id}@creator-crm"]
    assert _day(event) == date(2026, 3, 20) and _day(event, "DTEND") == date(2026, 3, 21)
    assert not isinstance(_day(event), datetime)  # all-day
    assert sent.number in str(event["SUMMARY"]) and "Glow Labs" in str(event["SUMMARY"])
    assert "$1,200.50" in str(event["DESCRIPTION"])
    assert _day(events[f"invoice-{late.id}@creator-crm"]) == date(2026, 2, 16)
    # Paid: it leaves the calendar, under the same UID the next fetch would have used.
    invoices.mark_paid(session, user, sent, TODAY, TODAY, market())
    session.commit()
    assert set(_events(app, path)) == {f"invoice-{late.id}@creator-crm"}


def test_another_creators_invoices_are_never_in_the_feed(
    app, logged_in, session, user, other_user
) -> None:
    _invoice(session, other_user, make_deal(session, other_user), date(2026, 3, 20))
    path, _ = _make_feed(logged_in)
    assert _events(app, path) == {}


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=120
)
_EVENTS = st.lists(
    st.builds(
        calendar.FeedEvent,
        uid=st.from_regex(r"[a-z]{3,10}-[0-9]{1,6}@creator-crm", fullmatch=True),
        on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        summary=_TEXT,
        description=_TEXT,
        # DTSTAMP is to the second, as the database's timestamps are served.
        stamp=st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        ).map(lambda at: at.replace(microsecond=0)),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(events=_EVENTS)
def test_a_feed_built_from_kept_events_reads_back_as_the_events(events) -> None:
    """Events are serialised once and kept: the file made of them parses back to exactly
    these events, in order, whatever their text (commas, semicolons, line breaks, long or
    non-Latin lines), however often one is served."""
    calendar.calendar_bytes(events)  # the second build is the one from kept events
    parsed = Calendar.from_ical(calendar.calendar_bytes(events))
    assert str(parsed["X-WR-CALNAME"]) == "Creator CRM"
    read = [
        (str(e["UID"]), e.decoded("DTSTART"), str(e["SUMMARY"]), str(e["DESCRIPTION"]),
         e.decoded("DTSTAMP"))
        for e in parsed.walk("VEVENT")
    ]  # fmt: skip
    assert read == [(e.uid, e.on, e.summary, e.description, e.stamp) for e in events]


def test_a_changed_event_is_served_changed_not_from_the_kept_copy() -> None:
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    first = calendar.FeedEvent(
        "deliverable-1@creator-crm", date(2026, 3, 10), "Due: Hook", "Deal: Hook.", stamp
    )
    moved = dataclasses.replace(first, on=date(2026, 3, 12))
    calendar.calendar_bytes([first])
    parsed = Calendar.from_ical(calendar.calendar_bytes([moved]))
    assert [e.decoded("DTSTART") for e in parsed.walk("VEVENT")] == [date(2026, 3, 12)]


def test_an_unchanged_feed_is_served_from_the_kept_file(
    monkeypatch, app, logged_in, session, user
) -> None:
    """A calendar app polls the same feed: the second fetch builds no event and no file,
    and a change builds it again."""
    deal = make_deal(session, user, make_brand(session, user, name="Glow Labs"))
    make_deliverable(session, user, deal, title="Hook", due_on=TODAY)
    path, _ = _make_feed(logged_in)
    built = []
    real = calendar.calendar_bytes
    monkeypatch.setattr(calendar, "calendar_bytes", lambda events: built.append(1) or real(events))
    monkeypatch.setattr(calendar, "_files", calendar.OrderedDict())  # none kept from before
    client = app.test_client()
    first, again = client.get(path), client.get(path)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(built) == 1
    make_deliverable(session, user, deal, title="Second cut", due_on=TODAY)
    changed = client.get(path)
    assert len(built) == 2 and "Second cut" in changed.get_data(as_text=True)


def test_the_kept_files_are_bounded_oldest_out(monkeypatch, session, user) -> None:
    monkeypatch.setattr(calendar, "FILES_KEPT", 2)
    monkeypatch.setattr(calendar, "_files", calendar.OrderedDict())
    feeds = []
    for _ in range(3):
        token = calendar.new_feed_token(session, make_user(session).id, database.utcnow())
        feeds.append(calendar.feed_of_token(session, token))
    for opened in feeds:
        calendar.feed_file(session, opened, TODAY)
    calendar.feed_file(session, feeds[1], TODAY)  # served again: now the newest
    assert [etag for _url, etag in calendar._files] == [feeds[2].etag(TODAY), feeds[1].etag(TODAY)]


def test_an_unchanged_feed_reads_only_its_token(app, logged_in, session, user, count_queries):
    """Polling an unchanged feed, with its ETag or without, reads one row: no event's."""
    deal = make_deal(session, user, make_brand(session, user, name="Glow Labs"), usage_days=30)
    make_deliverable(session, user, deal, title="Hook", due_on=TODAY)
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY)
    path, _ = _make_feed(logged_in)
    client = app.test_client()
    first = client.get(path)
    assert "Hook" in first.get_data(as_text=True)
    with count_queries() as polled:
        again = client.get(path)
        revalidated = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.data == first.data and revalidated.status_code == 304
    assert len(polled) == 2, polled
    assert all("calendar_feeds" in statement for statement in polled)


def test_a_kept_file_is_one_databases(monkeypatch, session, user) -> None:
    """Two databases can hold a feed with the same token, count and day (a copy, the
    benchmark's two sizes): a process serving both keeps a file for each."""
    monkeypatch.setattr(calendar, "_files", calendar.OrderedDict())
    make_deliverable(session, user, title="Hook", due_on=TODAY)
    token = calendar.new_feed_token(session, user.id, database.utcnow())
    opened = calendar.feed_of_token(session, token)
    etag, mine = calendar.feed_file(session, opened, TODAY)
    assert b"Hook" in mine
    # The same feed row read from another database, where the creator has no events.
    elsewhere = SimpleNamespace(engine=SimpleNamespace(url=sa.make_url("sqlite:///copy.db")))
    monkeypatch.setattr(session, "get_bind", lambda *_args, **_kw: elsewhere)
    monkeypatch.setattr(calendar, "feed_rows", lambda *_: calendar.FeedRows(((),) * 4))
    assert calendar.feed_file(session, opened, TODAY) == (etag, calendar.calendar_bytes([]))
