"""The search agrees with plain Python substring matching over generated text, on this database."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm.brands.models import Brand, Contact
from crm.brands.search import matching_brands
from crm.brands.search_text import TRIGRAM, brand_fields, fold

# Letters with and without accents, other scripts, and everything a query language or
# LIKE might read as syntax.
ALPHABET = st.sampled_from(
    list("abcAB eé Éèüu ßs øo") + list("資生堂ユニクロがかКкоΑάαعُط한") + list("%_\"*()'\\:^-+@.")
)
WORDS = st.sampled_from(["AND", "OR", "NOT", "NEAR", "NEAR(", "crème", "Creme", '""'])
TEXT = st.lists(st.one_of(ALPHABET, WORDS), max_size=8).map("".join)
HANDLE = st.text(alphabet="abc_.é1", max_size=6)
BRAND = st.tuples(TEXT.filter(str.strip), HANDLE, st.lists(st.tuples(TEXT, TEXT), max_size=2))


def expected(brands: list[tuple[str, str, list[tuple[str, str]]]], q: str) -> set[int]:
    """The model: which brands (by position) a plain Python search finds for `q`."""
    wanted = fold(q)
    if not wanted:  # a blank search (or one that folds away, like a lone accent): every brand
        return set(range(len(brands)))
    hits = set()
    for position, (name, handle, contacts) in enumerate(brands):
        fields = brand_fields(name, handle, contacts)
        if len(wanted) >= TRIGRAM:
            found = any(wanted in field for field in fields)
        else:  # short (or empty: every brand) finds the fields that start with it
            found = any(field.startswith(wanted) for field in fields)
        if found:
            hits.add(position)
    return hits


@st.composite
def catalogue_and_query(draw: st.DrawFn) -> tuple[list, str]:
    brands = draw(st.lists(BRAND, min_size=1, max_size=5))
    name = draw(st.sampled_from(brands))[0]
    start = draw(st.integers(0, len(name)))
    inside = name[start : start + draw(st.integers(0, 6))]
    # Half the time a piece of a stored name (in other case), else any text.
    q = draw(st.one_of(st.just(inside), st.just(inside.upper()), TEXT))
    return brands, q


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=catalogue_and_query())
def test_search_matches_the_python_model(session, user, other_user, case) -> None:
    brands, q = case
    savepoint = session.begin_nested()
    try:
        ids = []
        for name, handle, contacts in brands:
            for owner in (user, other_user):  # the other creator's copy is never found
                brand = Brand(owner_id=owner.id, name=name, name_key=name.casefold())
                brand.tiktok_handle = handle
                brand.contacts = [
                    Contact(owner_id=owner.id, name=person, email=email)
                    for person, email in contacts
                ]
                session.add(brand)
                session.flush()
                if owner is user:
                    ids.append(brand.id)
        got = set(session.scalars(matching_brands(user.id, q)))
        assert got == {ids[position] for position in expected(brands, q)}
        assert set(session.scalars(select(Brand.owner_id).where(Brand.id.in_(got)))) <= {user.id}
    finally:
        savepoint.rollback()
