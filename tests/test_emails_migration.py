"""Migration 0008: creators' Jinja templates become Liquid that writes the same email."""
# ruff: noqa: E501  (OLD_DEFAULTS below are verbatim copies of the old template files)

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from crm.database import make_engine, upgrade
from crm.emails.kinds import EmailKind, parse_template_file
from crm.emails.sandbox import render_email, tidy
from crm.emails.wording import KNOWN

MIGRATION = Path(__file__).parent.parent / "migrations" / "versions"
# The built-in Liquid templates as 0008 shipped them, written by hand from the old files;
# the shipped ones have been reworded since (issue 8), so the comparison keeps this copy.
LIQUID_AT_0008 = Path(__file__).parent / "data" / "emails_at_0008"


def load_migration() -> ModuleType:
    (path,) = MIGRATION.glob("*_liquid_email_templates.py")
    spec = importlib.util.spec_from_file_location("liquid_email_templates", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert = load_migration().convert
# The old sandbox's rendering rules, enough to render the old dialect for comparison.
OLD = SandboxedEnvironment(
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
)


def old_render(subject: str, body: str, values: dict[str, Any]) -> tuple[str, str]:
    rendered = tidy(OLD.from_string(subject).render(values), OLD.from_string(body).render(values))
    return rendered.subject, rendered.body


def new_render(subject: str, body: str, values: dict[str, Any]) -> tuple[str, str]:
    rendered = render_email(subject, body, values, KNOWN)
    return rendered.subject, rendered.body


def value_sets() -> list[dict[str, Any]]:
    """Every variable empty and filled, lists of 0 to 3, each flag both ways."""
    found = []
    flags = ("beats_most", "videos_match", "tiktok_shop", "last_followup")
    for filled, count, flag, number in itertools.product((False, True), range(4), (0, 1), (1, 2)):
        values: dict[str, Any] = {k: (f"{k} value" if filled else "") for k in KNOWN}
        values |= {k: bool(flag) for k in flags} | {"followup_number": number}
        values["brand_name"] = "Glow Co"
        values["videos"] = [
            {"title": f"Video {n}", "url": f"https://v/{n}", "views": "" if n % 2 else "9 views"}
            for n in range(count)
        ]
        values["rates"] = [{"label": "One video", "amount": "$90"}] * min(count, 2)
        values["add_ons"] = [{"label": "Usage", "percent": "+20%"}] * (count % 2)
        found.append(values)
    return found


VALUE_SETS = value_sets()


@pytest.mark.parametrize("kind", list(EmailKind))
def test_converted_old_defaults_write_the_same_email_as_the_new_defaults(kind: EmailKind) -> None:
    old = parse_template_file("".join(OLD_DEFAULTS[kind.value]), kind.value)
    subject, body = convert(old.subject), convert(old.body)
    assert subject is not None and body is not None
    path = LIQUID_AT_0008 / f"{kind.value}.txt"
    new = parse_template_file(path.read_text(encoding="utf-8"), path.name)
    for values in VALUE_SETS:
        expected = old_render(old.subject, old.body, values)
        assert new_render(subject, body, values) == expected
        assert new_render(new.subject, new.body, values) == expected


@pytest.mark.parametrize(
    "source",
    [
        "Hi {{ brand_name }}, {{ brand_name|upper }} {{ creator_name|lower|capitalize }}",
        "{{ creator_name|default('friend') }}|{{ creator_name|default('friend', true) }}",
        "{{ videos|join(', ') }}{{ videos|length }} {{ brand_name|replace('Co', 'Company') }}",
        "Hi {{ contact_first_name or brand_name ~ ' team' }}, {{ brand_name ~ '!' ~ niche }}",
        "{% if videos and not creator_name %}A{% elif videos|length == 1 %}B{% else %}C{% endif %}",
        "{% if followup_number == 1 or (beats_most and not tiktok_shop) %}yes{% endif %}",
        "{% for v in videos %}\n  {{ loop.index }}. {{ v.title }}{% if not loop.last %},{% endif %}\n"
        "{% else %}\nno videos\n{% endfor %}\n",
        "{% for n in range(3) %}{{ n }}{% endfor %}|{{ videos[0].title if videos else 'none' }}",
        "{# a note to self #}\nHi\n    {% if rate %}\n  {{ rate }} {{ rate_unit }}\n{% endif %}\nBye",
        "{%- if brand_name -%}\n  X  \n{%- endif -%}\n{{- brand_name -}}\n",
        "{% if 'Glow' in brand_name %}glow{% endif %}{% if niche != 'home' %}!{% endif %}",
    ],
)
def test_each_old_construct_converts_to_liquid_that_renders_the_same(source: str) -> None:
    converted = convert(source)
    assert converted is not None, source
    for values in VALUE_SETS:
        assert new_render("s", converted, values) == old_render("s", source, values), converted


@pytest.mark.parametrize(
    "source",
    [
        "{{ brand_name|truncate(10) }}",  # Liquid cuts at a character, Jinja at a word
        "{{ followup_number|round }}",  # Jinja prints 1.0, Liquid 1
        "{{ brand_name|title }}",
        "{{ brand_name|wordcount }}",
        "{% set x = 1 %}",
        "{{ videos }}",
        "{% if brand_name == '' %}x{% endif %}",
        "{{ brand_name.lower() }}",
        "{% if brand_name is defined %}x{% endif %}",
        "{% if brand_name %}no end",
    ],
)
def test_a_construct_without_a_faithful_liquid_is_not_converted(source: str) -> None:
    assert convert(source) is None


def test_the_migration_converts_stored_templates_and_keeps_the_rest_as_written(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, "0007")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO users (id, email, password_hash, created_at, display_name,"
            " tiktok_handle, niche, followers, ugc_experience, currency, turnaround_days,"
            " posts_per_week, followup_cadence) VALUES (1, 'a@example.com', 'x',"
            " '2026-01-01 00:00:00', 'A', '', 'other', 0, 'beginner', 'USD', 5, 3, '3,7')"
        )
        rows = [
            (1, "ugc_pitch", "Hi {{ brand_name|upper }}", "{{ contact_first_name or 'there' }}"),
            (2, "rates_reply", "Rates", "{{ brand_name|truncate(8) }}"),
        ]
        for row in rows:
            connection.exec_driver_sql(
                "INSERT INTO pitch_email_templates (id, kind, subject, body, updated_at,"
                " owner_id) VALUES (?, ?, ?, ?, '2026-01-01 00:00:00', 1)",
                row,
            )
    upgrade(url)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT id, subject, body, old_syntax FROM pitch_email_templates ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in stored] == [
        (
            1,
            "Hi {{ brand_name | upcase }}",
            "{{ contact_first_name if contact_first_name else 'there' }}",
            False,
        ),
        (2, "Rates", "{{ brand_name|truncate(8) }}", True),
    ]


