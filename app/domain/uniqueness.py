"""What must be unique, checked before the database refuses it, so the user is told which record
is already there: a counterparty's INN+KPP (an INN without KPP once among the cards without
KPP), a contract's number per executor. The database holds the same invariants
(`uq_counterparty_inn_kpp`, `uq_contract_executor_number`).

A rule is `rule(session, record, own_id) -> Clash | None`; `record` gives the fields being saved
by attribute, `own_id` is the id of the row being edited (None for a new one), so that saving a
card unchanged never collides with itself. `RULES` lists them per entity and field; the admin
forms (errors next to the field, with a link to the existing card) and the REST API (422 by
field, with the existing id) both run them.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.domain.enums import N_
from app.models import Contract, Counterparty


@dataclass(frozen=True)
class Clash:
    message: str  # a msgid with %(name)s-style placeholders filled from `params`
    params: dict = field(default_factory=dict)
    existing: object = None  # the record already there

    @property
    def existing_id(self):
        return self.existing.id


def _text(value):
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _first(session, model, own_id, *conditions):
    query = select(model).where(*conditions)
    if own_id is not None:
        query = query.where(model.id != int(own_id))
    with session.no_autoflush:  # the row being saved is not flushed (the database would refuse it)
        return session.scalars(query.limit(1)).first()


def counterparty_inn_kpp(session, record, own_id=None):
    inn, kpp = _text(getattr(record, "inn", None)), _text(getattr(record, "kpp", None))
    if not inn:
        return None
    other = _first(session, Counterparty, own_id, Counterparty.inn == inn, func.coalesce(Counterparty.kpp, "") == kpp)
    if other is None:
        return None
    if kpp:
        return Clash(N_("Контрагент с ИНН %(inn)s и КПП %(kpp)s уже есть: %(name)s"), dict(inn=inn, kpp=kpp, name=other.name), other)
    return Clash(N_("Контрагент с ИНН %(inn)s без КПП уже есть: %(name)s"), dict(inn=inn, name=other.name), other)


def contract_number(session, record, own_id=None):
    number = _text(getattr(record, "number", None))
    executor = getattr(record, "executor", None)
    executor_id = executor.id if executor is not None else getattr(record, "executor_id", None)
    if not number or executor_id is None:
        return None
    other = _first(session, Contract, own_id, Contract.executor_id == executor_id, Contract.number == number)
    if other is None:
        return None
    return Clash(
        N_("У исполнителя %(executor)s уже есть договор № %(number)s: %(name)s"),
        dict(executor=other.executor.name, number=number, name=f"{other} ({other.customer.name})"),
        other,
    )


RULES = {
    "counterparty": {"inn": counterparty_inn_kpp},
    "contract": {"number": contract_number},
}


def clashes(session, entity, record, own_id=None):
    """{field: Clash} for every uniqueness the record would break (empty when none)."""
    found = {}
    for name, rule in RULES.get(entity, {}).items():
        clash = rule(session, record, own_id)
        if clash is not None:
            found[name] = clash
    return found
