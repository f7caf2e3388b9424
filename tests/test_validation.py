"""Requisite and field rules: INN, KPP, OGRN, BIK, account key, e-mails, dates, areas."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.domain import validation as v
from app.errors import ValidationFailed


def rec(**fields):
    return SimpleNamespace(**fields)


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
def test_valid_inn(inn):
    assert v.inn(inn, rec()) is None


@pytest.mark.parametrize("inn", ["7707083894", "500100732250", "123", "77070838930", "abcdefghij"])
def test_invalid_inn(inn):
    assert v.inn(inn, rec()) is not None


def test_inn_length_follows_party_kind():
    assert "10 цифр" in v.inn("500100732259", rec(kind="legal"))
    assert "12 цифр" in v.inn("7707083893", rec(kind="sole"))


def test_kpp_rules():
    assert v.kpp("773601001", rec(kind="legal")) is None
    assert v.kpp("7736AB001", rec(kind="legal")) is None
    assert v.kpp("77360100", rec(kind="legal")) is not None
    assert v.kpp("773601001", rec(kind="sole")) is not None


def test_ogrn_checksum():
    assert v.ogrn("1027700132195", rec()) is None  # Sberbank
    assert v.ogrn("1027700132196", rec()) is not None


def test_bik_and_account_key():
    assert v.bik("044525225", rec()) is None
    assert v.bik("04452522", rec()) is not None
    good = v.with_account_key("40702810400000000001", "044525225")
    assert v.account(good, rec(bik="044525225")) is None
    bad = good[:8] + str((int(good[8]) + 1) % 10) + good[9:]
    assert "БИК" in v.account(bad, rec(bik="044525225"))
    assert v.account("4070281", rec(bik="044525225")) == "Номер счёта — 20 цифр"


def test_correspondent_account_of_a_real_bank():
    assert v.corr_account("30101810400000000225", rec(bik="044525225")) is None
    assert v.corr_account("30101810400000000226", rec(bik="044525225")) is not None


def test_email_list():
    assert v.split_emails("a@x.ru, b@y.ru\nc@z.ru") == ["a@x.ru", "b@y.ru", "c@z.ru"]
    assert v.email_list("a@x.ru; nonsense", rec()) is not None


def test_contract_dates_and_numbers_collected_in_one_error():
    contract = rec(start_date=date(2026, 3, 1), end_date=date(2026, 2, 1), monthly_rent=Decimal("-1"), deposit_amount=None,
                   notify_days_before_end=30, payment_term_days=5, invoice_day=40, payment_day=None, vat_rate=Decimal("0.2"))
    with pytest.raises(ValidationFailed) as error:
        v.check("contract", contract)
    assert set(error.value.errors) == {"end_date", "monthly_rent", "invoice_day"}


def test_area_must_be_positive():
    assert v.errors_for("room", rec(area=Decimal("0"), rent_rate=Decimal("1"))) == {"area": ["Значение должно быть больше нуля"]}
