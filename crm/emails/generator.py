"""Write an email: facts from the database, the creator's template or the default, the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand
from crm.database import end_read
from crm.emails import custom, pricing, wording
from crm.emails.facts import Facts, gather
from crm.emails.isolation import render_email_bounded
from crm.emails.kinds import EmailKind, TemplateSource, default_template
from crm.emails.sandbox import TemplateProblem, render_email
from crm.market.seed import Market
from crm.pitches.models import Pitch
from crm.sentences import single_full_stops

OLD_SYNTAX = "it is still in the old template language; open it to bring it over"


@dataclass(frozen=True)
class GeneratedEmail:
    """A written email with what it quotes, what it left out, and whose template it used."""

    kind: EmailKind
    subject: str
    body: str
    rate: pricing.Rate | None
    missing: tuple[wording.Missing, ...]
    facts: Facts
    custom: bool = False
    # Set when the creator's own template failed and the default was used instead.
    custom_problem: TemplateProblem | None = None


def render_source(
    source: TemplateSource, facts: Facts, kind: EmailKind, m: Market
) -> tuple[str, str]:
    """Render a creator's template under the time and memory bound; raises TemplateProblem."""
    rendered = render_email_bounded(
        source.subject, source.body, wording.variables(facts, kind, m), wording.KNOWN
    )
    return single_full_stops(rendered.subject), single_full_stops(rendered.body)


def render_default(facts: Facts, kind: EmailKind, m: Market) -> tuple[str, str]:
    """Render the built-in template in this process.

    The defaults ship with the app and are reviewed like its code, so they need no
    separate process: that keeps the everyday email (and the fallback when a
    creator's own template fails) as fast as a page.
    """
    source = default_template(kind)
    rendered = render_email(
        source.subject, source.body, wording.variables(facts, kind, m), wording.KNOWN
    )
    return single_full_stops(rendered.subject), single_full_stops(rendered.body)


def write_from_facts(
    facts: Facts, kind: EmailKind, own: TemplateSource | None, m: Market
) -> GeneratedEmail:
    """Render the creator's template if they have one, falling back to the default on error."""
    problem = None
    if own is not None and own.old_syntax:
        problem = TemplateProblem(OLD_SYNTAX)
    elif own is not None:
        try:
            subject, body = render_source(own, facts, kind, m)
        except TemplateProblem as error:
            problem = error
        else:
            return _generated(facts, kind, subject, body, m, custom=True)
    subject, body = render_default(facts, kind, m)
    return _generated(facts, kind, subject, body, m, problem=problem)


def _generated(
    facts: Facts,
    kind: EmailKind,
    subject: str,
    body: str,
    m: Market,
    custom: bool = False,
    problem: TemplateProblem | None = None,
) -> GeneratedEmail:
    return GeneratedEmail(
        kind=kind,
        subject=subject,
        body=body,
        rate=pricing.starting_rate(facts, wording.pitch_kind_of(facts, kind), m),
        missing=tuple(wording.missing(facts)),
        facts=facts,
        custom=custom,
        custom_problem=problem,
    )


def write_email(
    session: Session, user: User, brand: Brand, kind: EmailKind, pitch: Pitch | None, m: Market
) -> GeneratedEmail:
    """The email of `kind` to `brand` (about `pitch` for follow-ups and replies)."""
    facts = gather(session, user, brand, pitch)
    own = custom.saved_template(session, user.id, kind)
    if own is not None and not own.old_syntax:
        end_read(session)
    return write_from_facts(facts, kind, own, m)
