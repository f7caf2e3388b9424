"""The onboarding import's bulk planning (`schedule.plan_new`, written past the ORM) plans exactly
the documents and lines `schedule.rebuild` plans for the same terms, column by column."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain import schedule
from app.domain.enums import BillingPeriod, ContractStatus, InvoicedPeriod, VatMode
from app.models import AuditEntry, ContractService
from app.timeutil import today
from tests import factories

D = Decimal
SKIPPED = {"id", "contract_id", "invoice_id", "act_id", "executor_id", "customer_id", "created_at", "updated_at"}

TERMS = [
    dict(monthly_rent=D("29000.00"), vat_mode=VatMode.NONE.value, vat_rate=D("0")),
    dict(monthly_rent=D("41333.33"), vat_mode=VatMode.ON_TOP.value, vat_rate=D("0.2"), deposit_amount=D("82666.66")),
    dict(monthly_rent=D("15000.00"), vat_mode=VatMode.INCLUDED.value, vat_rate=D("0.22"), invoiced_period=InvoicedPeriod.CURRENT.value,
         invoice_day=10, payment_term_days=0),
    dict(monthly_rent=D("12345.67"), billing_period=BillingPeriod.FROM_START.value, invoiced_period=InvoicedPeriod.PREVIOUS.value,
         start_shift=17, end_date=None, services=[("Парковка", D("3500.00")), ("Коммунальные", D("1234.56"))]),
    dict(monthly_rent=D("20000.00"), status=ContractStatus.REGISTERED.value, start_shift=-45, end_shift=400),
    dict(monthly_rent=D("20000.00"), status=ContractStatus.DRAFT.value),  # inactive: nothing planned
]


def _contract(session, terms):
    terms = dict(terms)
    services = terms.pop("services", ())
    start = today().replace(day=1) + timedelta(days=terms.pop("start_shift", 0))
    end = start + timedelta(days=terms.pop("end_shift", 200))
    values = dict(date=start - timedelta(days=5), start_date=start, end_date=end)
    values.update(terms)
    created = factories.contract(session, **values)
    for name, amount in services:
        created.services.append(ContractService(name=name, monthly_amount=amount))
    session.flush()
    return created


def _rows(session, contract):
    documents = []
    for doc, model in schedule.MODELS.items():
        line_model, parent = schedule.LINE_MODELS[doc]
        for document in session.scalars(select(model).where(model.contract_id == contract.id).order_by(model.period_start, model.kind)):
            assert (document.executor_id, document.customer_id) == (contract.executor_id, contract.customer_id)
            columns = {c.key: getattr(document, c.key) for c in model.__table__.columns if c.key not in SKIPPED}
            lines = [{c.key: getattr(line, c.key) for c in line_model.__table__.columns if c.key not in SKIPPED} for line in document.lines]
            documents.append((doc, columns, lines))
    return documents


def test_plan_new_writes_what_rebuild_plans(session):
    day = today()
    rebuilt = [_contract(session, terms) for terms in TERMS]
    for contract in rebuilt:
        schedule.rebuild(session, contract, day)
    bulk = [_contract(session, dict(terms, number=old.number)) for terms, old in zip(TERMS, rebuilt)]  # other parties: the same number
    audit_before = session.query(AuditEntry).count()
    planned = schedule.plan_new(session, bulk, day)
    session.expire_all()
    assert planned == sum(len(_rows(session, contract)) for contract in rebuilt) > 0
    for old, new in zip(rebuilt, bulk):
        assert _rows(session, new) == _rows(session, old), old.number
    assert _rows(session, bulk[-1]) == []
    assert session.query(AuditEntry).count() == audit_before  # the schedule's plans have no entries of their own
