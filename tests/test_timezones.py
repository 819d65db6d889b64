"""The creator's timezone: their today, their months, the one date format, the sign-up guess."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm import database, dates
from crm.accounts import resets, services
from crm.accounts.models import User
from crm.pitches import followups
from crm.pitches import services as pitch_services
from crm.pitches.models import PitchStatus
from tests.factories_pitches import make_pitch

LOS_ANGELES = "America/Los_Angeles"
# 23:30 on Nov 30 in Los Angeles (PST, UTC-8) is already Dec 1 in UTC.
LATE_NOV_30_IN_LA = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
STEPS = (4, 7, 7)


@pytest.fixture
def in_la_late_on_nov_30(monkeypatch, session, user):
    monkeypatch.setattr(database, "utcnow", lambda: LATE_NOV_30_IN_LA)
    user.timezone = LOS_ANGELES
    session.commit()
    return user


def _sent(session, user, subject: str, due: date, **overrides):
    pitch = make_pitch(
        session, user, subject=subject, status=PitchStatus.SENT, next_followup_on=due, **overrides
    )
    session.commit()
    return pitch


class TestToday:
    def test_the_follow_ups_page_uses_the_creators_today_not_utcs(
        self, logged_in, session, in_la_late_on_nov_30
    ) -> None:
        _sent(session, in_la_late_on_nov_30, "Due Nov 30", date(2026, 11, 30))
        _sent(session, in_la_late_on_nov_30, "Due Dec 1", date(2026, 12, 1))
        page = logged_in.get("/pitches/followups").get_data(as_text=True)
        assert "Due Nov 30" in page and "due today" in page
        assert "overdue" not in page.split("Due Nov 30", 1)[1].split("</li>", 1)[0]
        due, coming_up = page.split('id="coming-up-title"', 1)
        assert "Due Dec 1" not in due  # tomorrow in Los Angeles: coming up, not due
        assert "Due Dec 1" in coming_up and "Tue, Dec 1, 2026" in coming_up

    def test_the_dashboard_counts_what_is_due_in_the_creators_day(
        self, logged_in, session, in_la_late_on_nov_30
    ) -> None:
        _sent(session, in_la_late_on_nov_30, "Due Nov 30", date(2026, 11, 30))
        _sent(session, in_la_late_on_nov_30, "Due Dec 1", date(2026, 12, 1))
        page = logged_in.get("/dashboard").get_data(as_text=True)
        due = page.index("Follow-ups due")
        assert '<p class="value">1</p>' in page[due : due + 200]

    def test_a_pitch_sent_late_in_the_evening_counts_from_the_local_day(
        self, session, in_la_late_on_nov_30
    ) -> None:
        pitch = make_pitch(session, in_la_late_on_nov_30)
        pitch_services.transition(session, pitch, PitchStatus.SENT, LATE_NOV_30_IN_LA, STEPS)
        assert pitch.next_followup_on == date(2026, 12, 4)  # Nov 30 + 4 days, not Dec 1 + 4
        result = followups.log_followup(session, pitch, LATE_NOV_30_IN_LA, STEPS, confirmed=True)
        assert result.next_on == date(2026, 12, 7)  # logged on Nov 30 local: + 7 days

    def test_cron_ghosts_each_creator_by_their_own_day(self, session, user, other_user) -> None:
        now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # Dec 2, 02:00 in Kiritimati (UTC+14)
        user.timezone, other_user.timezone = "Pacific/Kiritimati", LOS_ANGELES
        ahead = _sent(session, user, "Ahead", date(2026, 12, 2), followups_sent=3)
        behind = _sent(session, other_user, "Behind", date(2026, 12, 2), followups_sent=3)
        assert followups.ghost_expired_for_everyone(session, now) == 1
        assert (ahead.status, behind.status) == (PitchStatus.GHOSTED, PitchStatus.SENT)

    def test_without_a_timezone_the_day_is_utcs(self, monkeypatch) -> None:
        monkeypatch.setattr(database, "utcnow", lambda: LATE_NOV_30_IN_LA)
        assert dates.today_in(None) == date(2026, 12, 1)
        assert dates.today_in("Not/AZone") == date(2026, 12, 1)
        assert dates.today_in(LOS_ANGELES) == date(2026, 11, 30)


class TestMonths:
    @pytest.mark.parametrize(
        ("zone", "year", "month", "start", "end"),
        [
            # Summer time ends on Nov 1 2026 at 02:00: the month starts in PDT, ends in PST.
            (LOS_ANGELES, 2026, 11, datetime(2026, 11, 1, 7), datetime(2026, 12, 1, 8)),
            # Summer time starts on Mar 8 2026: the month starts in PST, ends in PDT.
            (LOS_ANGELES, 2026, 3, datetime(2026, 3, 1, 8), datetime(2026, 4, 1, 7)),
            ("Europe/London", 2026, 3, datetime(2026, 3, 1, 0), datetime(2026, 3, 31, 23)),
            (
                "Asia/Kolkata",
                2026,
                12,
                datetime(2026, 11, 30, 18, 30),
                datetime(2026, 12, 31, 18, 30),
            ),
            ("UTC", 2026, 12, datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ],
    )
    def test_a_month_is_cut_at_local_midnight(self, zone, year, month, start, end) -> None:
        assert dates.month_range(year, month, zone) == (
            start.replace(tzinfo=UTC),
            end.replace(tzinfo=UTC),
        )

    def test_an_instant_just_before_local_midnight_is_in_the_old_month(self) -> None:
        start, end = dates.month_range(2026, 11, LOS_ANGELES)
        assert start <= LATE_NOV_30_IN_LA < end


class TestFormat:
    @pytest.mark.parametrize(
        ("value", "options", "shown"),
        [
            (date(2026, 12, 1), {}, "Dec 1, 2026"),
            (date(2026, 12, 1), {"weekday": True}, "Tue, Dec 1, 2026"),
            (date(2027, 1, 15), {"weekday": True}, "Fri, Jan 15, 2027"),
            (LATE_NOV_30_IN_LA, {"zone": LOS_ANGELES}, "Nov 30, 2026"),
            (LATE_NOV_30_IN_LA, {}, "Dec 1, 2026"),
            (LATE_NOV_30_IN_LA, {"zone": LOS_ANGELES, "with_time": True}, "Nov 30, 2026, 11:30 pm"),
            (
                datetime(2026, 12, 1, 12, 5, tzinfo=UTC),
                {"with_time": True},
                "Dec 1, 2026, 12:05 pm",
            ),
            (datetime(2026, 12, 1, 0, 5, tzinfo=UTC), {"with_time": True}, "Dec 1, 2026, 12:05 am"),
            (None, {}, "—"),
        ],
    )
    def test_one_format(self, value, options, shown) -> None:
        assert dates.show_date(value, **options) == shown

    def test_the_template_filter_shows_times_in_the_creators_zone(
        self, app, logged_in, session, user
    ) -> None:
        user.timezone = LOS_ANGELES
        session.commit()
        pitch = make_pitch(session, user, created_at=LATE_NOV_30_IN_LA)
        session.commit()
        page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
        assert "Nov 30, 2026, 11:30 pm" in page


class TestChoosing:
    def test_the_profile_offers_zones_grouped_by_area(self, logged_in) -> None:
        page = logged_in.get("/profile").get_data(as_text=True)
        america = page.index('<optgroup label="America">')
        assert page.index(f'value="{LOS_ANGELES}"') > america
        assert 'value="UTC" selected' in page or 'selected value="UTC"' in page
        assert 'value="US/Pacific"' not in page  # aliases stay out of the list

    def test_saving_a_timezone(self, logged_in, session, user) -> None:
        from tests.test_profile import _profile

        response = logged_in.post("/profile", data=_profile(timezone="Europe/Berlin"))
        assert response.status_code == 302
        session.refresh(user)
        assert user.timezone == "Europe/Berlin"

    def test_an_unknown_timezone_is_refused_beside_the_field(self, logged_in, session, user):
        from tests.test_profile import _profile

        page = logged_in.post("/profile", data=_profile(timezone="Mars/Olympus_Mons"))
        assert page.status_code == 200
        assert 'id="timezone-error"' in page.get_data(as_text=True)
        session.refresh(user)
        assert user.timezone == "UTC"

    def test_the_service_refuses_an_unknown_timezone(self, session, user) -> None:
        data = services.ProfileData("Maya", "", "beauty", 10, "beginner", "USD", 5, 3, "Nowhere")
        with pytest.raises(services.AccountError) as refused:
            services.update_profile(session, user, data)
        assert refused.value.field == "timezone"


class TestSignUpGuess:
    def _register(self, client, **extra):
        data = {"email": "new@example.com", "password": "long-enough-pw"}
        data["confirm"] = data["password"]
        return client.post("/register", data={**data, **extra})

    @pytest.mark.parametrize(
        ("guess", "stored"),
        [
            ({"timezone": LOS_ANGELES}, LOS_ANGELES),
            ({"timezone": "Mars/Olympus_Mons"}, "UTC"),
            ({"timezone": "x" * 5000}, "UTC"),
            ({"timezone": ""}, "UTC"),
            ({}, "UTC"),
        ],
    )
    def test_the_browsers_guess_is_kept_when_known(self, client, session, guess, stored):
        assert self._register(client, **guess).status_code == 302
        assert session.scalars(select(User.timezone)).one() == stored

    def test_the_register_page_carries_the_hidden_guess(self, client) -> None:
        page = client.get("/register").get_data(as_text=True)
        assert re.search(r'<input[^>]*data-guess-timezone[^>]*type="hidden"', page) or re.search(
            r'<input[^>]*type="hidden"[^>]*data-guess-timezone', page
        )

    def test_finishing_a_sign_up_by_link_keeps_the_guess(self, app, client, session) -> None:
        token = resets.sign_up_token(app.config["SECRET_KEY"], "linked@example.com")
        data = {"password": "long-enough-pw", "confirm": "long-enough-pw", "timezone": LOS_ANGELES}
        assert client.post(f"/register/finish/{token}", data=data).status_code == 302
        assert session.scalars(select(User.timezone)).one() == LOS_ANGELES


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# The old '01 Dec' and 'Sat 05 Dec': the day before the month.
DAY_FIRST = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _text_of(page: str) -> str:
    """What a reader sees: tags (with their value and datetime attributes) taken out."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]*>", " ", page)


