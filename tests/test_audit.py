"""The audit log: one test per door (admin form, REST, CLI, the nightly job, a bank statement
import, amoCRM's webhook), old and new values, secrets never written, nothing left by a rollback,
no query per row, and the Owner's read-only list with its filters and export."""
import io
import json
from datetime import date, timedelta
from decimal import Decimal

from fakeredis import FakeStrictRedis
from rq import Queue
from sqlalchemy import event, select

from app.domain.enums import ContractStatus
from app.jobs.nightly import run_nightly
from app.models import AuditEntry, KeyRate, Setting
from app.permissions import ROLE_MANAGER, ROLE_OWNER, ROLE_VIEWER
from tests import factories
from tests.statements import document, statement
from tests.test_amocrm import PIPELINE, body, lead, post
from tests.test_amocrm import setup as amocrm_setup
from tests.test_nightly import billed_contract
from tests.test_schedule_admin import MONTH, form, signed_contract


def entries(session, **where):
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return session.scalars(query).all()


def changes(entry):
    return json.loads(entry.changes)


def test_admin_form_edit_logs_the_old_and_new_values_with_the_user(session, login_as):
    contract = signed_contract(session, monthly_rent=Decimal("30000.00"))
    session.query(AuditEntry).delete()
    session.commit()
    number = contract.number
    client = login_as(ROLE_MANAGER)

    response = client.post(f"/contractview/edit/{contract.id}", data=form(contract, monthly_rent="32000.50", number="Ф-2"))

    assert response.status_code == 302, response.text
    [entry] = entries(session, kind="contract")
    assert (entry.door, entry.action, entry.object_id, entry.user_name) == ("admin", "update", str(contract.id), "manager")
    assert entry.user.username == "manager"
    assert changes(entry)["monthly_rent"] == ["30000.00", "32000.50"]
    assert changes(entry)["number"] == [number, "Ф-2"]
    assert "updated_at" not in changes(entry)
    # The schedule's own planned rows, rebuilt from the new rent, get no entries of their own.
    assert entries(session, kind="invoice") == [] and entries(session, kind="act") == []


def test_rest_put_logs_the_change_as_the_apis(client, api_token, session):
    contract = factories.contract(session, status=ContractStatus.BOOKED.value, start_date=date(2026, 4, 1),
                                  end_date=date(2027, 2, 28))
    session.commit()
    created = entries(session, kind="contract", action="create")
    assert created and created[0].door == "cli"  # written by the test itself, outside any request
    assert changes(created[0])["status"] == [None, "booked"]

    response = client.put(f"/api/v1/contract/{contract.id}", json={"status": "signed"}, headers=api_token(ROLE_MANAGER))

    assert response.status_code == 200, response.json
    [entry] = entries(session, kind="contract", action="update")
    assert (entry.door, entry.user_name) == ("api", "manager")
    assert changes(entry)["status"] == ["booked", "signed"]


def test_cli_command_logs_the_settings_it_makes_without_their_secrets(app, session):
    result = app.test_cli_runner().invoke(args=["integrations", "urls"])

    assert result.exit_code == 0, result.output
    made = entries(session, kind="setting")
    tokens = session.scalars(select(Setting.value)).all()
    assert len(made) == len(tokens) == 4
    assert {(e.door, e.action, e.user_id) for e in made} == {("cli", "create", None)}
    assert {changes(e)["value"][1] for e in made} == {"***"}
    assert not any(token in e.changes for e in made for token in tokens)


def test_nightly_job_writes_one_batch_entry_per_kind_with_counts(session):
    landlord = factories.executor(session)
    billed_contract(session, executor=landlord), billed_contract(session, executor=landlord)
    session.commit()

    summary = Queue(is_async=False, connection=FakeStrictRedis()).enqueue(run_nightly, "2020-01-31").return_value()

    assert summary["issued"]["invoices"] == 4
    batches = entries(session, action="batch")
    assert {(e.kind, changes(e)["count"][1]) for e in batches} == {("invoice", 4), ("act", 2), ("vat_invoice", 2)}
    assert {(e.door, e.user_id) for e in batches} == {("job", None)}


def two_payments_one_matching(session):
    """A statement of two incoming payments, one of them paying an invoice in full."""
    executor, tenant = factories.executor(session), factories.customer(session)
    factories.invoice(session, factories.contract(session, executor=executor, customer=tenant), amount=Decimal("1000.00"))
    session.commit()
    ours = dict(name=executor.name, inn=executor.inn, kpp=executor.kpp, account=executor.bank_accounts[0].account, bik="044525225")
    theirs = dict(name=tenant.name, inn=tenant.inn, kpp=tenant.kpp, account="40702810400000004583", bik="044525593")
    return statement([document(1, date(2026, 2, 3), "1000.00", theirs, ours, "Аренда"),
                      document(2, date(2026, 2, 3), "5.00", theirs, ours, "Пени")])


IMPORTED = {("batch", "payment", 2), ("batch", "allocation", 1)}


def test_bank_import_from_the_cli_writes_a_batch_entry_of_operations_and_allocations(app, session, tmp_path):
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(two_payments_one_matching(session))

    result = app.test_cli_runner().invoke(args=["money", "import", str(path)])

    assert result.exit_code == 0, result.output
    imported = entries(session, door="import")
    assert {(e.action, e.kind, changes(e)["count"][1]) for e in imported} == IMPORTED
    assert {e.user_id for e in imported} == {None}


