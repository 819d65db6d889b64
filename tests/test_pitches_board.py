"""The pipeline board: columns by status, totals per currency from SQL, forms that move cards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crm.pitches import pipeline
from crm.pitches.models import PitchStatus as S
from tests.conftest import Auth
from tests.factories_pitches import NOW, brand_for, make_pitch


def _column(columns, status):
    return next(c for c in columns if c.status == status)


def test_one_column_per_status_in_pipeline_order(session, user) -> None:
    columns = pipeline.board(session, user.id)
    assert [c.status for c in columns] == list(S)


def test_totals_are_summed_per_status_and_currency(session, user, other_user) -> None:
    make_pitch(session, user, status=S.SENT, quoted_cents=100_00)
    make_pitch(session, user, status=S.SENT, quoted_cents=200_50)
    make_pitch(session, user, status=S.SENT, quoted_cents=50_00, currency="EUR")
    make_pitch(session, user, status=S.SENT, quoted_cents=None)
    make_pitch(session, user, status=S.WON, quoted_cents=1_000_00)
    make_pitch(session, other_user, status=S.SENT, quoted_cents=999_00)
    columns = pipeline.board(session, user.id)
    sent = _column(columns, S.SENT)
    assert sent.count == 4
    assert sent.totals == [("EUR", 50_00), ("USD", 300_50)]
    assert _column(columns, S.WON).totals == [("USD", 1_000_00)]
    assert _column(columns, S.DRAFT).totals == []


def test_the_page_shows_each_columns_total(logged_in, session, user) -> None:
    make_pitch(session, user, status=S.SENT, quoted_cents=100_00)
    make_pitch(session, user, status=S.SENT, quoted_cents=200_00)
    make_pitch(session, user, status=S.SENT, quoted_cents=50_00, currency="EUR")
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    assert "€50 + $300" in page
    assert "no quotes" in page


def test_each_open_card_has_a_status_form_with_only_allowed_moves(logged_in, session, user):
    sent = make_pitch(session, user, status=S.SENT)
    won = make_pitch(session, user, status=S.WON)
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    form = re.search(
        rf'<form method="post" action="/pitches/{sent.id}/status".*?</form>', page, re.S
    )
    assert form is not None
    assert set(re.findall(r'<option value="(\w+)"', form.group(0))) == {
        "replied",
        "ghosted",
        "declined",
    }
    assert 'name="return_to" value="board"' in form.group(0)
    assert f'action="/pitches/{won.id}/status"' not in page


def test_moving_a_card_without_javascript_returns_to_the_board(logged_in, session, user):
    pitch = make_pitch(session, user, status=S.SENT)
    response = logged_in.post(
        f"/pitches/{pitch.id}/status", data={"status": "replied", "return_to": "board"}
    )
    assert response.headers["Location"].endswith("/pitches/board")
    session.refresh(pitch)
    assert pitch.status == S.REPLIED


def test_drag_and_drop_is_an_extra_script_loaded_from_the_app(logged_in, client) -> None:
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    assert '<script src="/static/board.js" defer></script>' in page
    with client.get("/static/board.js") as script:
        assert script.status_code == 200
        assert b"requestSubmit" in script.data


@pytest.fixture
def board_of_two(make_app, user):
    """A client logged in as `user` on an app showing 2 cards per board column."""
    client = make_app(BOARD_CARDS_PER_COLUMN=2).test_client()
    assert Auth(client).login(user.email).status_code == 302
    return client


def test_a_long_column_shows_the_newest_cards_and_links_to_the_rest(
    board_of_two, session, user
) -> None:
    for n in range(3):
        make_pitch(
            session, user, status=S.SENT, subject=f"Card {n}", updated_at=NOW + timedelta(minutes=n)
        )
    make_pitch(session, user, subject="A draft")
    columns = pipeline.board(session, user.id, per_column=2)
    sent = _column(columns, S.SENT)
    assert [p.subject for p in sent.cards] == ["Card 2", "Card 1"]
    assert sent.count == 3 and sent.hidden == 1
    assert [p.subject for p in _column(columns, S.DRAFT).cards] == ["A draft"]
    page = board_of_two.get("/pitches/board").get_data(as_text=True)
    assert '<a href="/pitches/?status=sent">Show all 3 in the list</a>' in page
    assert "Card 2" in page and "Card 1" in page and "Card 0" not in page
    assert "?status=draft" not in page  # a column that shows everything links nowhere


def test_cards_of_the_same_time_come_newest_id_first(session, user) -> None:
    _first, second, third = (make_pitch(session, user, status=S.WON) for _ in range(3))
    columns = pipeline.board(session, user.id, per_column=2)
    assert [card.id for card in _column(columns, S.WON).cards] == [third.id, second.id]


def test_the_cards_per_column_setting_defaults_to_30(app, session, user) -> None:
    assert app.config["BOARD_CARDS_PER_COLUMN"] == 30
    for _ in range(31):
        make_pitch(session, user, brand=brand_for(session, user), status=S.LOST)
    lost = _column(pipeline.board(session, user.id), S.LOST)
    assert len(lost.cards) == 30 and lost.count == 31


def test_counts_and_totals_cover_the_whole_column_not_the_cards_shown(
    board_of_two, session, user
) -> None:
    brand = brand_for(session, user)
    for cents in (100_00, 200_00, 300_00, None):
        make_pitch(session, user, brand=brand, status=S.REPLIED, quoted_cents=cents)
    make_pitch(session, user, brand=brand, status=S.REPLIED, quoted_cents=0, currency="EUR")
    replied = _column(pipeline.board(session, user.id, per_column=2), S.REPLIED)
    assert (replied.count, len(replied.cards)) == (5, 2)
    assert replied.totals == [("EUR", 0), ("USD", 600_00)]
    page = board_of_two.get("/pitches/board").get_data(as_text=True)
    assert "€0 + $600" in page
    assert "Show all 5 in the list" in page


def test_another_creators_pitches_are_never_shown_or_counted(
    logged_in, session, user, other_user
) -> None:
    mine = make_pitch(session, user, status=S.SENT, quoted_cents=10_00, subject="Mine")
    theirs_brand = brand_for(session, other_user, name="Their Brand")
    for status in S:
        make_pitch(session, other_user, brand=theirs_brand, status=status, subject="Theirs")
    columns = pipeline.board(session, user.id)
    assert [(c.status, c.count) for c in columns if c.count] == [(S.SENT, 1)]
    assert [card.id for c in columns for card in c.cards] == [mine.id]
    assert _column(columns, S.SENT).totals == [("USD", 10_00)]
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    assert "Theirs" not in page and "Their Brand" not in page


def test_a_card_links_to_its_pitch_and_names_its_brand(logged_in, session, user) -> None:
    brand = brand_for(session, user, name="Glow & Co")
    pitch = make_pitch(session, user, brand=brand, status=S.SENT, quoted_cents=None)
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    assert f'<a href="/pitches/{pitch.id}">Glow &amp; Co</a>' in page
    assert "no rate" in page


def test_the_board_runs_the_same_queries_for_3_or_40_pitches(
    board_of_two, session, user, count_queries
) -> None:
    for status in (S.DRAFT, S.SENT, S.WON):
        make_pitch(session, user, status=status)
    with count_queries() as few:
        board_of_two.get("/pitches/board")
    brand = brand_for(session, user)
    for n in range(37):  # more than 2 per column: every column cut short
        make_pitch(session, user, brand=brand_for(session, user) if n % 5 else brand,
                   status=list(S)[n % 8], currency="EUR" if n % 3 else "USD")  # fmt: skip
    with count_queries() as many:
        board_of_two.get("/pitches/board")
    assert len(many) == len(few)
    # The cards and the column totals: one statement each, neither reads every pitch.
    reads = [s for s in many if "pitch" in s and "login_sessions" not in s]
    assert len(reads) == 2
