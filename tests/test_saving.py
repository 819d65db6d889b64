"""The one commit edge (crm/saving.py) and validation that lives in the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.errors import FieldError
from crm.saving import saving


def _profile(**overrides) -> accounts.ProfileData:
    values = {
        "display_name": "Maya",
        "tiktok_handle": "maya.makes",
        "niche": "home",
        "followers": 10,
        "ugc_experience": "beginner",
        "currency": "USD",
        "turnaround_days": 5,
        "posts_per_week": 3,
    }
    return accounts.ProfileData(**{**values, **overrides})


def test_the_service_strips_the_handle_for_every_caller(session, user) -> None:
    accounts.update_profile(session, user, _profile(tiktok_handle="  @Maya.Makes "))
    assert user.tiktok_handle == "maya.makes"
    accounts.update_profile(
        session, user, _profile(tiktok_handle="https://www.tiktok.com/@maya.home")
    )
    assert user.tiktok_handle == "maya.home"


@pytest.mark.parametrize("handle", ["has spaces!", "a", "x" * 25, "@@", "maya/makes"])
def test_the_service_refuses_a_handle_tiktok_would_not_take(session, user, handle) -> None:
    with pytest.raises(accounts.AccountError) as refused:
        accounts.update_profile(session, user, _profile(tiktok_handle=handle))
    assert refused.value.field == "tiktok_handle"


def test_a_committed_block_is_true_and_kept(app, session, user) -> None:
    with app.test_request_context(method="POST"), saving(session=session) as saved:
        user.display_name = "Kept"
    assert saved and saved.error is None
    session.expire_all()
    assert session.scalar(select(User.display_name).where(User.id == user.id)) == "Kept"


def test_a_refused_block_is_rolled_back_and_its_message_kept(app, session, user) -> None:
    session.commit()
    with app.test_request_context(method="POST"), saving(session=session, show=False) as saved:
        user.display_name = "Dropped"
        raise FieldError("No.", field="display_name")
    assert not saved and saved.error is not None and saved.error.message == "No."
    assert session.scalar(select(User.display_name).where(User.id == user.id)) != "Dropped"


def test_anything_but_a_refusal_propagates(app, session) -> None:
    with (
        pytest.raises(ZeroDivisionError),
        app.test_request_context(method="POST"),
        saving(session=session),
    ):
        1 / 0  # noqa: B018


def test_no_view_commits_or_rolls_back_by_itself() -> None:
    import ast
    from pathlib import Path

    import crm

    root = Path(crm.__file__).parent
    views = [*root.glob("*/views.py"), *root.glob("*/*_views.py")]
    hand_made = []
    for path in views:
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
                    hand_made.append(f"{path.relative_to(root)}:{function.name}")
    # Before a slow read (an import) a view commits through saving.before_slow_work.
    assert hand_made == []
