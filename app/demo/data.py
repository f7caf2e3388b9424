"""Shared pieces of demo data: Russian company names, valid requisites, the demo staff."""
import random

from app.domain.validation import with_account_key, with_inn_checksum

SBER_BIK, SBER_CORR, SBER_NAME = "044525225", "30101810400000000225", "ПАО Сбербанк"
TBANK_BIK, TBANK_CORR, TBANK_NAME = "044525974", "30101810145250000974", "АО «ТБанк»"

DEMO_PASSWORD = "arenda-demo"

STAFF = [
    # username, first name, last name, role
    ("owner", "Ольга", "Соколова", "Owner"),
    ("manager", "Максим", "Орлов", "Manager"),
    ("manager2", "Анна", "Белова", "Manager"),
    ("accountant", "Елена", "Морозова", "Accountant"),
    ("viewer", "Иван", "Петров", "Viewer"),
    ("billing", "Сергей", "Кузнецов", "Tariff & Payment"),
]

_FORMS = ["ООО", "ООО", "ООО", "АО", "ООО"]
WORDS = [
    "Альфа", "Вектор", "Гранит", "Дельта", "Зенит", "Империал", "Квант", "Лидер", "Меридиан", "Нева",
    "Омега", "Прогресс", "Ресурс", "Сигма", "Технология", "Урал", "Феникс", "Химснаб", "Центр", "Эталон",
    "Юпитер", "Янтарь", "Арктика", "Байкал", "Волга", "Горизонт", "Днепр", "Енисей", "Жемчуг", "Зодиак",
]
_TRADES = ["Логистик", "Трейд", "Консалт", "Строй", "Софт", "Маркет", "Сервис", "Групп", "Инвест", "Медиа"]
PEOPLE = [
    ("Иванов", "Пётр", "Сергеевич"), ("Смирнова", "Мария", "Андреевна"), ("Кузьмин", "Алексей", "Игоревич"),
    ("Попова", "Дарья", "Олеговна"), ("Васильев", "Николай", "Петрович"), ("Фёдорова", "Ирина", "Викторовна"),
]


def org_inn(rng: random.Random):
    return with_inn_checksum("77" + "".join(rng.choice("0123456789") for _ in range(7)))


def person_inn(rng: random.Random):
    return with_inn_checksum("50" + "".join(rng.choice("0123456789") for _ in range(8)))


def numbered_org_inn(n: int, region="78"):
    """A valid organisation INN of its own for each n below 10**7, for cards generated in bulk:
    an INN+KPP is unique, and random draws would repeat among thousands (the demo load and the
    test factories use region 77)."""
    return with_inn_checksum(f"{region}{n:07d}")


class UniqueInns:
    """Random valid INNs, none drawn twice in one data set (an INN+KPP is unique)."""

    def __init__(self, rng: random.Random):
        self.rng, self.drawn = rng, set()

    def _new(self, draw):
        inn = draw(self.rng)
        while inn in self.drawn:
            inn = draw(self.rng)
        self.drawn.add(inn)
        return inn

    def org(self):
        return self._new(org_inn)

    def person(self):
        return self._new(person_inn)


def account_number(rng: random.Random, bik, balance="40702"):
    body = balance + "810" + "0" + "".join(rng.choice("0123456789") for _ in range(11))
    return with_account_key(body, bik)


def company_name(rng: random.Random, index):
    word = WORDS[index % len(WORDS)]
    trade = _TRADES[(index // len(WORDS) + index) % len(_TRADES)]
    return f"{rng.choice(_FORMS)} «{word} {trade}»"


def person_name(index):
    last, first, middle = PEOPLE[index % len(PEOPLE)]
    return f"ИП {last} {first[0]}. {middle[0]}."
