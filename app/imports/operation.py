"""What every parser returns: one money operation as its file tells it, before it meets the database."""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

from app.domain.enums import N_
from app.errors import ImportFailed

MAX_AMOUNT = Decimal("999999999999.99")  # what Numeric(14, 2) holds


@dataclass(slots=True)
class Side:
    """Payer or recipient."""

    name: str = ""
    inn: str = ""
    kpp: str = ""
    account: str = ""
    bik: str = ""
    bank: str = ""


@dataclass(slots=True)
class Operation:
    line: int  # where the operation starts in its file, for messages
    kind: str  # the document's kind as the file names it («Платежное поручение», «ПриходныйКассовыйОрдер» ...)
    date: dt.date
    number: str
    amount: Decimal
    payer: Side
    recipient: Side
    purpose: str = ""
    # What the file itself says (the statement's own account, a 1C document type); None: it does not say.
    direction: Optional[str] = None
    identity: str = ""  # the source's own id of the document (a 1C Ref), when it has one


def failure(line, message, *details):
    """An ImportFailed naming the line: «Строка 12: …»."""
    text = N_("Строка %(line)s: ") % {"line": line} + message
    if details:
        text += " " + " ".join(str(d) for d in details)
    return ImportFailed(text)


def amount(text, line):
    value = (text or "").strip().replace(",", ".").replace(" ", "")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise failure(line, N_("сумма не число:"), f"«{text}»") from None
    if not result.is_finite() or result <= 0:
        raise failure(line, N_("сумма должна быть больше нуля:"), f"«{text}»")
    if result > MAX_AMOUNT or result != result.quantize(Decimal("0.01")):
        raise failure(line, N_("сумма вне допустимого диапазона или больше двух знаков после точки:"), f"«{text}»")
    return result.quantize(Decimal("0.01"))


def digits_or_blank(value):
    """INN/KPP as written, or blank for the «0» that banks write when there is none."""
    value = (value or "").strip()
    return "" if not value.strip("0") else value
