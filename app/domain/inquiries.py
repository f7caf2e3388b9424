"""The public site's feedback form: what an inquiry must hold, how often one address may send
one, and storing it. A refused submission stores nothing.

The rate limit counts the address's stored inquiries (the `inquiry` table is the memory, shared
by every web process, as `login_failure` is for sign-ins): at most LIMIT an hour.
"""
from datetime import timedelta

from sqlalchemy import func, select

from app.domain import validation
from app.domain.feeds import phone_problem
from app.errors import DomainError, ValidationFailed
from app.models import Inquiry

LIMIT = 3
WINDOW = timedelta(hours=1)
NAME_MAX, MESSAGE_MIN, MESSAGE_MAX = 100, 5, 2000


class TooMany(DomainError):
    """The address sent LIMIT inquiries within the last hour."""


def problems(name, phone, email, message):
    """Messages by field (Russian), empty when the inquiry may be stored."""
    errors = {}
    name, phone, email, message = ((value or "").strip() for value in (name, phone, email, message))
    if not name:
        errors["name"] = ["Укажите, как к вам обращаться"]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Имя: не больше {NAME_MAX} символов"]
    if not phone and not email:
        errors["phone"] = ["Укажите телефон или email, чтобы мы могли ответить"]
    if phone and phone_problem(phone):
        errors["phone"] = [phone_problem(phone)]
    if email and (len(email) > 254 or validation.email(email, None)):
        errors["email"] = ["Email: неверный адрес электронной почты"]
    if len(message) < MESSAGE_MIN:
        errors["message"] = ["Напишите, что вас интересует (хотя бы несколько слов)"]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [f"Сообщение: не больше {MESSAGE_MAX} символов (сейчас {len(message)})"]
    return errors


def recent(session, address, now):
    return session.scalar(select(func.count()).select_from(Inquiry).where(Inquiry.address == address,
                                                                         Inquiry.created > now - WINDOW))


def submit(session, *, name, phone, email, message, address, now, building=None, section=None):
    """Store the inquiry (flushed; the caller commits and notifies) or raise ValidationFailed / TooMany."""
    errors = problems(name, phone, email, message)
    if errors:
        raise ValidationFailed(errors)
    address = (address or "")[:64]
    if recent(session, address, now) >= LIMIT:
        raise TooMany("Слишком много заявок с вашего адреса. Попробуйте позже или позвоните нам")
    if section is not None:
        building = section.building
    inquiry = Inquiry(name=name.strip(), phone=(phone or "").strip() or None, email=(email or "").strip() or None,
                      message=message.strip(), address=address, created=now, building=building, section=section)
    session.add(inquiry)
    session.flush()
    return inquiry