def test_no_page_shows_an_iso_or_day_first_date(client, auth, session) -> None:
    from crm.brands.models import Brand
    from crm.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_account
    from crm.pitches.models import Pitch
    from crm.stats.models import StatsSnapshot

    owner, _created = ensure_demo_account(session, "fast")
    session.commit()
    auth.login(DEMO_EMAIL, DEMO_PASSWORD)
    brand_ids = session.scalars(select(Brand.id).where(Brand.owner_id == owner.id)).all()
    pitch_ids = session.scalars(select(Pitch.id).where(Pitch.owner_id == owner.id)).all()
    snapshot = session.scalars(select(StatsSnapshot.id).where(StatsSnapshot.owner_id == owner.id))
    paths = [
        "/dashboard",
        "/brands/",
        "/pitches/",
        "/pitches/board",
        "/pitches/followups",
        "/stats/",
        "/rates/",
        "/profile",
        f"/stats/snapshots/{snapshot.first()}/edit",
        *(f"/brands/{brand_id}" for brand_id in brand_ids),
        *(f"/pitches/{pitch_id}" for pitch_id in pitch_ids),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _text_of(response.get_data(as_text=True))
        shown = ISO_DATE.findall(text) + DAY_FIRST.findall(text)
        assert not shown, f"{path} shows {shown}"
