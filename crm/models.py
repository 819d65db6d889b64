"""Every area's models, imported so that Base.metadata knows all tables (Alembic, tests)."""

from crm.accounts.models import LoginSession, PasswordReset, ThrottleCount, User
from crm.add_on_policy.models import AddOnUplift
from crm.approvals.models import ApprovalAnswer, ApprovalLink
from crm.brands.models import Brand, BrandSearch, BrandTag, Contact
from crm.brands.search import refresh_search  # noqa: F401  (its flush listener comes with it)
from crm.deals.calendar_models import CalendarFeed
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceSettings
from crm.deals.models import Deal, Deliverable
from crm.deals.retainer_models import RetainerMonth
from crm.emails.models import PitchEmailTemplate
from crm.imports.models import DailyStats, FollowerShare, Import, ImportReplaced
from crm.income.models import Expense, IncomeEntry, IncomeTarget, LiveSession
from crm.inquiries.models import Inquiry
from crm.kit.models import KitBrand, KitSlugHold, KitVideo, MediaKit
from crm.pitches.models import Pitch, PitchTotal
from crm.stats.models import PortfolioVideo, StatsSnapshot
from crm.timeline.models import BrandActivity

__all__ = [
    "AddOnUplift",
    "ApprovalAnswer",
    "ApprovalLink",
    "Brand",
    "BrandActivity",
    "BrandSearch",
    "BrandTag",
    "CalendarFeed",
    "Contact",
    "DailyStats",
    "Deal",
    "Deliverable",
    "Expense",
    "FollowerShare",
    "Import",
    "ImportReplaced",
    "IncomeEntry",
    "IncomeTarget",
    "Inquiry",
    "Invoice",
    "InvoiceLine",
    "InvoiceSettings",
    "KitBrand",
    "KitSlugHold",
    "KitVideo",
    "LiveSession",
    "LoginSession",
    "MediaKit",
    "PasswordReset",
    "Pitch",
    "PitchEmailTemplate",
    "PitchTotal",
    "PortfolioVideo",
    "RetainerMonth",
    "StatsSnapshot",
    "ThrottleCount",
    "User",
]
