"""Accounting history cannot be deleted (SPEC §1.5): what an issued or cancelled document, an
allocated payment, a contract with issued documents, a counterparty with contracts or
documents, and a bank account with operations hold. `why_kept()` says why an object cannot be
deleted, or None; the admin and REST delete hooks (app.hooks.history) both ask it.

What counts as issued is app.domain.issuing (`is_issued`, `is_planned`): a planned
document is no history (the schedule's own plans are refused elsewhere, because the rebuild
would plan them again; a one-off plan may go)."""
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from app.domain import issuing
from app.domain.issuing import is_issued
from app.domain.enums import N_, VatInvoiceStatus
from app.models import Act, Allocation, BankAccount, Contract, Counterparty, Invoice, Payment, VatInvoice

SHOWN = 3  # holders named in a message; the rest are counted


@dataclass(frozen=True)
class Reason:
    """A Russian msgid with %(name)s placeholders and their values (translated by the caller)."""

    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        return self.msgid % self.params


def _name(document):
    if document.number:
        return document.number
    return f"за {document.period_start:%d.%m.%Y}–{document.period_end:%d.%m.%Y}"


def _listed(names, total):
    names = list(names)[:SHOWN]
    return ", ".join(names) + (f" и ещё {total - len(names)}" if total > len(names) else "")


def _document(session, document):
    if issuing.is_planned(document):
        return None
    params = {"number": _name(document)}
    if isinstance(document, Act):
        if is_issued(document):
            return Reason(N_("Акт %(number)s выставлен: его нельзя удалить, только отменить"), params)
        return Reason(N_("Акт %(number)s отменён: он остаётся в истории, удалить его нельзя"), params)
    if is_issued(document):
        return Reason(N_("Счёт %(number)s выставлен: его нельзя удалить, только отменить"), params)
    return Reason(N_("Счёт %(number)s отменён: он остаётся в истории, удалить его нельзя"), params)


def _vat_invoice(session, vat_invoice):
    params = {"number": vat_invoice.number}
    if vat_invoice.status == VatInvoiceStatus.CANCELLED.value:
        return Reason(N_("Счёт-фактура %(number)s отменён: он остаётся в истории, удалить его нельзя"), params)
    return Reason(N_("Счёт-фактура %(number)s выставлен: его нельзя удалить, только отменить вместе с актом"), params)


def _payment(session, payment):
    if not payment.allocated_amount:  # the sum of its allocations (app.domain.allocation keeps it)
        return None
    numbers = session.scalars(
        select(Invoice.number).join(Allocation, Allocation.invoice_id == Invoice.id)
        .where(Allocation.payment_id == payment.id).order_by(Invoice.id)
    ).all()
    return Reason(
        N_("Операция %(payment)s разнесена по счетам (%(invoices)s): удалить её нельзя, сначала отмените разноску"),
        {"payment": str(payment), "invoices": _listed(numbers, len(numbers))},
    )


def _held_documents(session, where):
    """Names ("счёт А-12", "акт А-12") and the count of the invoices and acts matching `where(doc, model)`."""
    names, total = [], 0
    for doc, model in issuing.MODELS.items():
        condition = where(doc, model)
        total += session.scalar(select(func.count()).select_from(model).where(condition))
        kind = "счёт" if doc == issuing.INVOICE else "акт"
        names += [f"{kind} {_name(d)}" for d in session.scalars(select(model).where(condition).order_by(model.id).limit(SHOWN))]
    return names, total


def _contract(session, contract):
    names, total = _held_documents(
        session, lambda doc, model: (model.contract_id == contract.id) & ~issuing.planned(doc)
    )
    if not total:
        return None
    return Reason(
        N_("По договору %(contract)s есть выставленные документы (%(documents)s): его нельзя удалить, только расторгнуть"),
        {"contract": str(contract), "documents": _listed(names, total)},
    )


def _counterparty(session, party):
    contracts = session.scalars(
        select(Contract).where(or_(Contract.executor_id == party.id, Contract.customer_id == party.id)).order_by(Contract.id)
    ).all()
    if contracts:
        return Reason(
            N_("У контрагента %(party)s есть договоры (%(contracts)s): удалить его нельзя"),
            {"party": party.name, "contracts": _listed((str(c) for c in contracts), len(contracts))},
        )
    # A document keeps the parties it was made for, even after its contract changed executor or customer
    # (a VAT invoice's are its act's).
    names, total = _held_documents(session, lambda doc, model: or_(model.executor_id == party.id, model.customer_id == party.id))
    if total:
        return Reason(
            N_("У контрагента %(party)s есть документы (%(documents)s): удалить его нельзя"),
            {"party": party.name, "documents": _listed(names, total)},
        )
    for account in party.bank_accounts:
        reason = _bank_account(session, account)
        if reason is not None:
            return reason
    return None


def _bank_account(session, account):
    operations = session.scalar(
        select(func.count()).select_from(Payment)
        .where(or_(Payment.payer_account == account.account, Payment.recipient_account == account.account))
    )
    if not operations:
        return None
    return Reason(
        N_("По счёту %(account)s есть денежные операции (%(count)s): удалить его нельзя"),
        {"account": account.account, "count": operations},
    )


RULES = {
    Invoice: _document,
    Act: _document,
    VatInvoice: _vat_invoice,
    Payment: _payment,
    Contract: _contract,
    Counterparty: _counterparty,
    BankAccount: _bank_account,
}


def why_kept(session, item):
    """Why `item` is accounting history that cannot be deleted (a Reason), or None."""
    rule = RULES.get(type(item))
    return None if rule is None else rule(session, item)


def kept_ids(session, model, ids):
    """Those of `ids` (rows of `model`) that why_kept() refuses to delete, in a few queries for a
    whole list page rather than one check per row (the list shows no delete button on them)."""
    ids = list(ids)
    if not ids or model not in RULES:
        return set()
    if model is VatInvoice:
        return set(ids)
    for doc, document in issuing.MODELS.items():
        if model is document:
            return set(session.scalars(select(model.id).where(model.id.in_(ids), ~issuing.planned(doc))))
    if model is Payment:
        return set(session.scalars(select(Payment.id).where(Payment.id.in_(ids), Payment.allocated_amount > 0)))
    if model is BankAccount:
        return _used_accounts(session, ids)
    if model is Contract:
        return {
            contract_id
            for doc, document in issuing.MODELS.items()
            for contract_id in session.scalars(
                select(document.contract_id).where(document.contract_id.in_(ids), ~issuing.planned(doc)).distinct()
            )
        }
    return _holding_parties(session, ids)


def _used_accounts(session, ids):
    numbers = dict(session.execute(select(BankAccount.account, BankAccount.id).where(BankAccount.id.in_(ids))).all())
    used = session.scalars(select(Payment.payer_account).where(Payment.payer_account.in_(numbers)).union(
        select(Payment.recipient_account).where(Payment.recipient_account.in_(numbers))))
    return {numbers[number] for number in used}


def _holding_parties(session, ids):
    """Counterparties with contracts, documents (as executor or customer) or used bank accounts."""
    held = set()
    for sides in ((Contract.executor_id, Contract.customer_id),) + tuple(
        (document.executor_id, document.customer_id) for document in issuing.MODELS.values()
    ):
        for side in sides:
            held.update(session.scalars(select(side).where(side.in_(ids)).distinct()))
    accounts = dict(session.execute(select(BankAccount.id, BankAccount.counterparty_id).where(BankAccount.counterparty_id.in_(ids))).all())
    held.update(accounts[account_id] for account_id in _used_accounts(session, accounts))
    return held
