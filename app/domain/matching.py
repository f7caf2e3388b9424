"""Which invoice an incoming payment pays: the auto-allocation rule of SPEC §1.6, and the
suggestions shown for manual allocation.

Auto-allocation: the payer is the invoice's customer and the recipient its executor (same INN,
and the same KPP where both sides have one), and the amount equals the invoice's amount. Among
several such invoices the one whose number the purpose names wins; still several (or none
named): nothing is allocated. Only issued, wholly unpaid invoices qualify — never a cancelled,
planned or (partly) paid one — and within one import an invoice is taken once.
"""
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from app import bulk
from app.domain.enums import N_, InvoiceStatus
from app.models import Counterparty, Invoice

# Reasons an operation stays not allocated (shown on the import's result page).
NO_INVOICE = N_("нет выставленного неоплаченного счёта этого заказчика на эту сумму")
AMBIGUOUS = N_("подходят несколько счетов, а назначение платежа не называет ровно один из них:")
PAYER_IS_BANK = N_("плательщик — банк (оплата картой физлица): уточните плательщика и разнесите вручную")

_LATIN_TWINS = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")  # letters people type in Latin for Cyrillic
_NUMBER_TOKEN = re.compile(r"[0-9A-ZА-ЯЁ]+(?:[-/][0-9A-ZА-ЯЁ]+)*")
_NUMBER = re.compile(r"([A-ZА-Я]*)[-/ ]?(\d+)")  # an invoice number: a letter prefix and digits
_MENTION = re.compile(r"(?<![0-9A-ZА-Я])([A-ZА-Я]{0,6})[-/ ]?(\d+)(?!\d)")
_ALONE = re.compile(r"(?<![-/0-9A-ZА-Я])(\d+)(?!\d)")  # digits on their own, for plain numbers («57»)
_AFTER_SIGN = re.compile(r"(?:№|N|#)\s*(\d+)(?!\d)")


def _normal(text):
    return (text or "").upper().replace("Ё", "Е").translate(_LATIN_TWINS)


def kpp_agrees(kpp, party_kpp):
    """KPPs compare only where both sides have one."""
    return not kpp or not party_kpp or kpp == party_kpp


def number_named(number, purpose):
    """Does the purpose name the invoice number? As a whole token («А-57», also «А57», «А 57»), or its
    digits right after «№»/«N» («счёт № 57» for А-57); «157» and «2057» do not name 57."""
    number = _normal(number).strip()
    parts = _NUMBER.fullmatch(number)
    if parts is None:  # a number of another shape: look for it as a whole word
        return bool(number) and re.search(rf"(?<![0-9A-ZА-Я]){re.escape(number)}(?![0-9A-ZА-Я])", _normal(purpose)) is not None
    named, after_sign = _mentions(_normal(purpose))
    return parts.groups() in named or parts.group(2) in after_sign


@lru_cache(maxsize=1024)
def _mentions(text):
    """(prefix, digits) pairs written in a purpose, and the digits written after «№»/«N»/«#»."""
    return set(_MENTION.findall(text)) | {("", d) for d in _ALONE.findall(text)}, set(_AFTER_SIGN.findall(text))


@dataclass(slots=True)
class Candidate:
    invoice_id: int
    number: str
    customer_kpp: str
    executor_kpp: str


def choose(candidates, payer_kpp, recipient_kpp, purpose):
    """The rule itself over the invoices with the right INNs and amount: (candidate or None, reason)."""
    fitting = [c for c in candidates if kpp_agrees(payer_kpp, c.customer_kpp) and kpp_agrees(recipient_kpp, c.executor_kpp)]
    if len(fitting) == 1:
        return fitting[0], None
    if not fitting:
        return None, NO_INVOICE
    named = [c for c in fitting if number_named(c.number, purpose)]
    if len(named) == 1:
        return named[0], None
    return None, AMBIGUOUS + " " + ", ".join(c.number or "—" for c in fitting)


