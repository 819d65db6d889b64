"""The "pick the brand first" step that new pitches and new deals share: one page, their words."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from sqlalchemy.orm import Session

from crm.brands.search import QUERY_MAX, brand_choices
from crm.brands.search_text import TRIGRAM


@dataclass(frozen=True)
class Picker:
    """What the page says and where it goes, for one kind of new record."""

    title: str  # "New pitch"
    area: str  # the eyebrow link's text: "Pitches"
    index_endpoint: str  # "pitches.index"
    new_endpoint: str  # "pitches.new": the search and the picked brand go back here
    brand_arg: str  # the query argument naming the picked brand
    heading: str  # "Who are you pitching?"
    lead: str  # the line under the heading
    no_brands: str  # after "Add the brand" when the creator has none


def pick_brand_page(session: Session, owner_id: int, picker: Picker) -> str:
    """The creator's recent brands, or those matching ?q=, each linking to the new form."""
    choices = brand_choices(session, owner_id, request.args.get("q", ""))
    return render_template(
        "brands/pick_brand.html", choices=choices, picker=picker, short=TRIGRAM, longest=QUERY_MAX
    )
