"""A creator's template renders under a hard time and memory bound, in its own process."""

from __future__ import annotations

import http.cookiejar
import os
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from crm import create_app
from crm.database import upgrade
from crm.emails import custom, isolation
from crm.emails.isolation import CHILD_NICENESS, Bounds, render_email_bounded
from crm.emails.sandbox import TemplateProblem
from crm.emails.wording import KNOWN
from tests import factories
from tests.conftest import app_config
from tests.test_brands_views import BRAND_FORM

BOUNDS = Bounds(seconds=1.0, memory_mb=256)
LIVE_TIMEOUT = 4
# Grows a 40,960-character text, then runs 400 replaces over it per loop turn, 999 times:
# every Liquid limit holds (loops, output, namespace, text length), and yet it would
# take tens of seconds. Only the deadline stops it.
SLOW = (
    "Hi {{ brand_name }},\n"
    "{% assign x = 'aaaaaaaaaa' %}"
    "{% for i in (1..12) %}{% assign x = x | append: x %}{% endfor %}\n"
    "{% for i in (1..999) %}{% assign y = x"
    + " | replace: 'a', 'b' | replace: 'b', 'a'" * 200
    + " %}{% endfor %}\nThanks"
)
VALUES = {name: "" for name in KNOWN} | {"brand_name": "Glow", "videos": []}


def bounded(body: str, bounds: Bounds = BOUNDS, **kwargs: Any) -> tuple[TemplateProblem, float]:
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as caught:
        render_email_bounded("Hi {{ brand_name }}", body, VALUES, KNOWN, bounds, **kwargs)
    return caught.value, time.monotonic() - started


def test_a_template_renders_the_same_email_in_its_own_process() -> None:
    rendered = render_email_bounded("For {{ brand_name }}", "Hi {{ brand_name }}", VALUES, KNOWN)
    assert (rendered.subject, rendered.body) == ("For Glow", "Hi Glow\n")


def test_a_slow_template_is_stopped_at_the_deadline_with_the_line_it_was_on() -> None:
    problem, elapsed = bounded(SLOW)
    assert "takes too long" in problem.message
    assert (problem.part, problem.line) == ("body", 3)
    assert str(problem).startswith("Line 3: ")
    assert elapsed < BOUNDS.seconds + 2


def allocate_a_gigabyte(part: str, source: str, variables: Mapping[str, Any], known: Any) -> str:
    """A stand-in for a render step that allocates without bound (runs in the child)."""
    return str(len(bytearray(1024**3)))


def test_a_render_that_needs_too_much_memory_is_refused() -> None:
    problem, elapsed = bounded("Hi", Bounds(5.0, memory_mb=64), renderer=allocate_a_gigabyte)
    assert "too much memory" in problem.message
    assert problem.part == "subject"
    assert elapsed < 5


def report_niceness(part: str, source: str, variables: Mapping[str, Any], known: Any) -> str:
    """A stand-in render step that tells how nice its process is (runs in the child)."""
    return str(os.nice(0))


def crash(part: str, source: str, variables: Mapping[str, Any], known: Any) -> str:
    """A stand-in render step with a bug in it (runs in the child)."""
    raise KeyError("a bug")


def test_a_crash_in_the_render_process_is_not_blamed_on_memory(caplog) -> None:
    problem, _elapsed = bounded("Hi", Bounds(10.0, memory_mb=256), renderer=crash)
    assert "couldn't be written out on our side" in problem.message
    assert "memory" not in problem.message
    assert "KeyError" in caplog.text


def test_the_render_child_runs_at_a_lower_priority_than_the_web_threads() -> None:
    # The child imports this test module to find the stand-in: give it time on a busy machine.
    roomy = Bounds(seconds=10.0, memory_mb=256)
    rendered = render_email_bounded("s", "b", VALUES, KNOWN, roomy, renderer=report_niceness)
    assert int(rendered.subject) >= os.nice(0) + CHILD_NICENESS


