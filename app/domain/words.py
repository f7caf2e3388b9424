"""Amounts and dates as Russian documents write them: «1 234,50», «Одна тысяча двести тридцать
четыре рубля 50 копеек», «25 января 2026 г.»; Russian text in Latin letters for file names."""
import re
from decimal import Decimal

from num2words import num2words

from app.domain.vat import kopecks

MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]


def format_amount(value, group=" "):
    """1234567.5 -> «1 234 567,50» (digits grouped by `group`, decimal comma)."""
    amount = kopecks(value)
    whole, frac = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{'−' if amount < 0 else ''}{group.join(groups)},{frac}"


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # group separators people type or paste (1 234,56; 1'234.56)


def parse_number(text):
    """«1 234,56», «37076,95», «1234.5 ₽», «−10» → Decimal; None when it is no number."""
    cleaned = _SPACES.sub("", str(text)).replace("\u2212", "-").removesuffix("₽").removesuffix("руб.").removesuffix("%")
    if not _NUMBER.fullmatch(cleaned):
        return None
    return Decimal(cleaned.replace(",", "."))


def amount_in_words(value):
    """Rubles in words, kopecks in digits, capitalised: «Сто двадцать рублей 05 копеек»."""
    text = num2words(Decimal(kopecks(value)), lang="ru", to="currency", currency="RUB", cents=False, separator="")
    return text[:1].upper() + text[1:]


def date_in_words(day):
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г." if day else ""


def plural(count, one, few, many):
    """The Russian word form for a count: plural(1, "день", "дня", "дней") -> «день», 3 -> «дня», 11 -> «дней»."""
    count = abs(count)
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


# Cyrillic → Latin as Russian passports spell names (ICAO Doc 9303, ГОСТ Р 52535.1-2006).
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
    "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia"]))
_LATIN.update({key.upper(): value.capitalize() for key, value in _LATIN.items()})
_LATIN.update({"№": "N", "«": "", "»": "", "—": "-", "–": "-"})


def transliterate(text):
    """«Счёт-фактура № А-1» → «Schet-faktura N A-1»: readable ASCII (what has no Latin spelling is dropped)."""
    latin = "".join(_LATIN.get(char, char) for char in text)
    return latin.encode("ascii", "ignore").decode()
