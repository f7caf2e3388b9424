"""Payments from individuals' cards, where the statement names a bank as the payer (SPEC §1.6).

A payer is a bank when its INN is one of the rules' bank INNs, or its account is one of a bank's
own balance accounts (correspondent, transit, settlements: 301, 302, 303, 409, 474, 603, 706)
rather than a client's. Such operations are flagged (`Payment.payer_is_bank`); the rules then try
to read the person's name from the purpose, in order: the first rule whose bank INN is the payer's
(or that has none) and whose pattern matches gives the name (its `name` group).

The rules are the Owner's to edit (Настройки → «Правила для платежей с карт»); they are kept as a
JSON list in the setting `money.card_payer_rules`. No setting means the defaults below: the largest
Russian banks by INN, each with the wordings their statements commonly use («Отправитель: …»,
«Плательщик: …», «Перевод … от …»). They are a starting point; a bank's actual wording may differ
and is what the rules are editable for.
"""
import json
import re
from dataclasses import asdict, dataclass

from app.domain import settings
from app.domain.enums import N_
from app.errors import ValidationFailed

SETTING = "money.card_payer_rules"
BANK_ACCOUNT_PREFIXES = ("301", "302", "303", "409", "474", "603", "706")

# A person's name: «Иванов Иван Иванович», «Иванов И. И.», «Иван Иванович И.», «ИВАНОВ ИВАН ИВАНОВИЧ».
_NAME = r"(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:\s+[А-ЯЁ](?:[а-яё]+|\.)){1,2}|[А-ЯЁ]{2,}(?:\s+[А-ЯЁ]{2,}){1,2})"
SENDER = r"(?:Отправитель|Плательщик|От кого|ФИО плательщика|ФИО отправителя)\s*[:\-]?\s*" + _NAME
TRANSFER_FROM = r"(?:[Пп]еревод|[Пп]ополнение|[Оо]плата|[Зз]ачисление)\b[^.;:]*?\s[Оо]т\s+" + _NAME

LARGEST_BANKS = [
    ("Сбербанк", "7707083893"), ("ВТБ", "7702070139"), ("Газпромбанк", "7744001497"), ("Альфа-Банк", "7728168971"),
    ("Т-Банк", "7710140679"), ("Россельхозбанк", "7725114488"), ("Совкомбанк", "4401116480"),
    ("Райффайзенбанк", "7744000302"), ("ПСБ", "7744000126"), ("Почта Банк", "3232005484"),
]


@dataclass(frozen=True)
class Rule:
    bank: str
    inn: str  # the bank's INN; blank: the rule applies to any bank payer
    pattern: str  # a regular expression with a group named `name`


DEFAULT_RULES = [Rule(bank, inn, pattern) for bank, inn in LARGEST_BANKS for pattern in (SENDER, TRANSFER_FROM)]


def check(rules):
    """Each rule: a bank name, an INN of 10 digits or none, a pattern that compiles and has a `name` group."""
    errors = {}
    for n, rule in enumerate(rules, 1):
        where = N_("Правило %(n)s: ") % {"n": n}
        if not rule.bank.strip():
            errors.setdefault("bank", []).append(where + N_("укажите банк"))
        if rule.inn and not (rule.inn.isdigit() and len(rule.inn) == 10):
            errors.setdefault("inn", []).append(where + N_("ИНН банка — 10 цифр (или пусто: любой банк)"))
        try:
            if "name" not in re.compile(rule.pattern).groupindex:
                errors.setdefault("pattern", []).append(where + N_("в шаблоне нет группы (?P<name>…) для имени"))
        except re.error as error:
            errors.setdefault("pattern", []).append(where + N_("шаблон не разбирается: ") + str(error))
    if errors:
        raise ValidationFailed(errors)
    return rules


def load(session):
    """The rules in force: the saved ones, or the defaults when none were saved."""
    saved = settings.get(session, SETTING)
    if saved is None:
        return list(DEFAULT_RULES)
    return [Rule(str(r.get("bank", "")), str(r.get("inn", "")), str(r.get("pattern", ""))) for r in json.loads(saved)]


def save(session, rules):
    check(rules)
    settings.put(session, SETTING, json.dumps([asdict(rule) for rule in rules], ensure_ascii=False))


def reset(session):
    """Back to the defaults."""
    settings.put(session, SETTING, None)


class Recogniser:
    """The rules compiled once for a whole import."""

    def __init__(self, rules):
        self.rules = [(rule, re.compile(rule.pattern)) for rule in rules]
        self.bank_inns = {rule.inn for rule in rules if rule.inn}

    def is_bank(self, inn, account):
        return bool(inn and inn in self.bank_inns) or bool(account and account.startswith(BANK_ACCOUNT_PREFIXES))

    def person(self, inn, purpose):
        """(name, the rule's bank) read from the purpose, or (None, None)."""
        for rule, pattern in self.rules:
            if rule.inn and rule.inn != inn:
                continue
            found = pattern.search(purpose or "")
            if found:
                return " ".join(found.group("name").split()), rule.bank
        return None, None