def test_renders_past_the_limit_of_a_process_are_refused_at_once() -> None:
    one_at_a_time = Bounds(seconds=3.0, memory_mb=256, renders_at_once=1)
    started, finished = threading.Event(), threading.Event()
    real = isolation._render_in_child

    def slow_first(*args: Any, **kwargs: Any) -> Any:
        started.set()
        try:
            return real(*args, **kwargs)
        finally:
            finished.set()

    first = threading.Thread(target=lambda: bounded(SLOW, one_at_a_time))
    isolation._render_in_child = slow_first
    try:
        first.start()
        assert started.wait(10)
        problem, _elapsed = bounded("Hi", one_at_a_time)
        assert "Too many emails are being written" in problem.message
        assert not finished.is_set()  # refused while the first was still rendering
    finally:
        first.join(30)
        isolation._render_in_child = real
    # The slot is free again once the first render ended.
    assert render_email_bounded("s", "Hi", VALUES, KNOWN, one_at_a_time).body == "Hi\n"


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Hi\n{{ 1 | round: 1000000000000 }}", 2),
        ("Hi\n\n{{ (1..100000000) | join: ',' }}", 3),
        ("Hi\n{% assign r = (1..1000) | join: ',' %}{{ r | split: ',' | join: r }}", 2),
        (
            "{% assign s = 'ab' %}\n"
            "{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}",
            2,
        ),
        ("Hi\n" + "{% if brand_name %}\n" * 40 + "{% endif %}" * 40, 10),
        ("Hi\n{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}", 2),
    ],
)
def test_each_attack_ends_as_a_template_problem_with_its_line_within_the_bound(
    body: str, line: int
) -> None:
    problem, elapsed = bounded(body)
    assert problem.line == line
    assert problem.part == "body"
    assert elapsed < BOUNDS.seconds


# The whole app in a real threaded server: a hostile template in one creator's request must
# not slow another creator's page.


@pytest.fixture
def live_app(tmp_path: Any) -> Iterator[tuple[str, Any]]:
    """The app on a port of its own, with its own SQLite file (the server has its threads)."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    # Long enough for the neighbour's two requests on a busy machine, short for a test.
    app = create_app(app_config(url, tmp_path, EMAIL_TEMPLATE_TIMEOUT_SECONDS=LIVE_TIMEOUT))
    with app.app_context():
        session = app.extensions["crm.db"].sessionmaker()
        for email in ("hostile@example.com", "neighbour@example.com"):
            factories.make_user(session, email=email)
        session.close()
    server = _serve(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join()
    server.server_close()


def _serve(app: Any) -> BaseWSGIServer:
    # Port 0: the system's free port. (Werkzeug exits rather than raise on a taken one, and a
    # fixed range collided with another suite on the same machine.)
    return make_server("127.0.0.1", 0, app, threaded=True)


def logged_in_opener(base: str, email: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = {"email": email, "password": factories.TEST_PASSWORD}
    opener.open(base + "/login", urllib.parse.urlencode(form).encode(), timeout=10).close()
    return opener


def test_another_creators_page_stays_fast_while_a_hostile_template_renders(
    live_app: tuple[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _app = live_app
    hostile = logged_in_opener(base, "hostile@example.com")
    neighbour = logged_in_opener(base, "neighbour@example.com")
    rendering, rendered = threading.Event(), threading.Event()
    real = custom.render_email_bounded

    def watched(*args: Any, **kwargs: Any) -> Any:
        rendering.set()
        try:
            return real(*args, **kwargs)
        finally:
            rendered.set()

    monkeypatch.setattr(custom, "render_email_bounded", watched)
    outcome: dict[str, Any] = {}

    def post_hostile() -> None:
        started = time.monotonic()
        form = {"subject": "Hi", "body": SLOW, "action": "preview"}
        with hostile.open(
            base + "/emails/templates/ugc_pitch", urllib.parse.urlencode(form).encode(), timeout=30
        ) as response:
            outcome["page"] = response.read().decode()
        outcome["seconds"] = time.monotonic() - started

    request = threading.Thread(target=post_hostile)
    request.start()
    assert rendering.wait(10)
    with neighbour.open(base + "/brands/", timeout=10) as response:
        assert response.status == 200
        assert "Brands" in response.read().decode()
    # A write too: the hostile request must hold no database lock while it renders.
    brand = urllib.parse.urlencode({**BRAND_FORM, "name": "Neighbour Brand"}).encode()
    with neighbour.open(base + "/brands/new", brand, timeout=10) as response:
        assert response.status == 200 and "Neighbour Brand saved." in response.read().decode()
    assert not rendered.is_set()  # the neighbour's read and write finished while it ran
    request.join(30)
    assert "Line 3: This template takes too long" in outcome["page"]
    # Stopped at the deadline: in-process the template runs for 25 s or more. The margin is
    # for the render process's start-up on a loaded machine, not for the render itself.
    assert outcome["seconds"] < LIVE_TIMEOUT + 12


def test_a_stored_template_that_passes_the_check_but_stalls_on_a_real_brand_falls_back(
    make_app, session, user
) -> None:
    from crm.emails.models import PitchEmailTemplate
    from tests.factories_brands import make_brand

    app = make_app(EMAIL_TEMPLATE_TIMEOUT_SECONDS=1)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.TEST_PASSWORD})
    # Fast for the sample brand the save check uses, slow for any real one.
    body = "{% if brand_name == 'Sample Brand' %}\nHi\n{% else %}\n" + SLOW + "\n{% endif %}"
    response = client.post(
        "/emails/templates/ugc_pitch", data={"subject": "Hi", "body": body, "action": "save"}
    )
    assert response.status_code == 302
    assert session.query(PitchEmailTemplate).count() == 1
    brand = make_brand(session, user, name="Glow Co")
    started = time.monotonic()
    page = client.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert time.monotonic() - started < 1 + 3
    assert "template failed (Line 6: This template takes too long" in page
    assert 'value="UGC videos for Glow Co' in page


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The bodies that reached a render process, with nothing kept from earlier tests."""
    monkeypatch.setattr(isolation, "_kept", isolation.OrderedDict())
    reached: list[str] = []
    real = isolation._render_in_child

    def counted(subject: str, body: str, *args: Any) -> Any:
        reached.append(body)
        return real(subject, body, *args)

    monkeypatch.setattr(isolation, "_render_in_child", counted)
    return reached


