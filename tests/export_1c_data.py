"""A realistic month for the 1C export tests: one executor with customers of each kind, VAT
and no-VAT contracts, extra services, VAT invoices, a cancelled act; and another executor's
documents that must never leave with the first one's."""
from datetime import date
from decimal import Decimal

from app.domain.enums import ActStatus, InvoiceStatus, PartyKind, VatInvoiceStatus, VatMode
from app.domain.vat import with_vat
from app.models import ActLine, BankAccount, ContractService, InvoiceLine, VatInvoice
from tests import factories

START, END = date(2026, 3, 1), date(2026, 3, 31)


def _lines(model, items, mode, rate):
    lines, total, total_vat = [], Decimal("0.00"), Decimal("0.00")
    for position, (name, net) in enumerate(items, start=1):
        amount, vat = with_vat(Decimal(net), mode, rate)
        lines.append(model(position=position, name=name, amount=amount, vat_amount=vat))
        total, total_vat = total + amount, total_vat + vat
    return lines, total, total_vat


def documents(session, contract, items, number, act_status=ActStatus.SIGNED.value, vat_invoice=True):
    """An invoice and an act of March 2026 on `contract` with lines `items` [(name, net)]."""
    mode, rate = contract.vat_mode, contract.vat_rate
    lines, total, vat = _lines(InvoiceLine, items, mode, rate)
    invoice = factories.invoice(session, contract, number=f"{number}-С", date=date(2026, 3, 1), period_start=START,
                                period_end=END, amount=total, vat_amount=vat, lines=lines)
    lines, total, vat = _lines(ActLine, items, mode, rate)
    act = factories.act(session, contract, number=f"{number}-А", date=END, period_start=START, period_end=END,
                        amount=total, vat_amount=vat, lines=lines, status=act_status)
    if vat_invoice:
        cancelled = act_status == ActStatus.CANCELLED.value
        session.add(VatInvoice(act=act, executor_id=act.executor_id, customer_id=act.customer_id, number=act.number,
                               date=act.date, amount=act.amount, vat_amount=act.vat_amount,
                               status=VatInvoiceStatus.CANCELLED.value if cancelled else VatInvoiceStatus.ISSUED.value))
    session.flush()
    return invoice, act


def month(session):
    executor = factories.executor(session, name="ООО «Бизнес-центр»", full_name="Общество с ограниченной "
                                  "ответственностью «Бизнес-центр»", inn="7701234567", kpp="770101001", ogrn="1027700000000")
    legal = factories.customer(session, name="ООО «Арендатор»", inn="7709876543", kpp="770901001")
    legal.bank_accounts.append(BankAccount(account="40702810900000000001", bik="044525225", bank_name="ПАО Сбербанк",
                                           corr_account="30101810400000000225"))
    sole = factories.customer(session, kind=PartyKind.SOLE.value, name="ИП Петров Пётр Петрович", inn="500100732259",
                              kpp=None)
    person = factories.customer(session, kind=PartyKind.PERSON.value, name="Иванова Анна Сергеевна", inn=None, kpp=None,
                                phone="+7 900 000-00-00")
    on_top = factories.contract(session, executor=executor, customer=legal, number="А-15", vat_mode=VatMode.ON_TOP.value,
                                vat_rate=Decimal("0.2200"))
    on_top.services.append(ContractService(name="Парковка", monthly_amount=Decimal("5000.00")))
    included = factories.contract(session, executor=executor, customer=sole, number="А-16",
                                  vat_mode=VatMode.INCLUDED.value, vat_rate=Decimal("0.1000"))
    no_vat = factories.contract(session, executor=executor, customer=person, number="А-17", vat_mode=VatMode.NONE.value,
                                vat_rate=Decimal("0"))
    session.flush()
    docs = {
        "on_top": documents(session, on_top, [("Арендная плата за март 2026 г.", "100000.00"),
                                              ("Парковка за март 2026 г.", "5000.00")], "А-1"),
        "included": documents(session, included, [("Арендная плата за март 2026 г.", "55000.00")], "А-2"),
        "no_vat": documents(session, no_vat, [("Арендная плата за март 2026 г.", "30000.00")], "А-3", vat_invoice=False),
        "cancelled": documents(session, on_top, [("Компенсация коммунальных услуг", "1200.00")], "А-4",
                               act_status=ActStatus.CANCELLED.value),
    }
    docs["cancelled"][0].status = InvoiceStatus.CANCELLED.value
    other = factories.contract(session, number="Б-1")  # another executor's
    docs["other"] = documents(session, other, [("Арендная плата за март 2026 г.", "77777.00")], "Б-1")
    session.commit()
    return executor, docs