def test_bank_import_uploaded_in_the_admin_is_the_import_door_with_the_user(session, login_as):
    data = two_payments_one_matching(session)
    client = login_as(ROLE_MANAGER)

    response = client.post("/money/import/", data={"file": (io.BytesIO(data), "kl_to_1c.txt"), "format": "auto"},
                           content_type="multipart/form-data")

    assert response.status_code == 302
    imported = entries(session, door="import")
    assert {(e.action, e.kind, changes(e)["count"][1]) for e in imported} == IMPORTED
    assert {e.user_name for e in imported} == {"manager"}


def test_amocrm_webhook_logs_the_status_it_moved(client, session):
    token = amocrm_setup(session)
    contract = factories.contract(session, status=ContractStatus.ON_SIGNING.value, amocrm_lead_id=25399013,
                                  start_date=date(2026, 1, 1), end_date=date(2026, 11, 30), monthly_rent=100000)
    session.commit()

    assert post(client, token, body(lead(0, 25399013, 142, pipeline_id=PIPELINE))).status_code == 200

    [entry] = entries(session, kind="contract", action="update")
    assert (entry.door, entry.object_id, entry.user_id) == ("webhook", str(contract.id), None)
    assert changes(entry)["status"] == ["on_signing", "signed"]


def test_a_rolled_back_change_leaves_no_entry(session):
    contract = factories.contract(session)
    session.commit()
    before = len(entries(session))
    contract.monthly_rent = Decimal("99999.00")
    session.flush()
    assert len(entries(session)) == before + 1  # written at the flush, in the change's transaction
    session.rollback()
    assert len(entries(session)) == before


def test_staff_passwords_and_secret_columns_are_never_written(app, session):
    sm = app.appbuilder.sm
    user = factories.staff(sm, "audit_person", ROLE_VIEWER, "first-password-1")
    session.commit()
    [created] = entries(session, kind="staff", action="create", object_id=str(user.id))
    assert changes(created)["password"] == [None, "***"] and changes(created)["roles"] == [None, [ROLE_VIEWER]]
    user.roles = [sm.find_role(ROLE_MANAGER)]  # first: its queries flush what was set before them, an entry apart
    user.password = "hash-of-another-password"
    user.login_count = 7  # a counter, not a change worth an entry
    session.commit()
    [changed] = entries(session, kind="staff", action="update", object_id=str(user.id))
    assert changes(changed) == {"password": ["***", "***"], "roles": [[ROLE_VIEWER], [ROLE_MANAGER]]}
    contract = factories.contract(session)
    session.commit()
    assert "link_key" in changes(entries(session, kind="contract")[0])
    assert contract.link_key not in entries(session, kind="contract")[0].changes


def test_an_expired_row_changed_still_logs_its_old_value(session):
    contract = factories.contract(session, monthly_rent=Decimal("1000.00"))
    session.commit()  # expires every attribute
    contract.monthly_rent = Decimal("2000.00")
    session.commit()
    assert changes(entries(session, kind="contract", action="update")[0])["monthly_rent"] == ["1000.00", "2000.00"]


def test_the_hook_adds_one_insert_per_flush_and_no_query_per_row(session):
    contracts = [factories.contract(session) for _ in range(10)]
    session.commit()
    for contract in contracts:
        contract.comment  # loaded, as a form or REST call loads the row it edits
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement.split()[0])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        for n, contract in enumerate(contracts):
            contract.comment = f"Комментарий {n}"
        session.flush()
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert statements.count("INSERT") == 1  # all ten entries at once
    assert statements.count("SELECT") == 0
    session.commit()
    assert len(entries(session, kind="contract", action="update")) == 10


def test_owner_reads_filters_and_exports_the_log_others_cannot(session, login_as, app):
    contract = factories.contract(session)
    session.commit()
    contract.monthly_rent = Decimal("45000.00")
    session.commit()
    for role in (ROLE_MANAGER, ROLE_VIEWER):
        client = login_as(role)
        assert client.get("/auditview/list/").status_code == 403
        assert client.get("/auditview/export/xlsx").status_code == 403
    client = login_as(ROLE_OWNER)
    page = client.get("/auditview/list/").text
    assert "Журнал изменений" in page and "Договор" in page and "45 000,00" not in page and "45000.00" in page
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "AuditView")
    equal = next(i for i, f in enumerate(view._filters.get_search_filters()["action"]) if type(f).__name__ == "FilterEqual")
    page = client.get(f"/auditview/list/?_flt_{equal}_action=update").text
    assert "45000.00" in page and "Создание" not in page
    assert client.get(f"/auditview/edit/{entries(session)[0].id}").status_code == 404  # read-only: no edit, no delete
    assert client.post(f"/auditview/delete/{entries(session)[0].id}").status_code == 404
    export = client.get("/auditview/export/xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")


def test_planned_one_off_documents_are_logged_unlike_the_schedules_plans(session):
    contract = signed_contract(session)
    session.query(AuditEntry).delete()
    session.commit()
    factories.invoice(session, contract, status="planned", one_off=True, planned_date=MONTH + timedelta(days=3),
                      amount=Decimal("500.00"))
    session.commit()
    [entry] = entries(session, kind="invoice")
    assert entry.action == "create" and changes(entry)["amount"] == [None, "500.00"]


def test_a_row_deleted_in_the_admin_keeps_its_values_in_the_log(session, login_as):
    session.add(KeyRate(start_date=date(2026, 1, 1), rate=Decimal("16.5000")))
    session.commit()
    client = login_as(ROLE_OWNER)

    response = client.post("/keyrateview/delete/2026-01-01")

    assert response.status_code == 302
    assert session.get(KeyRate, date(2026, 1, 1)) is None
    [entry] = entries(session, kind="key_rate", action="delete")
    assert (entry.door, entry.object_id, entry.user_name) == ("admin", "2026-01-01", "owner")
    assert changes(entry) == {"rate": ["16.5000", None]}
