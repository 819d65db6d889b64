"""The new-pitch page picks a brand through the search, bounded in rows and queries."""

from __future__ import annotations

import re
from datetime import timedelta

from crm.brands import search
from crm.brands.search import PICK_LIMIT
from crm.database import utcnow
from tests.factories_pitches import brand_for


def picked(page: str) -> list[str]:
    """The brand names the picker links to, in order."""
    return re.findall(r'<li><a href="/pitches/new\?brand_id=\d+">([^<]+)</a>', page)


def test_the_picker_searches_names_with_accents_and_links_to_the_pitch_form(
    logged_in, session, user, other_user
) -> None:
    cafe = brand_for(session, user, name="Café Crème", tiktok_handle="cafecreme")
    brand_for(session, user, name="Lumen Lamps")
    brand_for(session, other_user, name="Crème Secrète")
    page = logged_in.get("/pitches/new?q=creme").get_data(as_text=True)
    assert picked(page) == ["Café Crème"]
    assert f'href="/pitches/new?brand_id={cafe.id}"' in page
    assert "Type 3 letters or more to find them anywhere in a name" in page
    assert picked(logged_in.get("/pitches/new?q=@cafe").get_data(as_text=True)) == ["Café Crème"]
    page = logged_in.get("/pitches/new?q=secret").get_data(as_text=True)
    assert picked(page) == []
    assert "No brand matches “secret”" in page


def test_without_a_search_the_picker_shows_the_most_recent_brands_only(
    logged_in, session, user
) -> None:
    now = utcnow()
    for number in range(PICK_LIMIT + 5):
        brand = brand_for(session, user, name=f"Brand {number:02d}")
        brand.updated_at = now - timedelta(hours=number)
    session.commit()
    page = logged_in.get("/pitches/new").get_data(as_text=True)
    assert picked(page) == [f"Brand {number:02d}" for number in range(PICK_LIMIT)]
    assert "Not here? Search for it by name." in page
    page = logged_in.get("/pitches/new?q=brand").get_data(as_text=True)
    assert len(picked(page)) == PICK_LIMIT
    assert f"{PICK_LIMIT + 5} brands match; these are the {PICK_LIMIT} most recently active" in page
    assert picked(logged_in.get("/pitches/new?q=brand 2").get_data(as_text=True)) == [
        "Brand 20",
        "Brand 21",
        "Brand 22",
        "Brand 23",
        "Brand 24",
    ]


def test_the_brand_named_as_typed_comes_first_however_long_ago_it_was_active(
    logged_in, session, user
) -> None:
    now = utcnow()
    old = brand_for(session, user, name="Glow Baby")
    old.updated_at = now - timedelta(days=900)
    for number in range(PICK_LIMIT + 3):
        newer = brand_for(session, user, name=f"Glow Baby {number + 2}")
        newer.updated_at = now - timedelta(hours=number)
    session.commit()
    page = logged_in.get("/pitches/new?q=glow  BABY").get_data(as_text=True)
    shown = picked(page)
    assert shown[0] == "Glow Baby" and len(shown) == PICK_LIMIT
    # Then the most recently active of the others, A-Z.
    newest = sorted(f"Glow Baby {number + 2}" for number in range(PICK_LIMIT - 1))
    assert shown[1:] == sorted(newest, key=str.casefold)
    assert f"{PICK_LIMIT + 4} brands match" in page


def test_the_picker_runs_the_same_queries_for_few_or_many_brands(
    logged_in, session, user, count_queries, monkeypatch
) -> None:
    def queries(path: str) -> int:
        with count_queries() as statements:
            assert logged_in.get(path).status_code == 200
        return len(statements)

    brand_for(session, user, name="Only One")
    few = [queries("/pitches/new"), queries("/pitches/new?q=brand"), queries("/pitches/new?q=b")]
    for number in range(PICK_LIMIT * 2):
        brand_for(session, user, name=f"Brand {number}")
    # Common on the server now: SQLite plans "brand" by walking the recent order.
    monkeypatch.setattr(search, "COMMON_MATCHES", PICK_LIMIT)
    many = [queries("/pitches/new"), queries("/pitches/new?q=brand"), queries("/pitches/new?q=b")]
    assert many == few


def test_an_odd_or_overlong_search_is_answered_not_refused(logged_in, session, user) -> None:
    brand_for(session, user, name="Glow")
    for q in ['"', "NEAR(", "%_", "AND OR", "x" * 100]:
        assert logged_in.get("/pitches/new", query_string={"q": q}).status_code == 200
    page = logged_in.get("/pitches/new", query_string={"q": "Glow" * 1_000}).get_data(True)
    assert "Shorten the search to 100 characters or fewer." in page
    assert picked(page) == []


def test_a_creator_without_brands_is_sent_to_add_one(logged_in) -> None:
    page = logged_in.get("/pitches/new").get_data(as_text=True)
    assert "You have no brands yet." in page
