"""The pipeline board: columns by status, totals per currency from SQL, forms that move cards."""

from __future__ import annotations

import re
from datetime import timedelta

from crm.pitches import pipeline
from crm.pitches.models import PitchStatus as S
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


def test_a_long_column_shows_the_newest_cards_and_links_to_the_rest(
    logged_in, session, user, monkeypatch
) -> None:
    monkeypatch.setattr(pipeline, "CARDS_PER_COLUMN", 2)
    for n in range(3):
        make_pitch(
            session, user, status=S.SENT, subject=f"Card {n}", updated_at=NOW + timedelta(minutes=n)
        )
    make_pitch(session, user, subject="A draft")
    columns = pipeline.board(session, user.id)
    sent = _column(columns, S.SENT)
    assert [p.subject for p in sent.cards] == ["Card 2", "Card 1"]
    assert sent.hidden == 1
    assert [p.subject for p in _column(columns, S.DRAFT).cards] == ["A draft"]
    page = logged_in.get("/pitches/board").get_data(as_text=True)
    assert '<a href="/pitches/?status=sent">1 more</a>' in page


def test_the_board_runs_the_same_queries_for_3_or_30_pitches(
    logged_in, session, user, count_queries
) -> None:
    for status in (S.DRAFT, S.SENT, S.WON):
        make_pitch(session, user, status=status)
    with count_queries() as few:
        logged_in.get("/pitches/board")
    for n in range(27):
        make_pitch(session, user, brand=brand_for(session, user), status=list(S)[n % 8])
    with count_queries() as many:
        logged_in.get("/pitches/board")
    assert len(many) == len(few)
