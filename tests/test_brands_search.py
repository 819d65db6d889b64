"""Brand search: one behaviour on SQLite and PostgreSQL, through the text index, always in step."""

from __future__ import annotations

import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import select, text
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session

from crm.brands import services
from crm.brands.import_writing import import_brands
from crm.brands.importing import read_rows
from crm.brands.listing import BrandFilters, filtered
from crm.brands.models import Brand, BrandSearch
from crm.brands.search import matching_brands, refresh_search, unsynced_brands
from crm.brands.search_text import fold
from tests.factories import make_user
from tests.factories_brands import make_brand, make_contact


def found(session: Session, owner, q: str) -> list[str]:
    """Names of `owner`'s brands the search finds for `q`, sorted."""
    ids = matching_brands(owner.id, q)
    return sorted(session.scalars(select(Brand.name).where(Brand.id.in_(ids))))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("creme", "Crème Brûlée Co"),
        ("CAFE", "Café Olé"),
        ("uber", "Über Glow"),
        ("strasse", "Hauptstraße Goods"),
        ("sao paulo", "São Paulo Swim"),
        ("zurich", "Zürich Zest"),
        ("oslo", "Øslo Oils"),
        ("lodz", "Łódź Lamps"),
        ("abc", "ＡＢＣ Store"),  # full-width letters
        ("αθηνα", "Ἀθήνα Olive"),
        ("косметика", "КОСМЕТИКА Плюс"),
        ("عطور", "عُطُور الشرق"),  # Arabic vowel marks
    ],
)
def test_fold_makes_case_and_accents_not_matter(typed: str, stored: str) -> None:
    assert fold(typed) in fold(stored)


def test_fold_keeps_letters_other_scripts_need() -> None:
    # Kana voicing marks and Hangul syllables are letters, not accents.
    assert fold("が") != fold("か")
    assert fold("한국") == "한국"
    assert fold("資生堂") == "資生堂"
    assert fold("  two\t\nwords \u3000 here ") == "two words here"
    assert fold("a\x00b\u200bc") == "abc"


def test_fold_is_stable_when_applied_twice() -> None:
    for sample in ("Crème", "Ǆemal", "ﬁne", "İstanbul", "ǰ", "Ⅻ", "が", "Œuvre"):
        assert fold(fold(sample)) == fold(sample)


@pytest.fixture
def catalogue(session, user, other_user):
    glow = make_brand(session, user, name="Crème de la Glow", tiktok_handle="@glow_theory")
    make_contact(session, user, glow, name="Zoë Martín", email="zoe@glowtheory.example")
    make_brand(session, user, name="資生堂 Beauty")
    make_brand(session, user, name="ユニクロ")
    make_brand(session, user, name="Косметика Плюс")
    make_brand(session, user, name="Ελαιόλαδο Κρήτης")
    make_brand(session, user, name="عطور الشرق")
    make_brand(session, user, name='Say "Hi" (AND/OR) 100%_off*')
    make_brand(session, other_user, name="Crème Secrète", tiktok_handle="creme_secret")
    return glow


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("creme", ["Crème de la Glow"]),
        ("GLOW", ["Crème de la Glow"]),
        ("zoe", ["Crème de la Glow"]),  # contact name, accent dropped
        ("martin", ["Crème de la Glow"]),
        ("zoe@glowtheory", ["Crème de la Glow"]),  # contact email
        ("@glow_th", ["Crème de la Glow"]),  # handle with @
        ("w_theory", ["Crème de la Glow"]),  # handle without @, _ taken literally
        ("資生堂", ["資生堂 Beauty"]),
        ("ニクロ", ["ユニクロ"]),  # inside a Japanese name
        ("косметика", ["Косметика Плюс"]),
        ("ελαιολαδο", ["Ελαιόλαδο Κρήτης"]),
        ("الشرق", ["عطور الشرق"]),
        ('"hi"', ['Say "Hi" (AND/OR) 100%_off*']),
        ("(and/or)", ['Say "Hi" (AND/OR) 100%_off*']),
        ("0%_off*", ['Say "Hi" (AND/OR) 100%_off*']),
        ("secret", []),  # another creator's brand
        ("nothing like it", []),
    ],
)
def test_search_finds_names_handles_and_contacts_on_this_database(
    session, user, catalogue, q, names
) -> None:
    assert found(session, user, q) == names


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("c", ["Crème de la Glow"]),  # name starts with it
        ("cr", ["Crème de la Glow"]),
        ("gl", ["Crème de la Glow"]),  # handle starts with it
        ("@g", ["Crème de la Glow"]),
        ("z", ["Crème de la Glow"]),  # contact name and email start with it
        ("ユニ", ["ユニクロ"]),
        ("ко", ["Косметика Плюс"]),
        ("ow", []),  # inside a word: needs three letters
        ("%", []),
        ("*", []),
    ],
)
def test_short_queries_find_what_starts_with_them(session, user, catalogue, q, names) -> None:
    assert found(session, user, q) == names


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "'",
        "*",
        "AND",
        "OR",
        "NOT x",
        "NEAR(a b)",
        "a OR b",
        "name:glow",
        "^glow",
        "glo*",
        "(((",
        "%%%",
        "___",
        "\\",
        "\\%",
        "\x00\x01",
        "́",
        "-glow",
        "+glow",
    ],
)
def test_search_syntax_is_taken_literally_and_never_fails(session, user, catalogue, q) -> None:
    expected_all = not fold(q)
    names = found(session, user, q)
    if expected_all:
        assert len(names) == 7  # nothing to search for: every brand of the creator
    else:
        assert "Crème Secrète" not in names