# The built-in templates as they were before Liquid (git show f8ee2e5:templates/emails/*.txt).
OLD_DEFAULTS = {
    "ugc_pitch": (
        "Subject: UGC videos for {{ brand_name }}{% if videos %} (samples inside){% endif %}\n"
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "{% if creator_name %}\n"
        "I'm {{ creator_name }}{% if creator_handle %} ({{ creator_handle }} on TikTok){% endif %}, a UGC creator, and I'd love to make a few videos for {{ brand_name }}.\n"
        "{% else %}\n"
        "I'm a UGC creator{% if creator_handle %} ({{ creator_handle }} on TikTok){% endif %}, and I'd love to make a few videos for {{ brand_name }}.\n"
        "{% endif %}\n"
        "\n"
        "You'd get native-feeling TikTok videos you can post on your own account or run as ads: UGC-style ads tend to beat polished studio ads {{ ads_advantage }} on click-through and cost per acquisition.\n"
        "\n"
        "{% if videos|length == 1 %}\n"
        "Here's one of my videos{% if videos_match and brand_category %} with {{ brand_category }} products{% endif %}:\n"
        "{% elif videos %}\n"
        "Here are a few of my videos{% if videos_match and brand_category %}, {{ brand_category }} first{% endif %}:\n"
        "{% endif %}\n"
        "{% for video in videos %}\n"
        "- {{ video.title }}: {{ video.url }}\n"
        "{% endfor %}\n"
        "\n"
        "{{ stats_sentence }}\n"
        "\n"
        "{% if rate %}\n"
        "My rate starts at {{ rate }} {{ rate_unit }}, and I deliver within {{ turnaround }} of getting the product.\n"
        "{% else %}\n"
        "I deliver within {{ turnaround }} of getting the product.\n"
        "{% endif %}\n"
        "\n"
        "Would you like me to send over a couple of video ideas for {{ brand_name }}?\n"
        "\n"
        "Thanks,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
    "sponsorship_pitch": (
        "Subject: Sponsored TikTok post for {{ brand_name }}{% if engagement %}: {{ engagement }} engagement{% endif %}\n"
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "{% if creator_name %}\n"
        "I'm {{ creator_name }}{% if creator_handle %} ({{ creator_handle }} on TikTok){% endif %}{% if niche %}, and I make {{ niche }} videos{% endif %}. I'd love to feature {{ brand_name }} in a sponsored post.\n"
        "{% else %}\n"
        "I'm a TikTok creator{% if creator_handle %} ({{ creator_handle }}){% endif %}{% if niche %} making {{ niche }} videos{% endif %}, and I'd love to feature {{ brand_name }} in a sponsored post.\n"
        "{% endif %}\n"
        "\n"
        "{{ stats_sentence }}\n"
        "\n"
        "{% if videos|length == 1 %}\n"
        "Here's one of my videos{% if videos_match and brand_category %} with {{ brand_category }} products{% endif %}:\n"
        "{% elif videos %}\n"
        "A few of my videos{% if videos_match and brand_category %}, {{ brand_category }} first{% else %} that did well{% endif %}:\n"
        "{% endif %}\n"
        "{% for video in videos %}\n"
        "- {{ video.title }}{% if video.views %} ({{ video.views }}){% endif %}: {{ video.url }}\n"
        "{% endfor %}\n"
        "\n"
        "{% if rate %}\n"
        "A sponsored post starts at {{ rate }}, and I can have it live within {{ turnaround }} of getting the product and your brief.\n"
        "{% else %}\n"
        "I can have a post live within {{ turnaround }} of getting the product and your brief.\n"
        "{% endif %}\n"
        "\n"
        "Would you be open to a quick chat about it?\n"
        "\n"
        "Thanks,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
    "affiliate_pitch": (
        "Subject: {% if tiktok_shop %}TikTok Shop videos for {{ brand_name }}{% else %}Promoting {{ brand_name }} on commission{% endif %}\n"
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "{% if creator_name %}\n"
        "I'm {{ creator_name }}{% if creator_handle %} ({{ creator_handle }} on TikTok){% endif %}, and I'd love to promote {{ brand_name }} to my audience on commission.\n"
        "{% else %}\n"
        "I'm a TikTok creator{% if creator_handle %} ({{ creator_handle }}){% endif %}, and I'd love to promote {{ brand_name }} to my audience on commission.\n"
        "{% endif %}\n"
        "\n"
        "{{ stats_sentence }}\n"
        "\n"
        "{% if tiktok_shop %}\n"
        "I'm eligible for TikTok Shop Affiliate, so if you sell on TikTok Shop I can tag your products right in my videos and viewers can buy without leaving the app. If not, I'm just as happy to share your own affiliate link. Either way, you only pay for the sales I bring in, and videos keep selling long after they're posted.\n"
        "{% else %}\n"
        "I'd join your affiliate program and share my own link, so you only pay for the sales I bring in, and videos keep selling long after they're posted.\n"
        "{% endif %}\n"
        "\n"
        "{% if videos|length == 1 %}\n"
        "Here's one of my videos{% if videos_match and brand_category %} with {{ brand_category }} products{% endif %}:\n"
        "{% elif videos %}\n"
        "Some of my videos{% if videos_match and brand_category %}, {{ brand_category }} first{% endif %}:\n"
        "{% endif %}\n"
        "{% for video in videos %}\n"
        "- {{ video.title }}: {{ video.url }}\n"
        "{% endfor %}\n"
        "\n"
        "If that sounds good, could you send me your affiliate program details? I can have the first video up within {{ turnaround }} of getting the product.\n"
        "\n"
        "Thanks,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
    "first_followup": (
        'Subject: {{ reply_subject or "Following up: " ~ offer }}\n'
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "Just bumping my note about {{ offer }}, in case it got buried.\n"
        "\n"
        "{% if videos %}\n"
        "Here's a sample to start with, {{ videos[0].title }}:\n"
        "{{ videos[0].url }}\n"
        "{% endif %}\n"
        "\n"
        "{% if rate %}\n"
        "My rate starts at {{ rate }} {{ rate_unit }}, and I can deliver within {{ turnaround }}. Happy to send a couple of ideas if that helps.\n"
        "{% else %}\n"
        "I can deliver within {{ turnaround }}, and I'm happy to send a couple of ideas if that helps.\n"
        "{% endif %}\n"
        "\n"
        "Thanks,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
    "second_followup": (
        'Subject: {{ reply_subject or "Following up: " ~ offer }}\n'
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "{% if last_followup %}One last note from me{% else %}Following up once more{% endif %}, as I know inboxes fill up fast. If now isn't the right time for {{ offer }}, no problem at all. If the timing works later, just reply here and I'll send fresh ideas.\n"
        "\n"
        "{% if videos %}\n"
        "In the meantime, here's one I think you'd like:\n"
        "{{ videos[0].url }}\n"
        "{% endif %}\n"
        "\n"
        "Thanks again,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
    "rates_reply": (
        'Subject: {{ reply_subject or "My rates for " ~ brand_name }}\n'
        "\n"
        'Hi {{ contact_first_name or brand_name ~ " team" }},\n'
        "\n"
        "{% if rates %}\n"
        "Thanks for getting back to me! Here are my rates for {{ brand_name }}:\n"
        "\n"
        "{% for line in rates %}\n"
        "- {{ line.label }}: {{ line.amount }}\n"
        "{% endfor %}\n"
        "\n"
        "{% if add_ons %}\n"
        "If you'd like more than organic use, these go on top of the base rate:\n"
        "{% for add_on in add_ons %}\n"
        "- {{ add_on.label }}: {{ add_on.percent }}\n"
        "{% endfor %}\n"
        "{% endif %}\n"
        "\n"
        "I deliver within {{ turnaround }} of getting the product, and I'm happy to shape a package around what you need. What did you have in mind?\n"
        "{% else %}\n"
        "Thanks for getting back to me! What budget do you have in mind for {{ brand_name }}? I'll put a package together around it, and I deliver within {{ turnaround }} of getting the product.\n"
        "{% endif %}\n"
        "\n"
        "{% if videos %}\n"
        "You can see my style here:\n"
        "{{ videos[0].url }}\n"
        "{% endif %}\n"
        "\n"
        "Thanks,\n"
        "{% if creator_name %}\n"
        "{{ creator_name }}\n"
        "{% endif %}\n"
        "{{ creator_handle }}\n"
    ),
}
