"""Every area's models, imported so that Base.metadata knows all tables (Alembic, tests)."""

from crm.accounts.models import LoginFailure, LoginSession, User
from crm.stats.models import PortfolioVideo, StatsSnapshot

__all__ = ["LoginFailure", "LoginSession", "PortfolioVideo", "StatsSnapshot", "User"]
