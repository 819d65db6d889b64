"""Invoice numbers: the creator's format ("INV-{year}-{seq:04d}") and the per-creator sequence.

A number is taken when the invoice is created (a draft has its number): the printable
draft, the brand's purchase order and the creator's own notes can all name it from the
start, and since an invoice is voided rather than deleted, every number taken stays on
an invoice, so the sequence has no gaps. The counter row is updated in the invoice's own
transaction: a request that fails later gives its number back by rolling back.
"""

from __future__ import annotations

import re
import string

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.deals.invoice_models import NUMBER_FORMAT_DEFAULT, NUMBER_MAX, Invoice, InvoiceSettings
from crm.errors import FieldError
from crm.ownership import owned

PLACEHOLDERS = "{year} and {seq} (or {seq:04d} for 0007)"
_SEQ_SPEC = re.compile(r"0?[1-9]d|d|")
# A sequence at this count is a typo in the settings, or a script gone wrong.
SEQ_MAX = 10**9
# Numbers typed by hand (an earlier version let a draft be renumbered) may stand where
# the sequence goes next: skip them.
_SKIPS_MAX = 1_000


class InvoiceError(FieldError):
    """A refused invoice change; `field` names the form field it belongs beside."""


def check_format(text: str) -> str:
    """The number format as stored, or an InvoiceError beside number_format."""
    text = text.strip()
    problem = format_problem(text)
    if problem:
        raise InvoiceError(problem, field="number_format")
    return text


def format_problem(text: str) -> str | None:
    if not text:
        return f"Enter a format, e.g. INV-{{year}}-{{seq:04d}}, using {PLACEHOLDERS}."
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return "A { without its } (or the other way round): use {{ and }} for the signs."
    names = [name for _, name, _, _ in parts if name is not None]
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in ("year", "seq") or conversion:
            return f"Only {PLACEHOLDERS} can go between braces."
        if name == "year" and spec:
            return "Write the year as {year}, without a format."
        if name == "seq" and not _SEQ_SPEC.fullmatch(spec):
            return "Write the number as {seq}, or {seq:04d} to pad it to 4 digits."
    if names.count("seq") != 1:
        return "Put {seq} in the format exactly once: it makes each number different."
    if len(format_number(text, 2026, SEQ_MAX)) > NUMBER_MAX:
        return f"That makes numbers over {NUMBER_MAX} characters: shorten it."
    return None


def format_number(number_format: str, year: int, seq: int) -> str:
    """The invoice number `seq` of `year` in the creator's (checked) format."""
    return number_format.format(year=year, seq=seq)


def settings_row(session: Session, owner_id: int) -> InvoiceSettings:
    """The creator's settings row, made (with the defaults) the first time it is needed.

    Made in a savepoint: two first invoices at once both try; the loser finds the winner's.
    """
    found = session.scalars(owned(InvoiceSettings, owner_id)).one_or_none()
    if found is not None:
        return found
    made = InvoiceSettings(owner_id=owner_id)
    try:
        with session.begin_nested():
            session.add(made)
            session.flush()
    except IntegrityError:
        return session.scalars(owned(InvoiceSettings, owner_id)).one()
    return made


def number_taken(session: Session, owner_id: int, number: str, but: Invoice | None = None) -> bool:
    """Whether another of the creator's invoices has `number` already."""
    statement = owned(Invoice, owner_id, Invoice.id).where(Invoice.number == number)
    if but is not None and but.id is not None:
        statement = statement.where(Invoice.id != but.id)
    return session.execute(statement.limit(1)).first() is not None


