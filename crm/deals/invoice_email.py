"""The email an invoice goes out in: its subject and its plain-text body.

The printable invoice is the email's HTML part (and, when WeasyPrint is installed, its PDF
is attached); this text is what a mail app that shows no HTML reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.dates import show_date
from crm.deals.invoice_listing import Printed
from crm.deals.invoice_models import Invoice
from crm.money import format_money


@dataclass(frozen=True)
class InvoiceEmail:
    subject: str
    body: str


def invoice_email(invoice: Invoice, view: Printed, business: str, to_name: str) -> InvoiceEmail:
    """The subject "Invoice INV-... from <business>" and a body with the total, due date
    and how to pay."""
    kind = "deposit invoice" if invoice.is_deposit else "invoice"
    total = format_money(invoice.total_cents, invoice.currency)
    parts = [
        f"Hi {to_name or invoice.deal.brand.name},",
        f"Here is {kind} {invoice.number} for {invoice.deal.title}.",
        f"Total: {total}\nDue: {show_date(invoice.due_on)}",
    ]
    if view.payment_instructions:
        parts.append(f"How to pay:\n{view.payment_instructions}")
    parts.append(f"Thank you,\n{business}")
    return InvoiceEmail(f"Invoice {invoice.number} from {business}", "\n\n".join(parts) + "\n")
