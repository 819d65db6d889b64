"""A creator account with a row in every table a backup carries, made through the factories."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.add_on_policy.models import AddOnUplift
from crm.deals.models import DealKind
from crm.deals.retainer_models import RetainerMonth
from crm.emails.models import PitchEmailTemplate
from crm.imports.models import DailyStats, FollowerShare
from crm.income.models import IncomeTarget
from crm.kit.models import KitBrand, KitVideo, MediaKit
from crm.pitches.models import PitchStatus
from tests import factories, factories_brands, factories_deals, factories_income
from tests.factories_imports import make_ltk_import
from tests.factories_inquiries import make_inquiry
from tests.factories_pitches import make_pitch


def fill_account(session: Session, owner: User) -> None:
    """Brands, contacts, tags, notes, pitches, deals, invoices, income and the rest."""
    owner.display_name, owner.tiktok_handle, owner.followers = "Ana Glow", "anaglow", 4_200
    owner.timezone, owner.income_goal_cents = "Europe/Madrid", 250_000
    factories.make_snapshot(session, owner)
    video = factories.make_video(session, owner, title="Serum «review» ✨")
    brand = factories_brands.make_brand(
        session, owner, name="Glow Labs", notes="Línea 1\nLine 2", tags="skincare, paid"
    )
    # The media kit (on: a restore turns it off) and its picks.
    session.add(
        MediaKit(
            owner_id=owner.id,
            enabled=True,
            slug=f"ana-glow-{owner.id}",
            bio="Skincare «honest» reviews ✨",
            hidden_blocks="audience,rates",
            videos_by_views=False,
            ugc_video_cents=31_000,
            retainer_cents=150_000,
        )
    )
    session.add(KitVideo(owner_id=owner.id, video_id=video.id))
    session.add(KitBrand(owner_id=owner.id, brand_id=brand.id))
    factories_brands.make_brand(session, owner, name="Second Brand")
    contact = factories_brands.make_contact(session, owner, brand, email="pr@glow.example")
    factories_brands.make_note(session, owner, brand, "Met at the fair")
    # An inquiry through the kit: its own inbound pitch, to a brand it matched by domain.
    make_inquiry(session, owner, company="Glow Labs", email="jo@glow.example", budget_cents=9_00)
    pitch = make_pitch(session, owner, brand, contact_id=contact.id, status=PitchStatus.WON)
    deal = factories_deals.make_deal(
        session, owner, brand, pitch_id=pitch.id, contact_id=contact.id
    )
    factories_deals.make_deliverable(session, owner, deal)
    factories_deals.make_invoice(session, owner, deal)
    retainer = factories_deals.make_deal(
        session,
        owner,
        brand,
        kind=DealKind.RETAINER,
        videos_per_month=2,
        start_month=date(2026, 3, 1),
    )
    retainer_invoice = factories_deals.make_invoice(session, owner, retainer)
    session.add(RetainerMonth(owner_id=owner.id, deal_id=retainer.id, month=date(2026, 3, 1)))
    session.add(
        RetainerMonth(
            owner_id=owner.id,
            deal_id=retainer.id,
            month=date(2026, 4, 1),
            invoice_id=retainer_invoice.id,
        )
    )
    factories_income.make_income(session, owner, brand="Glow Labs", note="March UGC")
    factories_income.make_expense(session, owner)
    factories_income.make_live(session, owner)
    session.add(AddOnUplift(owner_id=owner.id, add_on="usage_rights", percent=40))
    session.add(IncomeTarget(owner_id=owner.id, stream="ugc", amount_cents=80_000, currency="USD"))
    session.add(
        PitchEmailTemplate(
            owner_id=owner.id, kind="ugc_pitch", subject="Hi {{ brand }}", body="Hey"
        )
    )
    # An import, with the days and audience shares imports write.
    record = make_ltk_import(session, owner)
    session.add(DailyStats(owner_id=owner.id, day=date(2025, 3, 3), views=900, followers=1200,
                           import_id=record.id))  # fmt: skip
    session.add(FollowerShare(owner_id=owner.id, dimension="gender", key="Female",
                              share_millionths=590_000, import_id=record.id))  # fmt: skip
    # A portfolio video an import wrote: its import_id is remapped to the restored import.
    factories.make_video(session, owner, title="From a Content export", import_id=record.id)
    session.commit()
