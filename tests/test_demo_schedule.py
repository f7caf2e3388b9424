"""Demo data stands on the schedule: what `demo load` and `demo generate` write is what the
schedule plans, and the nightly job finds nothing left to issue for today."""
from datetime import date

from sqlalchemy import func, select

from app.demo import generate, load
from app.domain import schedule
from app.domain.enums import ACTIVE_CONTRACT
from app.jobs.nightly import nightly
from app.models import Act, Contract, Invoice, Payment

TODAY = date(2026, 3, 10)


def plans(session):
    return sorted(
        (model.__tablename__, d.contract_id, d.period_start, d.period_end, d.planned_date, d.amount, d.vat_amount)
        for model in (Invoice, Act) for d in session.scalars(select(model).where(model.status == "planned"))
    )


def assert_schedules_stand(session):
    before = plans(session)
    for contract in session.scalars(select(Contract).where(Contract.status.in_(ACTIVE_CONTRACT))).all():
        counts = schedule.rebuild(session, contract, TODAY)
        assert (counts["created"], counts["removed"]) == (0, 0), contract.number
    assert plans(session) == before
    issued = nightly(session, TODAY)["issued"]
    assert (issued["invoices"], issued["acts"], issued["failed"]) == (0, 0, [])


def test_generated_data_is_what_the_schedule_plans(session):
    summary = generate.generate(session, 40, TODAY, seed=3)
    session.commit()
    assert summary["invoices"] == session.scalar(select(func.count(Invoice.id)))
    assert session.scalar(select(func.count(Invoice.id)).where(Invoice.status == "planned")) > 0
    assert_schedules_stand(session)


def test_demo_load_issues_through_the_schedule_and_stays_idempotent(app, session):
    result = load.load(session, app.appbuilder.sm, TODAY)
    session.commit()
    assert result["loaded"] and result["invoices"] > 100 and result["payments"] > 50
    assert session.scalar(select(func.count(Payment.id)).where(Payment.allocated_amount < Payment.amount)) >= 3
    numbers = session.scalars(select(Invoice.number).where(Invoice.executor_id == select(Invoice.executor_id).limit(1).scalar_subquery(),
                                                           Invoice.number.is_not(None))).all()
    assert len(numbers) == len(set(numbers))
    assert_schedules_stand(session)
    assert load.load(session, app.appbuilder.sm, TODAY) == {"loaded": False, "reason": "demo data is already loaded"}