def test_the_brand_list_search_uses_the_index(session, user, catalogue) -> None:
    statement = filtered(user.id, BrandFilters(q="creme"))
    assert [b.name for b in session.scalars(statement)] == ["Crème de la Glow"]


def search_row(session, brand) -> str:
    return session.scalar(select(BrandSearch.search_text).where(BrandSearch.brand_id == brand.id))


def in_step(session, *owners) -> None:
    for owner in owners:
        assert unsynced_brands(session, owner.id) == []
    if session.bind.dialect.name == "sqlite":
        # The FTS5 index against its content table: fails on any row the triggers missed.
        session.execute(
            text(
                "INSERT INTO brand_search_fts(brand_search_fts, rank) VALUES ('integrity-check', 1)"
            )
        )


def test_every_brand_and_contact_write_keeps_the_search_in_step(session, user) -> None:
    brand = make_brand(session, user, name="Old Name")
    in_step(session, user)
    data = services.BrandData(name="Nouvelle Crème", tiktok_handle="newhandle")
    services.save_brand(session, user.id, brand, data)
    session.commit()
    in_step(session, user)
    assert found(session, user, "creme") == ["Nouvelle Crème"]
    assert found(session, user, "old") == []
    assert found(session, user, "@newh") == ["Nouvelle Crème"]
    first = make_contact(session, user, brand, name="Ana", email="ana@first.example")
    second = make_contact(session, user, brand, name="Bo", email="bo@second.example")
    in_step(session, user)
    assert found(session, user, "first.example") == ["Nouvelle Crème"]
    contact_data = services.ContactData(name="Ana Ñúñez", email="ana@renamed.example")
    services.save_contact(session, brand, first, contact_data)
    session.commit()
    in_step(session, user)
    assert found(session, user, "nunez") == ["Nouvelle Crème"]
    assert found(session, user, "first.example") == []
    services.make_primary(session, second)
    services.delete_contact(session, first)
    session.commit()
    in_step(session, user)
    assert found(session, user, "renamed") == []
    services.change_status(session, brand, services.BrandStatus.CLIENT)
    session.commit()
    in_step(session, user)
    services.delete_brand(session, brand)
    session.commit()
    in_step(session, user)
    assert session.scalars(select(BrandSearch)).all() == []


def test_a_status_change_does_not_rewrite_the_search_text(session, user, count_queries) -> None:
    brand = make_brand(session, user, name="Quiet")
    with count_queries() as statements:
        services.change_status(session, brand, services.BrandStatus.CLIENT)
        session.flush()
    assert not [s for s in statements if "brand_search" in s]


CSV = (
    "name,tiktok_handle,contact_name,contact_email\n"
    "Café Crème,@cafe_creme,José Núñez,jose@cafe.example\n"
    "北京烤鸭,,,\n"
)


def test_the_csv_import_keeps_the_search_in_step(session, user) -> None:
    import_brands(session, user.id, read_rows(CSV.encode()))
    session.commit()
    in_step(session, user)
    assert found(session, user, "jose@cafe") == ["Café Crème"]
    assert found(session, user, "京烤鸭") == ["北京烤鸭"]
    assert found(session, user, "北京") == ["北京烤鸭"]  # short: the start of the name
    again = CSV.replace("José Núñez,jose@cafe.example", "Lía Pérez,lia@cafe.example")
    import_brands(session, user.id, read_rows(again.encode()))
    session.commit()
    in_step(session, user)
    assert found(session, user, "lia pe") == ["Café Crème"]
    assert found(session, user, "jose") == ["Café Crème"]  # the first contact stays


