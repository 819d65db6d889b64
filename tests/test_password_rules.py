"""Passwords: a shipped common-password list, no all-digit ones, not the email; said beside."""

from __future__ import annotations

import pytest

from crm.accounts import passwords, services
from tests.factories import TEST_PASSWORD
from tests.test_packaging import wheel  # noqa: F401


def test_the_shipped_list_is_long() -> None:
    assert len(passwords.common_passwords()) >= 10_000


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password123", "common passwords"),
        ("QWERTYUIOP", "common passwords"),
        ("12345678901234", "only digits"),
        ("maya.lopez-2026!", "your email"),
        ("xxMAYA.LOPEZxx", "your email"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason) -> None:
    assert reason in (passwords.weakness(password, "Maya.Lopez@example.com") or "")


def test_a_short_local_part_is_not_a_rule() -> None:
    assert passwords.weakness("jo-likes-long-walks", "jo@example.com") is None


def test_register_says_why_beside_the_password(client) -> None:
    response = client.post(
        "/register",
        data={"email": "a@example.com", "password": "password123", "confirm": "password123"},
    )
    assert b"list of common passwords" in response.data
    assert b'class="error"' in response.data


def test_change_password_says_why_beside_the_new_password(logged_in) -> None:
    response = logged_in.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "creator-and-more",
            "confirm": "creator-and-more",
        },
    )
    assert b"Don&#39;t put your email address in your password" in response.data


def test_the_cli_keeps_the_rules(runner) -> None:
    result = runner.invoke(
        args=["user", "create", "cli@example.com", "--password-stdin"], input="1234567890123\n"
    )
    assert result.exit_code != 0
    assert "only digits" in result.output


def test_the_service_keeps_the_rules_for_any_caller(session) -> None:
    with pytest.raises(services.AccountError) as refused:
        services.register(session, "svc@example.com", "iloveyou12", "fast")
    assert refused.value.field == "password"


def test_the_wheel_carries_the_list_and_its_licence(wheel) -> None:  # noqa: F811
    names = set(wheel.namelist())
    assert "crm/accounts/common-passwords.txt.gz" in names
    assert "crm/accounts/common-passwords.LICENSE" in names
