"""The `crm` command: user creation and the demo."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.accounts.models import User
from crm.accounts.passwords import verify_password
from crm.demo import DEMO_EMAIL, DEMO_PASSWORD
from crm.models import Brand, Pitch, PortfolioVideo, StatsSnapshot


def test_user_create_reads_the_password_from_stdin(runner, session) -> None:
    result = runner.invoke(
        args=["user", "create", "Cli@Example.com", "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created account cli@example.com." in result.output
    user = session.scalars(select(User).where(User.email == "cli@example.com")).one()
    assert verify_password(user.password_hash, "a-long-password", "fast")


def test_user_create_prompts_twice_for_the_password(runner, session) -> None:
    result = runner.invoke(
        args=["user", "create", "prompt@example.com"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_user_create_refuses_a_taken_email(runner, user) -> None:
    result = runner.invoke(
        args=["user", "create", user.email, "--password-stdin"], input="a-long-password\n"
    )
    assert result.exit_code == 1
    assert "Error: An account with this email already exists." in result.output


def test_user_create_refuses_a_bad_email_and_a_short_password(runner, session) -> None:
    bad_email = runner.invoke(args=["user", "create", "nope", "--password-stdin"], input="x" * 12)
    short = runner.invoke(args=["user", "create", "a@example.com", "--password-stdin"], input="x\n")
    assert bad_email.exit_code == 1 and "is not a valid email address" in bad_email.output
    assert short.exit_code == 1 and "Use at least 10 characters." in short.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def _counts(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (User, StatsSnapshot, PortfolioVideo, Brand, Pitch)
    }


def test_demo_creates_its_data_once(runner, session) -> None:
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert f"Login {DEMO_EMAIL} / {DEMO_PASSWORD}" in first.output
    # --no-serve serves nothing, so there is no address to open.
    assert "Open" not in first.output and "http://" not in first.output
    created = _counts(session)
    assert created["User"] == 1
    assert created["StatsSnapshot"] >= 8
    assert created["PortfolioVideo"] >= 3

    second = runner.invoke(args=["demo", "--no-serve", "--port", "5055"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert _counts(session) == created


def test_the_demo_login_works(runner, client) -> None:
    runner.invoke(args=["demo", "--no-serve"])
    response = client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Maya" in client.get("/dashboard").get_data(as_text=True)


def test_demo_rejects_a_bad_port(runner) -> None:
    result = runner.invoke(args=["demo", "--no-serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "99999" in result.output


def test_a_config_error_is_one_clear_line_and_a_non_zero_exit(monkeypatch, tmp_path) -> None:
    from click.testing import CliRunner

    from crm.cli import main

    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/x")
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Error: CRM_SECRET_KEY is required" in result.output
    assert "Traceback" not in result.output
