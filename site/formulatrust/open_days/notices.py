"""Messages to bookers who left an address: a place on the waiting list became a seat."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale

from formulatrust.core.outbox import MailDelivery, site_context
from formulatrust.open_days.models import Booking


def promoted(booking: Booking) -> MailDelivery:
    """The message telling ``booking``'s holder that they now have seats (sent once)."""
    return message(booking, "promoted")


def visit_cancelled(booking: Booking) -> MailDelivery:
    """The message telling ``booking``'s holder that the enterprise cancelled the visit, and why."""
    return message(booking, "cancelled")


def message(booking: Booking, template: str) -> MailDelivery:
    with site_context(), force_locale(booking.language):
        link = url_for("open_days.booking", reference=booking.reference, _external=True)
        context = {"booking": booking, "visit": booking.visit, "booking_url": link}
        subject = render_template(f"open_days/mail_{template}_subject.txt", **context).strip()
        text = render_template(f"open_days/mail_{template}.txt", **context)
        html = render_template(f"open_days/mail_{template}.html", subject=subject, **context)
    return MailDelivery(key=f"{template}-{booking.id}", recipient=booking.email,
                        subject=subject, body_text=text, body_html=html)