def test_the_same_email_again_is_not_rendered_again(renders) -> None:
    first = render_email_bounded("For {{ brand_name }}", "Hi {{ brand_name }}", VALUES, KNOWN)
    again = render_email_bounded("For {{ brand_name }}", "Hi {{ brand_name }}", VALUES, KNOWN)
    other = VALUES | {"brand_name": "Lumen"}
    third = render_email_bounded("For {{ brand_name }}", "Hi {{ brand_name }}", other, KNOWN)
    assert first == again and third.body == "Hi Lumen\n"
    assert len(renders) == 2  # the second brand's email is its own render


def test_a_wrong_template_says_so_again_without_a_process(renders) -> None:
    broken = "Hi {% if brand_name %}"
    problems = [bounded(broken)[0] for _ in range(2)]
    assert renders == [broken]
    assert problems[0] is not problems[1]  # a fresh exception: callers add to its message
    assert [(p.message, p.line, p.part) for p in problems] == [
        (problems[0].message, problems[0].line, "body")
    ] * 2


def test_a_render_stopped_by_the_machine_is_tried_again(renders, monkeypatch) -> None:
    def over_time(*_args: Any) -> Any:
        renders.append("stopped")
        raise TemplateProblem("This template takes too long to write an email (over 1 s).")

    monkeypatch.setattr(isolation, "_render_in_child", over_time)
    for _ in range(2):
        assert "takes too long" in bounded("Hi")[0].message
    assert renders == ["stopped", "stopped"]


def test_only_the_last_renders_are_kept(renders, monkeypatch) -> None:
    monkeypatch.setattr(isolation, "RENDERS_KEPT", 2)
    for body in ("one", "two", "three", "one"):
        render_email_bounded("s", body, VALUES, KNOWN, BOUNDS)
    assert renders == ["one", "two", "three", "one"]  # "one" was the oldest, and left
    render_email_bounded("s", "three", VALUES, KNOWN, BOUNDS)
    assert renders == ["one", "two", "three", "one"]


def run_out_of_memory_in_liquid(part: str, source: str, variables: Mapping[str, Any], known):
    """A stand-in whose template step runs out of memory inside the sandbox's own render."""

    class Hungry:
        def render(self, **_values: Any) -> str:
            raise MemoryError

    from crm.emails import sandbox

    return sandbox.render(Hungry(), variables)


def test_running_out_of_memory_in_a_render_is_never_kept(renders) -> None:
    for _ in range(2):
        # A roomy deadline: this is about memory, and a busy machine starts processes slowly.
        roomy = Bounds(seconds=15.0, memory_mb=BOUNDS.memory_mb)
        problem, _elapsed = bounded("Hi", roomy, renderer=run_out_of_memory_in_liquid)
        assert "too much memory" in problem.message
    assert len(renders) == 2


def test_a_long_email_or_one_with_odd_values_is_rendered_again(renders, monkeypatch) -> None:
    monkeypatch.setattr(isolation, "LONGEST_KEPT", 10)
    for _ in range(2):
        render_email_bounded("s", "A body longer than ten", VALUES, KNOWN, BOUNDS)
    odd = VALUES | {"brand_name": object()}  # JSON cannot write it exactly
    for _ in range(2):
        render_email_bounded("s", "Hi", odd, KNOWN, BOUNDS)
    assert len(renders) == 4
