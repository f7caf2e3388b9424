"""Field rules for the entities people type in: INN, KPP, BIK, bank account, dates, areas.

Each rule is `rule(value, record) -> message | None`, where `record` gives the other fields
of the same entity by attribute. `RULES` lists them per entity; the admin forms (as
WTForms validators, errors next to the field) and the REST API (422 with the same
messages) both run them, so a rule is written once.
"""
import re
from decimal import Decimal

from app.domain.enums import N_, IndexationMode, PartyKind
from app.errors import ValidationFailed

_DIGITS = re.compile(r"^\d+$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _control(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10


def inn_checksum_ok(inn: str) -> bool:
    """The INN check digits (10 digits for organisations, 12 for people)."""
    if not _DIGITS.match(inn or ""):
        return False
    if len(inn) == 10:
        return _control(inn, _INN10) == int(inn[9])
    if len(inn) == 12:
        return _control(inn, _INN11) == int(inn[10]) and _control(inn, _INN12) == int(inn[11])
    return False


def _key_ok(prefix: str, account: str) -> bool:
    weights = (7, 1, 3) * 8
    return sum(int(d) * w % 10 for d, w in zip(prefix + account, weights)) % 10 == 0


def _valid_pair(account, bik):
    return bool(_DIGITS.match(account or "") and len(account) == 20 and _DIGITS.match(bik or "") and len(bik) == 9)


def account_key_ok(account: str, bik: str) -> bool:
    """The control key of a 20-digit account against its bank's BIK (Bank of Russia method)."""
    if not _valid_pair(account, bik):
        return False
    # Accounts held at Bank of Russia units are keyed by "0" + digits 5-6 of the BIK.
    prefix = "0" + bik[4:6] if bik[6:9] in ("000", "001", "002") else bik[6:9]
    return _key_ok(prefix, account)


def corr_account_key_ok(corr_account: str, bik: str) -> bool:
    """A bank's correspondent account is keyed by "0" + digits 5-6 of its BIK."""
    return _valid_pair(corr_account, bik) and _key_ok("0" + bik[4:6], corr_account)


def inn(value, record):
    if _blank(value):
        return None
    value = value.strip()
    if not _DIGITS.match(value) or len(value) not in (10, 12):
        return N_("ИНН состоит из 10 цифр (организация) или 12 цифр (ИП, физическое лицо)")
    kind = getattr(record, "kind", None)
    if kind == PartyKind.LEGAL.value and len(value) != 10:
        return N_("ИНН юридического лица — 10 цифр")
    if kind in (PartyKind.SOLE.value, PartyKind.PERSON.value) and len(value) != 12:
        return N_("ИНН ИП или физического лица — 12 цифр")
    if not inn_checksum_ok(value):
        return N_("Неверный ИНН: не сходится контрольное число")
    return None


def kpp(value, record):
    if _blank(value):
        return None
    if getattr(record, "kind", None) in (PartyKind.SOLE.value, PartyKind.PERSON.value):
        return N_("КПП бывает только у юридических лиц")
    if not re.match(r"^\d{4}[\dA-Z]{2}\d{3}$", value.strip()):
        return N_("КПП — 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры")
    return None


def ogrn(value, record):
    if _blank(value):
        return None
    value = value.strip()
    if not _DIGITS.match(value) or len(value) not in (13, 15):
        return N_("ОГРН — 13 цифр, ОГРНИП — 15 цифр")
    body, check = int(value[:-1]), int(value[-1])
    if (body % (11 if len(value) == 13 else 13)) % 10 != check:
        return N_("Неверный ОГРН: не сходится контрольная цифра")
    return None


def bik(value, record):
    if _blank(value):
        return N_("Укажите БИК")
    if not re.match(r"^\d{9}$", value.strip()):
        return N_("БИК — 9 цифр")
    return None


def account(value, record):
    if _blank(value):
        return N_("Укажите номер счёта")
    value = value.strip()
    if not re.match(r"^\d{20}$", value):
        return N_("Номер счёта — 20 цифр")
    bik_value = (getattr(record, "bik", None) or "").strip()
    if re.match(r"^\d{9}$", bik_value) and not account_key_ok(value, bik_value):
        return N_("Номер счёта не соответствует БИК: не сходится контрольный ключ")
    return None


def corr_account(value, record):
    if _blank(value):
        return None
    value = value.strip()
    if not re.match(r"^\d{20}$", value):
        return N_("Корреспондентский счёт — 20 цифр")
    bik_value = (getattr(record, "bik", None) or "").strip()
    if re.match(r"^\d{9}$", bik_value) and not corr_account_key_ok(value, bik_value):
        return N_("Корреспондентский счёт не соответствует БИК")
    return None


def email(value, record):
    if _blank(value):
        return None
    if not _EMAIL.match(value.strip()):
        return N_("Неверный адрес электронной почты")
    return None


def web_address(value, record):
    """An address people open in a browser: http:// or https://, then a host."""
    if _blank(value):
        return None
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value.strip()):
        return N_("Адрес сайта: начните с https:// (например https://arenda.example.ru)")
    return None


