"""`flask money import FILE [--format]`: one JSON object, or a clear message and a non-zero exit."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.models import ImportBatch, Payment
from tests import factories
from tests.statements import document, statement

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["money", "import", *map(str, args)])


def test_import_prints_the_four_numbers(app, session, tmp_path):
    executor, tenant = factories.executor(session), factories.customer(session)
    factories.invoice(session, factories.contract(session, executor=executor, customer=tenant), amount=Decimal("1000.00"))
    session.commit()
    ours = dict(name=executor.name, inn=executor.inn, kpp=executor.kpp, account=executor.bank_accounts[0].account, bik="044525225")
    theirs = dict(name=tenant.name, inn=tenant.inn, kpp=tenant.kpp, account="40702810400000004583", bik="044525593")
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(statement([document(1, date(2026, 2, 3), "1000.00", theirs, ours, "Аренда"),
                                document(2, date(2026, 2, 3), "5.00", theirs, ours, "Пени")]))

    first, again = run(app, path), run(app, path)

    assert first.exit_code == 0 and again.exit_code == 0
    assert json.loads(first.stdout) == {"imported": 2, "duplicates": 0, "allocated": 1, "not_allocated": 1}
    assert json.loads(again.stdout) == {"imported": 0, "duplicates": 2, "allocated": 0, "not_allocated": 0}


def test_format_option(app, session):
    factories.executor_with_accounts(session, "40702810938000012345")  # the organisation's account in money.xml
    session.commit()
    result = run(app, FIXTURES / "v8_xml" / "money.xml", "--format", "v8-xml")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 5


def test_a_bad_file_exits_non_zero_with_the_reason_and_imports_nothing(app, session):
    result = run(app, FIXTURES / "client_bank" / "odin_palace__no_end_of_document.txt")

    assert result.exit_code == 1
    assert json.loads(result.stderr) == {"error": "odin_palace__no_end_of_document.txt: Строка 46: документ со строки 20 "
                                                  "не закончен строкой «КонецДокумента»."}
    assert session.scalar(select(func.count(Payment.id))) == 0
    assert json.loads(session.scalars(select(ImportBatch.report)).one())["errors"]  # the attempt is on record


def test_a_strangers_statement_exits_non_zero_naming_the_account_and_imports_nothing(app, session):
    factories.executor(session)  # ours, with another account
    session.commit()

    result = run(app, FIXTURES / "client_bank" / "kilylabs__one_day.txt")

    assert result.exit_code == 1
    assert json.loads(result.stderr)["error"].startswith(
        "kilylabs__one_day.txt: Строка 20: счёт выписки 40702810200000000001 не принадлежит ни одному из наших исполнителей")
    assert session.scalar(select(func.count(Payment.id))) == 0


def test_a_missing_file_and_a_wrong_format_name(app, session, tmp_path):
    missing = run(app, tmp_path / "nope.txt")
    wrong = run(app, FIXTURES / "v8_xml" / "money.xml", "--format", "csv")

    assert missing.exit_code == 1 and "Не удалось прочитать файл" in json.loads(missing.stderr)["error"]
    assert wrong.exit_code != 0 and "csv" in wrong.stderr