def take_number(session: Session, owner_id: int, year: int) -> str:
    """The next number of the creator's sequence, taken under the counter row's lock.

    `UPDATE ... SET next_seq = next_seq + 1 RETURNING` locks the row until the caller's
    transaction ends: a second request waits there, then reads the incremented counter,
    so two requests never get the same number. A number typed by hand on an invoice (as an
    earlier version allowed) is passed over.
    """
    settings_row(session, owner_id)
    bump = (
        update(InvoiceSettings)
        .where(InvoiceSettings.owner_id == owner_id)
        .values(next_seq=InvoiceSettings.next_seq + 1)
        .returning(InvoiceSettings.next_seq, InvoiceSettings.number_format)
        .execution_options(synchronize_session=False)
    )
    for _ in range(_SKIPS_MAX):
        after, number_format = session.execute(bump).one()
        number = format_number(number_format, year, after - 1)
        if not number_taken(session, owner_id, number):
            return number
    raise InvoiceError("Every next number is taken: change the number format in the settings.")


def lock_settings(session: Session, owner_id: int) -> InvoiceSettings:
    """The creator's settings row, locked as `take_number` locks it, its values re-read.

    The same row lock as the sequence's: a settings save and a new invoice take turns, so
    a next number checked against the numbers used stays true until the save commits.
    """
    row = settings_row(session, owner_id)
    session.execute(
        update(InvoiceSettings)
        .where(InvoiceSettings.owner_id == owner_id)
        .values(next_seq=InvoiceSettings.next_seq)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return row


def _series(number_format: str, year: int) -> tuple[re.Pattern[str], str]:
    """The format's numbers of `year`: a pattern whose group is {seq}, and a LIKE prefilter."""
    pattern, like = [], []
    for literal, name, _spec, _conversion in string.Formatter().parse(number_format):
        pattern.append(re.escape(literal))
        like.append(re.sub(r"([\\%_])", r"\\\1", literal))
        if name == "year":
            pattern.append(str(year))
            like.append(str(year))
        elif name == "seq":
            pattern.append(" *([0-9]+)")
            like.append("%")
    return re.compile("".join(pattern)), "".join(like)


def highest_used(session: Session, owner_id: int, number_format: str, year: int) -> int:
    """The highest {seq} on the creator's invoices in the format's `year` series (0: none).

    LIKE narrows it to the series (case-blind on SQLite, so the pattern decides).
    """
    pattern, like = _series(number_format, year)
    numbers = session.scalars(
        owned(Invoice, owner_id, Invoice.number).where(Invoice.number.like(like, escape="\\"))
    )
    found = (pattern.fullmatch(number) for number in numbers)
    return max((int(match.group(1)) for match in found if match), default=0)


def read_next(typed: str, number_format: str, year: int) -> int:
    """The {seq} the creator typed as the next number: 42, or written out (INV-2026-0042)."""
    text = typed.strip()
    example = format_number(number_format, year, 42)
    written = _series(number_format, year)[0].fullmatch(text) if len(text) <= NUMBER_MAX else None
    if written is not None:
        text = written.group(1)
    if not re.fullmatch("[0-9]{1,10}", text):
        raise InvoiceError(f"Enter the next number as 42 or as {example}.", field="next_number")
    seq = int(text)
    if not 1 <= seq < SEQ_MAX:
        raise InvoiceError(f"Enter 1 to {SEQ_MAX - 1:,}.", field="next_number")
    return seq


def set_next(session: Session, row: InvoiceSettings, typed: str, year: int) -> None:
    """Start the sequence at the number typed, if not at or below one used in its series.

    `row` must come from `lock_settings`, its format already the one being saved.
    """
    seq = read_next(typed, row.number_format, year)
    used = highest_used(session, row.owner_id, row.number_format, year)
    if seq <= used:
        last = format_number(row.number_format, year, used)
        after = format_number(row.number_format, year, used + 1)
        raise InvoiceError(
            f"{last} is used already: the next number must be {after} or later.",
            field="next_number",
        )
    row.next_seq = seq


def next_number(session: Session, owner_id: int, year: int) -> str:
    """The number the creator's next invoice will get (a preview: nothing is taken)."""
    found = session.execute(
        select(InvoiceSettings.next_seq, InvoiceSettings.number_format).where(
            InvoiceSettings.owner_id == owner_id
        )
    ).one_or_none()
    seq, number_format = found if found is not None else (1, NUMBER_FORMAT_DEFAULT)
    return format_number(number_format, year, seq)