def split_emails(text):
    """A recipient list as typed: one address per line, or separated by commas/semicolons."""
    return [part.strip() for part in re.split(r"[\s,;]+", text or "") if part.strip()]


def email_list(value, record):
    bad = [e for e in split_emails(value) if not _EMAIL.match(e)]
    if bad:
        return N_("Неверные адреса электронной почты: ") + ", ".join(bad)
    return None


def end_not_before_start(start_field):
    def rule(value, record):
        start = getattr(record, start_field, None)
        if value is not None and start is not None and value < start:
            return N_("Дата окончания не может быть раньше даты начала")
        return None

    return rule


def positive(value, record):
    if value is None:
        return N_("Укажите значение больше нуля")
    if Decimal(value) <= 0:
        return N_("Значение должно быть больше нуля")
    return None


def not_negative(value, record):
    if value is not None and Decimal(value) < 0:
        return N_("Значение не может быть отрицательным")
    return None


def day_of_month(value, record):
    if value is not None and not 1 <= int(value) <= 31:
        return N_("День месяца — от 1 до 31")
    return None


def indexation_month(value, record):
    """The month the rent is indexed in: 1..12, required when the contract is indexed."""
    if value is None:
        if getattr(record, "indexation_mode", None) not in (None, IndexationMode.NONE.value):
            return N_("Укажите месяц индексации (1–12)")
        return None
    if not 1 <= int(value) <= 12:
        return N_("Месяц — от 1 до 12")
    return None


def indexation_percent(value, record):
    """A fixed indexation needs its percent a year."""
    if value is None and getattr(record, "indexation_mode", None) == IndexationMode.FIXED.value:
        return N_("Укажите процент индексации в год")
    return not_negative(value, record)


def vat_rate(value, record):
    if value is not None and not 0 <= Decimal(value) < 1:
        return N_("Ставка НДС — доля от 0 до 1, например 0.20 для 20 %")
    return None


RULES = {
    "counterparty": {
        "inn": [inn],
        "kpp": [kpp],
        "ogrn": [ogrn],
        "email": [email],
        "reply_to_email": [email],
        "recipient_emails": [email_list],
        "default_vat_rate": [vat_rate],
    },
    "bank_account": {"bik": [bik], "account": [account], "corr_account": [corr_account]},
    "contact_person": {"email": [email]},
    "room": {"area": [positive], "rent_rate": [not_negative]},
    "contract_room": {"area": [positive], "rate": [not_negative]},
    "agreement_room": {"area": [positive], "rate": [not_negative]},
    "contract_service": {"monthly_amount": [not_negative]},
    "contract": {
        "end_date": [end_not_before_start("start_date")],
        "monthly_rent": [not_negative],
        "deposit_amount": [not_negative],
        "penalty_rate": [not_negative],
        "penalty_cap_percent": [not_negative],
        "penalty_grace_days": [not_negative],
        "indexation_month": [indexation_month],
        "indexation_percent": [indexation_percent],
        "notify_days_before_end": [not_negative],
        "payment_term_days": [not_negative],
        "invoice_day": [day_of_month],
        "payment_day": [day_of_month],
        "vat_rate": [vat_rate],
    },
    "agreement": {
        "new_monthly_rent": [not_negative],
        "notify_days_before": [not_negative],
    },
    "invoice": {"period_end": [end_not_before_start("period_start")], "amount": [not_negative]},
    "act": {"period_end": [end_not_before_start("period_start")], "amount": [not_negative]},
    "payment": {"amount": [positive], "payer_inn": [inn], "recipient_inn": [inn]},
    "allocation": {"amount": [positive]},
}


def errors_for(entity, record):
    """All rule messages for a record, as {field: [messages]} (empty when valid)."""
    errors = {}
    for field, rules in RULES.get(entity, {}).items():
        value = getattr(record, field, None)
        for rule in rules:
            message = rule(value, record)
            if message:
                errors.setdefault(field, []).append(message)
    return errors


def check(entity, record):
    """Raise ValidationFailed with every broken rule of the record."""
    errors = errors_for(entity, record)
    if errors:
        raise ValidationFailed(errors)


def with_account_key(account: str, bik: str) -> str:
    """The account with its control digit (the 9th) set to match the BIK; for generated data."""
    for digit in "0123456789":
        candidate = account[:8] + digit + account[9:]
        if account_key_ok(candidate, bik):
            return candidate
    raise ValueError("no key digit fits")  # unreachable for 20-digit input


def with_inn_checksum(body: str) -> str:
    """A valid INN from its first 9 (organisation) or 10 (person) digits; for generated data."""
    if len(body) == 9:
        return body + str(_control(body, _INN10))
    n11 = str(_control(body, _INN11))
    return body + n11 + str(_control(body + n11, _INN12))
