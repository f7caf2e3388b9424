"""What every parser returns: one money operation as its file tells it, before it meets the database."""
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from app.domain.enums import N_
from app.errors import ImportFailed

MAX_AMOUNT = Decimal("999999999999.99")  # what Numeric(14, 2) holds
# Bank notation: ASCII digits, one «.» or «,», at most two decimals (Decimal() alone also takes 1e9, 1_000, +5,
# Arabic-Indic digits, NaN and Infinity).
_AMOUNT = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]*))?", re.ASCII)
_USUAL_AMOUNT = re.compile(r"[1-9][0-9]{0,11}\.[0-9]{2}", re.ASCII)  # what banks write; in range by its form
# How long each code may be: shorter values occur in real (anonymised) statements, longer ones never fit.
# KPP: digits, or capital Latin letters in its 5th-6th places (app.domain.validation.kpp).
CODES = {
    "inn": (12, re.compile(r"[0-9]{1,12}", re.ASCII), N_("ИНН — не больше 12 цифр")),
    "kpp": (9, re.compile(r"[0-9A-Z]{1,9}", re.ASCII), N_("КПП — не больше 9 знаков (цифры и заглавные латинские буквы)")),
    "bik": (9, re.compile(r"[0-9]{1,9}", re.ASCII), N_("БИК — не больше 9 цифр")),
    "account": (20, re.compile(r"[0-9]{1,20}", re.ASCII), N_("номер счёта — не больше 20 цифр")),
}
# The four codes of a side at once, "|"-joined in CODES' order (no code may hold a "|"), each
# optional: one match for the usual side.
_SIDE_CODES = re.compile(r"\|".join(f"(?:{pattern.pattern})?" for _, pattern, _ in CODES.values()), re.ASCII)
EARLIEST = dt.date(2000, 1, 1)
CENT = Decimal("0.01")


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
    # The account(s) whose statement this operation is in: the side the file calls its own, else every account
    # the statement declares; (): the file names none.
    accounts: tuple = ()
    accounts_where: str = ""  # the key or element that names them, for messages


def failure(line, message, *details):
    """An ImportFailed naming the line: «Строка 12: …»."""
    text = N_("Строка %(line)s: ") % {"line": line} + message
    if details:
        text += " " + " ".join(str(d) for d in details)
    return ImportFailed(text)


def amount(text, line, where=""):
    """The amount in bank notation, else ImportFailed naming the line (and `where`: the key or element)."""
    value = (text or "").strip()
    if _USUAL_AMOUNT.fullmatch(value):
        return Decimal(value)
    found = _AMOUNT.fullmatch(value)
    prefix = f"{where}: " if where else ""
    if found is None or (found.group(3) is not None and not found.group(3)):
        raise failure(line, prefix + N_("сумма не число в записи банка (цифры, одна точка или запятая, до двух знаков "
                                        "после неё):"), f"«{_shown(text)}»")
    sign, whole, cents = found.groups()
    if cents is not None and len(cents) > 2:
        raise failure(line, prefix + N_("сумма вне допустимого диапазона или больше двух знаков после точки:"),
                      f"«{_shown(text)}»")
    result = Decimal(f"{whole}.{cents or '0'}")
    if sign or result <= 0:
        raise failure(line, prefix + N_("сумма должна быть больше нуля:"), f"«{_shown(text)}»")
    if result > MAX_AMOUNT:
        raise failure(line, prefix + N_("сумма вне допустимого диапазона или больше двух знаков после точки:"),
                      f"«{_shown(text)}»")
    return result.quantize(CENT)


def code(kind, value, line, where):
    """An INN, KPP, BIK or account as the file gives it (blank stays blank); refused, never cut, when it is
    longer than its kind allows or not made of its characters."""
    if value and not CODES[kind][1].fullmatch(value):
        raise failure(line, f"{where}: " + CODES[kind][2] + ":", f"«{_shown(value)}»")
    return value


def check_codes(side, line, where):
    """Every code of a side; `where(kind)` names the key or element holding it."""
    if _SIDE_CODES.fullmatch("|".join(getattr(side, kind) for kind in CODES)) is None:
        for kind in CODES:  # one is bad: find it, for the message
            code(kind, getattr(side, kind), line, where(kind))
    return side


def check_date(value, line, today, where):
    """A document date inside the sane window: from 2000-01-01 to a year after today."""
    latest = _year_after(today)
    if not EARLIEST <= value <= latest:
        raise failure(line, f"{where}: " + N_("дата %(date)s вне допустимого диапазона (с %(earliest)s по %(latest)s, "
                                              "год вперёд от сегодня).") % {
            "date": f"{value:%d.%m.%Y}", "earliest": f"{EARLIEST:%d.%m.%Y}", "latest": f"{latest:%d.%m.%Y}"})
    return value


def _year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _shown(text, limit=40):
    """A value as quoted in a message: a 5,000-digit INN is cut for the message, not for the database."""
    text = str(text or "")
    return text if len(text) <= limit else f"{text[:limit]}…"


def digits_or_blank(value):
    """INN/KPP as written, or blank for the «0» that banks write when there is none."""
    value = (value or "").strip()
    return "" if not value.strip("0") else value