class AutoAllocation:
    """The open invoices some payments may pay, loaded at once for them (the loader's: one batch of an import):
    those of their payers' INNs and, unless more than bulk.CHUNK (a 1C XML file is one batch), of their amounts:
    no other is ever looked up."""

    def __init__(self, session, payer_inns, amounts):
        customer, executor = aliased(Counterparty), aliased(Counterparty)
        self.open = defaultdict(list)  # (customer INN, executor INN, amount) -> [Candidate]
        one = {}.setdefault  # one string per INN and KPP: tens of thousands of invoices share a few
        amounts = sorted(set(amounts))
        of_amounts = [bulk.any_of(session, Invoice.amount, amounts)] if len(amounts) <= bulk.CHUNK else []
        for clause in bulk.where_in(session, customer.inn, (inn for inn in payer_inns if inn)):
            query = (
                select(Invoice.id, Invoice.number, Invoice.amount, customer.inn, customer.kpp, executor.inn, executor.kpp)
                .join(customer, customer.id == Invoice.customer_id)
                .join(executor, executor.id == Invoice.executor_id)
                .where(Invoice.status == InvoiceStatus.ISSUED.value, Invoice.paid_amount == 0, Invoice.amount > 0, clause,
                       *of_amounts)
                .order_by(Invoice.id)
            )
            for invoice_id, number, amount, c_inn, c_kpp, e_inn, e_kpp in session.execute(query.execution_options(yield_per=5000)):
                c_kpp, e_kpp = c_kpp or "", e_kpp or ""
                self.open[(one(c_inn, c_inn), one(e_inn, e_inn), amount)].append(
                    Candidate(invoice_id, number or "", one(c_kpp, c_kpp), one(e_kpp, e_kpp)))

    def match(self, payer_inn, payer_kpp, recipient_inn, recipient_kpp, amount, purpose):
        """(invoice id or None, reason); a chosen invoice is not offered to a later payment."""
        candidates = self.open.get((payer_inn, recipient_inn, Decimal(amount)), []) if payer_inn and recipient_inn else []
        chosen, reason = choose(candidates, payer_kpp, recipient_kpp, purpose)
        if chosen is None:
            return None, reason
        candidates.remove(chosen)
        return chosen.invoice_id, None


@dataclass(slots=True)
class Suggestion:
    invoice: Invoice
    left: Decimal  # what the invoice still lacks
    amount: Decimal  # what to allocate by default: as much as both sides allow
    named: bool  # the purpose names its number
    fits: bool  # the operation's remainder covers it


def suggestions(session, payment, limit=30):
    """Invoices an operation may pay, best first: issued, not fully paid, of the payer's customer
    (by INN and KPP; for a bank payer or a payer without INN, by name), or named in its purpose."""
    left = payment.amount - payment.allocated_amount
    customers = select(Counterparty.id).where(Counterparty.is_customer)
    if payment.payer_inn and not payment.payer_is_bank:
        customers = customers.where(Counterparty.inn == payment.payer_inn)
        if payment.payer_kpp:
            customers = customers.where(or_(Counterparty.kpp.is_(None), Counterparty.kpp == "", Counterparty.kpp == payment.payer_kpp))
    else:
        customers = customers.where(Counterparty.name == (payment.payer_name or "").strip())
    numbers = _numbers_in(session, payment.purpose)
    open_invoice = and_(Invoice.status == InvoiceStatus.ISSUED.value, Invoice.paid_amount < Invoice.amount)
    query = (
        select(Invoice)
        .where(open_invoice, or_(Invoice.customer_id.in_(customers), Invoice.number.in_(numbers)))
        .order_by(Invoice.due_date, Invoice.id)
        .limit(500)
    )
    found = []
    for invoice in session.scalars(query):
        rest = invoice.amount - invoice.paid_amount
        found.append(Suggestion(invoice, rest, min(rest, left), number_named(invoice.number, payment.purpose), rest <= left))
    found.sort(key=lambda s: (not s.named, s.left != left, not s.fits))
    return found[:limit]


def _numbers_in(session, purpose):
    """Invoice numbers the purpose might mean: its tokens, and each executor's prefix before their digits."""
    text = (purpose or "").upper()
    tokens = {t for t in _NUMBER_TOKEN.findall(text) + _NUMBER_TOKEN.findall(_normal(text)) if any(ch.isdigit() for ch in t)}
    if not tokens:
        return []
    prefixes = {p for p in session.scalars(select(Counterparty.doc_prefix).where(Counterparty.is_executor)) if p}
    digits = {t for t in tokens if t.isdigit()}
    return sorted(tokens | {p + d for p in prefixes for d in digits})[:200]