def test_the_demo_data_is_searchable(session) -> None:
    from crm.brands.demo import populate

    creator = make_user(session, email="demo-search@example.com")
    populate(session, creator)
    session.commit()
    in_step(session, creator)
    first = session.scalars(select(Brand).where(Brand.owner_id == creator.id)).first()
    assert first is not None
    assert found(session, creator, first.name.upper()) == [first.name]


def test_refresh_repairs_a_missing_or_stale_row(session, user) -> None:
    kept = make_brand(session, user, name="Kept")
    lost = make_brand(session, user, name="Lost")
    session.execute(text("DELETE FROM brand_search WHERE brand_id = :id"), {"id": lost.id})
    session.execute(
        text("UPDATE brand_search SET search_text = 'x' WHERE brand_id = :id"), {"id": kept.id}
    )
    assert unsynced_brands(session, user.id) == sorted([kept.id, lost.id])
    refresh_search(session, [kept.id, lost.id])
    in_step(session, user)
    assert found(session, user, "lost") == ["Lost"]


def test_account_deletion_takes_the_search_rows_with_it(session, user) -> None:
    make_brand(session, user, name="Gone With The Account")
    session.delete(user)
    session.commit()
    assert session.scalars(select(BrandSearch)).all() == []


def test_every_bulk_write_of_brands_or_contacts_refreshes_the_search() -> None:
    """ORM writes refresh by themselves; Core statements bypass that, so their module must."""
    import re
    from pathlib import Path

    import crm

    bulk = re.compile(r"\b(insert|update|delete|owned_delete)\(\s*(Brand|Contact)\b")
    writers = [
        path
        for path in Path(crm.__file__).parent.rglob("*.py")
        if bulk.search(path.read_text(encoding="utf-8"))
    ]
    assert writers, "the CSV import writes brands in bulk: this test must see it"
    for path in writers:
        assert "refresh_search(" in path.read_text(encoding="utf-8"), path


def _plan(session, statement) -> str:
    compiled = statement.compile(session.bind)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return " | ".join(row[-1] for row in rows)
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return " | ".join(row[0] for row in rows)


@pytest.mark.parametrize("q", ["brand 42", '100% "x" AND y', "ab"])
def test_the_search_is_served_by_the_text_index(session, user, catalogue, q) -> None:
    plan = _plan(session, matching_brands(user.id, q))
    assert "SCAN brand_search " not in f"{plan} ", plan  # SQLite: no full scan
    assert "Seq Scan" not in plan, plan  # PostgreSQL
    if session.bind.dialect.name == "sqlite":
        assert "brand_search_fts VIRTUAL TABLE INDEX" in plan, plan
    else:
        # A few test rows are found faster through the owner index; without that choice
        # the trigram index must serve the text condition (no whole-table read).
        session.execute(text("SET LOCAL enable_seqscan = off"))
        statement = matching_brands(user.id, q)
        text_only = select(BrandSearch.brand_id).where(*statement.whereclause.clauses[1:])
        assert "ix_brand_search_trigrams" in _plan(session, text_only)


def test_refresh_search_rebuilds_every_drifted_brand_and_says_how_many(
    runner, session, user, other_user
) -> None:
    mine = [make_brand(session, user, name=f"Lumen {n}") for n in range(3)]
    theirs = make_brand(session, other_user, name="Sol Atelier")
    # Drift three ways: a stale text, a missing row, another creator's stale text.
    session.execute(
        sa_update(BrandSearch).where(BrandSearch.brand_id == mine[0].id).values(search_text="x")
    )
    session.execute(sa_delete(BrandSearch).where(BrandSearch.brand_id == mine[1].id))
    session.execute(
        sa_update(BrandSearch).where(BrandSearch.brand_id == theirs.id).values(search_text="")
    )
    session.commit()
    assert unsynced_brands(session, user.id) and unsynced_brands(session, other_user.id)
    result = runner.invoke(args=["brands", "refresh-search"])
    assert result.exit_code == 0, result.output
    assert "3 brands had drifted" in result.output
    session.expire_all()
    assert unsynced_brands(session, user.id) == [] == unsynced_brands(session, other_user.id)
    assert session.scalars(filtered(user.id, BrandFilters(q="lumen"))).all()
    again = runner.invoke(args=["brands", "refresh-search"])
    assert "every brand was right" in again.output
