"""'Open in mail app': every character of the subject and body survives the mailto: link."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from crm.emails.mailto import mailto_link


def parts(link: str) -> tuple[str, dict[str, str]]:
    split = urlsplit(link)
    assert split.scheme == "mailto"
    fields = dict(pair.split("=", 1) for pair in split.query.split("&"))
    return unquote(split.path), {key: unquote(value) for key, value in fields.items()}


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Q&A? Yes = no", "Fish & chips?\nsubject=evil&body=evil\n#1 +1"),
        ("Über café — Zoë", "Grüße 👋\r\nZweite Zeile\rDritte"),
        ("100% real", "50% off, 5 + 5 = 10"),
    ],
)
def test_subject_and_body_round_trip(subject: str, body: str) -> None:
    address, fields = parts(mailto_link("dana@glow.co", subject, body))
    assert address == "dana@glow.co"
    assert list(fields) == ["subject", "body"]
    assert fields["subject"] == subject
    expected = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert fields["body"] == expected


def test_reserved_characters_are_encoded_and_line_breaks_are_crlf() -> None:
    link = mailto_link("dana@glow.co", "A & B?", "one\ntwo é")
    assert link == "mailto:dana@glow.co?subject=A%20%26%20B%3F&body=one%0D%0Atwo%20%C3%A9"
    assert "+" not in link and " " not in link


def test_an_odd_address_cannot_add_fields() -> None:
    link = mailto_link("a?cc=x@evil.test", "s", "b")
    assert link.startswith("mailto:a%3Fcc%3Dx@evil.test?subject=s&body=b")


def test_without_an_address_the_mail_app_asks_for_one() -> None:
    assert mailto_link("", "Hi", "There") == "mailto:?subject=Hi&body=There"
