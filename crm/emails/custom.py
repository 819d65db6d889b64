"""The creator's own templates: read, check against real and empty numbers, save, reset."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand
from crm.database import utcnow
from crm.emails import wording
from crm.emails.facts import Facts, PitchFact, VideoFact, gather
from crm.emails.isolation import render_email_bounded
from crm.emails.kinds import PITCH_KIND_FOR, EmailKind, TemplateSource
from crm.emails.models import PitchEmailTemplate
from crm.emails.sandbox import TemplateProblem
from crm.market.seed import Market
from crm.ownership import owned, owned_delete
from crm.pitches.models import PitchKind

SAMPLE_BRAND = "Sample Brand"
SAMPLE_CONTACT = "Alex Morgan"
SAMPLE_VIDEOS = tuple(
    VideoFact(f"Sample video {n}", f"https://www.tiktok.com/@you/video/{n}", 10_000, "other")
    for n in (1, 2, 3)
)


def saved_row(session: Session, owner_id: int, kind: EmailKind) -> PitchEmailTemplate | None:
    return session.scalars(
        owned(PitchEmailTemplate, owner_id).where(PitchEmailTemplate.kind == kind.value)
    ).one_or_none()


def saved_template(session: Session, owner_id: int, kind: EmailKind) -> TemplateSource | None:
    """The creator's version of `kind`, or None when they use the default."""
    row = saved_row(session, owner_id, kind)
    return TemplateSource(row.subject, row.body, row.old_syntax) if row else None


def customised_kinds(session: Session, owner_id: int) -> set[str]:
    """The kinds the creator has their own version of."""
    return set(session.scalars(owned(PitchEmailTemplate, owner_id, PitchEmailTemplate.kind)))


def old_syntax_kinds(session: Session, owner_id: int) -> set[str]:
    """The kinds whose saved version is still in the old template language (see 0008)."""
    query = owned(PitchEmailTemplate, owner_id, PitchEmailTemplate.kind)
    return set(session.scalars(query.where(PitchEmailTemplate.old_syntax)))


def sample_facts(session: Session, user: User, kind: EmailKind) -> Facts:
    """The creator's real numbers, pitching a made-up brand (for previews and checks)."""
    category = user.niche if user.niche != "other" else "home"
    brand = Brand(name=SAMPLE_BRAND, product_category=category, contacts=[])
    facts = gather(session, user, brand)
    pitch = None
    if not kind.is_pitch:
        pitch_kind = PITCH_KIND_FOR.get(kind, PitchKind.UGC)
        pitch = PitchFact(pitch_kind, f"UGC videos for {SAMPLE_BRAND}", None, user.currency, 0)
    return replace(
        facts,
        brand_id=0,
        contact_id=0,
        contact_name=SAMPLE_CONTACT,
        contact_email="alex@example.com",
        pitch=pitch,
    )


def empty_facts(facts: Facts) -> Facts:
    """The same creator with none of the optional numbers: templates must cope with this too."""
    return replace(
        facts,
        creator_name="",
        creator_handle="",
        followers=0,
        has_snapshot=False,
        engagement=None,
        average_views=None,
        videos=(),
        portfolio_count=0,
        brand_note="",
        contact_id=None,
        contact_name="",
        contact_email="",
    )


def full_facts(facts: Facts) -> Facts:
    """Every optional number present, so every `if` branch and loop body gets rendered."""
    return replace(
        facts,
        creator_name=facts.creator_name or "Your Name",
        creator_handle=facts.creator_handle or "@you",
        followers=facts.followers or 6_000,
        has_snapshot=True,
        engagement=facts.engagement if facts.engagement is not None else 10.0,
        average_views=facts.average_views or 2_000,
        videos=facts.videos or SAMPLE_VIDEOS,
        portfolio_count=max(facts.portfolio_count, len(SAMPLE_VIDEOS)),
        brand_note=facts.brand_note or "I loved your last launch.",
    )


def check_template(source: TemplateSource, kind: EmailKind, facts: Facts, m: Market) -> None:
    """Render with every number, then with none; raises TemplateProblem (with its part)."""
    cases = ((full_facts(facts), ""), (empty_facts(facts), "with no stats, videos or contact"))
    for case, label in cases:
        try:
            render_email_bounded(
                source.subject, source.body, wording.variables(case, kind, m), wording.KNOWN
            )
        except TemplateProblem as problem:
            if label:
                problem.message = f"{problem.message} (when rendered {label})"
            raise


def save_template(
    session: Session,
    owner_id: int,
    kind: EmailKind,
    source: TemplateSource,
    facts: Facts,
    m: Market,
) -> PitchEmailTemplate:
    """Check, then store the creator's version of `kind` (nothing is stored if it fails)."""
    check_template(source, kind, facts, m)
    row = saved_row(session, owner_id, kind) or PitchEmailTemplate(
        owner_id=owner_id, kind=kind.value
    )
    row.subject = source.subject
    row.body = source.body
    row.old_syntax = False
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def reset_template(session: Session, owner_id: int, kind: EmailKind) -> bool:
    """Delete the creator's version of `kind`; True when there was one."""
    result = session.execute(
        owned_delete(PitchEmailTemplate, owner_id).where(PitchEmailTemplate.kind == kind.value)
    )
    session.flush()
    return bool(result.rowcount)
