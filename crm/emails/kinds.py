"""The six kinds of email and their built-in templates in templates/emails/."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from crm.paths import data_dir
from crm.pitches.models import PitchKind, PitchStatus

# Each template file is an email as a creator would write it: a "Subject:" line,
# a blank line, then the body. Both parts are Liquid (see crm.emails.sandbox).
SUBJECT_PREFIX = "Subject:"


class EmailKind(enum.StrEnum):
    UGC_PITCH = "ugc_pitch"
    SPONSORSHIP_PITCH = "sponsorship_pitch"
    AFFILIATE_PITCH = "affiliate_pitch"
    FIRST_FOLLOWUP = "first_followup"
    SECOND_FOLLOWUP = "second_followup"
    RATES_REPLY = "rates_reply"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_pitch(self) -> bool:
        """True for the first email to a brand, the one a draft pitch holds."""
        return self in PITCH_KIND_FOR


LABELS = {
    EmailKind.UGC_PITCH: "UGC pitch",
    EmailKind.SPONSORSHIP_PITCH: "Sponsorship pitch",
    EmailKind.AFFILIATE_PITCH: "Affiliate / TikTok Shop pitch",
    EmailKind.FIRST_FOLLOWUP: "First follow-up",
    EmailKind.SECOND_FOLLOWUP: "Second follow-up",
    EmailKind.RATES_REPLY: "Reply with rates",
}

# The pitch a first email creates, and the first email each pitch kind starts with.
PITCH_KIND_FOR = {
    EmailKind.UGC_PITCH: PitchKind.UGC,
    EmailKind.SPONSORSHIP_PITCH: PitchKind.SPONSORSHIP,
    EmailKind.AFFILIATE_PITCH: PitchKind.AFFILIATE,
}
PITCH_EMAIL_FOR = {
    PitchKind.UGC: EmailKind.UGC_PITCH,
    # A retainer is pitched like UGC: the same content argument, a monthly package.
    PitchKind.RETAINER: EmailKind.UGC_PITCH,
    PitchKind.SPONSORSHIP: EmailKind.SPONSORSHIP_PITCH,
    PitchKind.AFFILIATE: EmailKind.AFFILIATE_PITCH,
}
PITCH_EMAILS = tuple(PITCH_KIND_FOR)


@dataclass(frozen=True)
class TemplateSource:
    """A template's two parts, as Liquid source."""

    subject: str
    body: str
    # Still in the old template language (migration 0008 couldn't convert it).
    old_syntax: bool = False


class TemplateFileError(RuntimeError):
    """A built-in template file is not 'Subject: ...', a blank line, then the body."""


def parse_template_file(text: str, name: str) -> TemplateSource:
    """Split a template file into its subject line and its body."""
    first, _, rest = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise TemplateFileError(f"{name}: the first line must start with {SUBJECT_PREFIX!r}")
    if rest[:1] not in ("\n", ""):
        raise TemplateFileError(f"{name}: a blank line must follow the subject")
    return TemplateSource(first[len(SUBJECT_PREFIX) :].strip(), rest[1:].rstrip() + "\n")


@cache
def default_template(kind: EmailKind) -> TemplateSource:
    """The built-in template for `kind`, read once per process."""
    path = data_dir("templates") / "emails" / f"{kind.value}.txt"
    return parse_template_file(path.read_text(encoding="utf-8"), f"templates/emails/{path.name}")


def emails_for_pitch(
    kind: PitchKind, status: PitchStatus, followups_sent: int, followups_planned: int
) -> list[EmailKind]:
    """The emails that make sense for a pitch now, the likeliest first."""
    if status == PitchStatus.DRAFT:
        return [PITCH_EMAIL_FOR[kind]]
    if status == PitchStatus.SENT:
        if followups_sent >= followups_planned:
            return [EmailKind.RATES_REPLY]  # the cadence is over: nothing left to chase
        followup = EmailKind.FIRST_FOLLOWUP if followups_sent == 0 else EmailKind.SECOND_FOLLOWUP
        return [followup, EmailKind.RATES_REPLY]
    if status in (PitchStatus.REPLIED, PitchStatus.NEGOTIATING):
        return [EmailKind.RATES_REPLY]
    return []
