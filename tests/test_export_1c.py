"""Export to 1C in EnterpriseData (SPEC §2.2): what the message carries, checked against 1C's
own package turned into XML Schema (app.exports.xdto_schema)."""
from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree

from app.domain.vat import rate_of
from app.errors import DomainError
from app.exports import enterprise_data, xdto_schema
from tests import export_1c_data
from tests.export_1c_data import END, START

NS = {"ed": xdto_schema.ED, "msg": xdto_schema.MSG}
CREATED = datetime(2026, 4, 1, 9, 0)


@pytest.fixture()
def month(session):
    return export_1c_data.month(session)


def _export(session, executor):
    return enterprise_data.export_bytes(session, executor, START, END, created=CREATED)


def test_a_realistic_export_validates_against_the_schema(session, month):
    data, summary = _export(session, month[0])
    assert xdto_schema.problems(data) == []
    assert summary.as_dict()["invoices"] == 3 and summary.as_dict()["acts"] == 3



def _tree(data):
    return etree.fromstring(data)


def _texts(tree, path):
    return [node.text for node in tree.xpath(path, namespaces=NS)]


def _broken(data, old, new):
    assert old.encode() in data, old
    return data.replace(old.encode(), new.encode(), 1)


def test_broken_exports_fail_the_schema(session, month):
    data, _ = _export(session, month[0])
    missing = _broken(data, "<ВидОперации>РеализацияКлиенту</ВидОперации>", "")
    wrong_enum = _broken(data, "<ВидДоговора>СПокупателем</ВидДоговора>", "<ВидДоговора>Аренда</ВидДоговора>")
    too_long = _broken(data, "<ИНН>7709876543</ИНН>", "<ИНН>7709876543000</ИНН>")
    misplaced = _broken(data, "<Выставлен>true</Выставлен>", "")
    assert any("ВидОперации" in p for p in xdto_schema.problems(missing))
    assert any("enumeration" in p and "Аренда" in p for p in xdto_schema.problems(wrong_enum))
    assert any("ИНН" in p and "length" in p for p in xdto_schema.problems(too_long))
    assert any("Выставлен" in p for p in xdto_schema.problems(misplaced))


def test_the_schema_tool_maps_bounds_facets_and_global_elements():
    documents = xdto_schema.schema_documents()
    ed = etree.fromstring(documents["ed.xsd"])
    xs = {"xs": xdto_schema.XS}
    invoice = ed.xpath("xs:complexType[@name='Документ.СчетПокупателю']//xs:sequence/xs:element", namespaces=xs)
    by_name = {e.get("name"): e for e in invoice}
    assert by_name["КлючевыеСвойства"].get("minOccurs") is None  # required (lowerBound 1)
    assert by_name["Склад"].get("minOccurs") == "0"
    lines = ed.xpath("xs:complexType[@name='Документ.СчетПокупателю.Услуги']//xs:element[@name='Строка']", namespaces=xs)
    assert lines[0].get("maxOccurs") == "unbounded"  # upperBound -1
    amount = ed.xpath("xs:simpleType[@name='ТипСумма']/xs:restriction", namespaces=xs)[0]
    assert amount.get("base") == "xs:decimal"
    assert [(f.tag.split('}')[1], f.get("value")) for f in amount] == [("totalDigits", "15"), ("fractionDigits", "2")]
    kinds = ed.xpath("xs:simpleType[@name='ВидыСтавокНДС']//xs:enumeration/@value", namespaces=xs)
    assert "Общая" in kinds and "БезНДС" in kinds
    assert {e.get("name") for e in ed.xpath("xs:element", namespaces=xs)} >= {"Body", "Справочник.Контрагенты",
                                                                             "Документ.СчетФактураВыданный"}
    assert ed.xpath("xs:complexType[@name='Документ.Инвентаризация']", namespaces=xs) == []  # only what we need
    with pytest.raises(KeyError, match="Документ.Нет"):
        xdto_schema.schema_documents(object_types=("Документ.Нет",))


def test_1cs_own_example_validates():
    example = xdto_schema.SPECS / "example_RealizaciyaTovarovUslug_1_service.xml"
    assert xdto_schema.problems(example.read_bytes()) == []


def test_the_executor_is_the_organization_and_only_its_documents_leave(session, month):
    executor, docs = month
    tree = _tree(_export(session, executor)[0])
    assert tree.find("msg:Header/msg:Format", NS).text == xdto_schema.ED
    organization = tree.find("ed:Body/ed:Справочник.Организации/ed:КлючевыеСвойства", NS)
    assert (organization.findtext("ed:ИНН", namespaces=NS), organization.findtext("ed:КПП", namespaces=NS)) == (
        "7701234567", "770101001")
    assert set(_texts(tree, "//ed:Организация/ed:ИНН")) == {"7701234567"}
    numbers = _texts(tree, "//ed:Документ.СчетПокупателю/ed:КлючевыеСвойства/ed:Номер")
    assert sorted(numbers) == ["А-1-С", "А-2-С", "А-3-С"]
    assert b"77777" not in etree.tostring(tree) and "Б-1" not in etree.tostring(tree, encoding="unicode")
    assert b"paid" not in etree.tostring(tree) and "Оплач" not in etree.tostring(tree, encoding="unicode")


def test_customers_of_each_kind_with_requisites_and_bank_accounts(session, month):
    tree = _tree(_export(session, month[0])[0])
    customers = {c.findtext("ed:КлючевыеСвойства/ed:Наименование", namespaces=NS): c
                 for c in tree.findall("ed:Body/ed:Справочник.Контрагенты", NS)}
    assert set(customers) == {"ООО «Арендатор»", "ИП Петров Пётр Петрович", "Иванова Анна Сергеевна"}
    legal = customers["ООО «Арендатор»"].find("ed:КлючевыеСвойства", NS)
    assert [legal.findtext(f"ed:{n}", namespaces=NS) for n in ("ИНН", "КПП", "ЮридическоеФизическоеЛицо")] == [
        "7709876543", "770901001", "ЮридическоеЛицо"]
    assert customers["ООО «Арендатор»"].findtext("ed:ОсновнойБанковскийСчет/ed:НомерСчета", namespaces=NS) == \
        "40702810900000000001"
    sole = customers["ИП Петров Пётр Петрович"].find("ed:КлючевыеСвойства", NS)
    assert sole.findtext("ed:ЮридическоеФизическоеЛицо", namespaces=NS) == "ФизическоеЛицо"
    assert sole.findtext("ed:ИндивидуальныйПредприниматель", namespaces=NS) == "true"
    assert sole.find("ed:КПП", NS) is None
    person = customers["Иванова Анна Сергеевна"]
    assert person.find("ed:КлючевыеСвойства/ed:ИНН", NS) is None
    assert "+7 900 000-00-00" in _texts(person, ".//ed:ЗначенияПолей")
    accounts = _texts(tree, "ed:Body/ed:Справочник.БанковскиеСчета/ed:КлючевыеСвойства/ed:НомерСчета")
    assert "40702810900000000001" in accounts and len(accounts) == 2  # the customer's and the executor's
    contracts = _texts(tree, "ed:Body/ed:Справочник.Договоры/ed:КлючевыеСвойства/ed:Номер")
    assert sorted(contracts) == ["А-15", "А-16", "А-17"]
    items = _texts(tree, "ed:Body/ed:Справочник.Номенклатура/ed:КлючевыеСвойства/ed:Наименование")
    assert items == ["Арендная плата", "Парковка"]
    assert set(_texts(tree, "ed:Body/ed:Справочник.Номенклатура/ed:ТипНоменклатуры")) == {"Услуга"}


def _document(tree, tag, number):
    [node] = [d for d in tree.findall(f"ed:Body/ed:{tag}", NS) if d.findtext("ed:КлючевыеСвойства/ed:Номер", namespaces=NS) == number]
    return node


def _rows(node):
    return [(row.findtext("ed:Номенклатура/ed:Наименование", namespaces=NS), row.findtext("ed:Сумма", namespaces=NS),
             row.findtext("ed:СтавкаНДС/ed:Ставка", namespaces=NS), row.findtext("ed:СтавкаНДС/ed:ВидСтавки", namespaces=NS),
             row.findtext("ed:СуммаНДС", namespaces=NS)) for row in node.findall("ed:Услуги/ed:Строка", NS)]


def test_vat_as_each_document_has_it(session, month):
    tree = _tree(_export(session, month[0])[0])
    on_top = _document(tree, "Документ.РеализацияТоваровУслуг", "А-1-А")
    assert on_top.findtext("ed:Сумма", namespaces=NS) == "128100.00"
    assert on_top.findtext("ed:СуммаВключаетНДС", namespaces=NS) == "false"
    assert on_top.findtext("ed:Налогообложение", namespaces=NS) == "ПродажаОблагаетсяНДС"
    assert _rows(on_top) == [("Арендная плата", "100000.00", "22", "Общая", "22000.00"),
                             ("Парковка", "5000.00", "22", "Общая", "1100.00")]
    included = _document(tree, "Документ.СчетПокупателю", "А-2-С")
    assert included.findtext("ed:СуммаВключаетНДС", namespaces=NS) == "true"
    assert _rows(included) == [("Арендная плата", "55000.00", "10", "Пониженная", "5000.00")]
    no_vat = _document(tree, "Документ.РеализацияТоваровУслуг", "А-3-А")
    assert no_vat.findtext("ed:Налогообложение", namespaces=NS) == "ПродажаНеОблагаетсяНДС"
    assert _rows(no_vat) == [("Арендная плата", "30000.00", None, "БезНДС", "0.00")]


def test_vat_invoices_carry_the_acts_number_and_follow_the_executors_setting(session, month):
    executor, docs = month
    tree = _tree(_export(session, executor)[0])
    vat_invoices = tree.findall("ed:Body/ed:Документ.СчетФактураВыданный", NS)
    assert sorted(v.findtext("ed:КлючевыеСвойства/ed:Номер", namespaces=NS) for v in vat_invoices) == ["А-1-А", "А-2-А"]
    first = _document(tree, "Документ.СчетФактураВыданный", "А-1-А")
    basis = first.find("ed:ДокументыОснования/ed:Строка/ed:ДокументОснование/ed:РеализацияТоваровУслугСсылка", NS)
    act = _document(tree, "Документ.РеализацияТоваровУслуг", "А-1-А")
    assert basis.findtext("ed:Ссылка", namespaces=NS) == act.findtext("ed:КлючевыеСвойства/ed:Ссылка", namespaces=NS)
    assert first.findtext("ed:СуммаНДС", namespaces=NS) == "23100.00"
    executor.vat_invoices_enabled = False
    session.commit()
    data, summary = _export(session, executor)
    assert summary.counts["vat_invoices"] == 0 and "СчетФактураВыданный>" not in data.decode().replace("СчетФактураВыданныйСсылка", "")


def test_cancelled_documents_are_marked_for_deletion_in_1c(session, month):
    executor, docs = month
    invoice, act = docs["cancelled"]
    tree = _tree(_export(session, executor)[0])
    deleted = _texts(tree, "ed:Body/ed:УдалениеОбъекта/ed:СсылкаНаОбъект/ed:СсылкаНаОбъект/*")
    assert sorted(deleted) == sorted([enterprise_data.reference("invoice", invoice.id), enterprise_data.reference("act", act.id),
                                      enterprise_data.reference("vat_invoice", act.vat_invoice.id)])
    assert "А-4-А" not in _texts(tree, "//ed:КлючевыеСвойства/ed:Номер")


def test_references_are_stable_across_exports(session, month):
    executor, docs = month
    first = _tree(_export(session, executor)[0])
    again = _tree(_export(session, executor)[0])
    refs = _texts(first, "ed:Body/*/ed:КлючевыеСвойства/ed:Ссылка")
    assert len(refs) == len(set(refs)) > 10
    assert refs == _texts(again, "ed:Body/*/ed:КлючевыеСвойства/ed:Ссылка")
    customer = _texts(first, "ed:Body/ed:Справочник.Контрагенты/ed:КлючевыеСвойства/ed:Ссылка")
    in_documents = set(_texts(first, "ed:Body/ed:Документ.СчетПокупателю/ed:Контрагент/ed:Ссылка"))
    assert in_documents <= set(customer)


def test_the_rate_comes_from_the_documents_own_sums():
    assert rate_of(Decimal("1200.00"), Decimal("200.00"), "on_top", Decimal("0.22")) == Decimal("0.20")  # issued in 2025
    assert rate_of(Decimal("1220.00"), Decimal("220.00"), "included", Decimal("0.22")) == Decimal("0.22")
    assert rate_of(Decimal("1070.00"), Decimal("70.00"), "on_top", Decimal("0.07")) == Decimal("0.07")
    assert rate_of(Decimal("1050.00"), Decimal("50.00"), "on_top", Decimal("0.05")) == Decimal("0.05")
    assert rate_of(Decimal("1000.00"), Decimal("0.00"), "on_top", Decimal("0")) == Decimal("0.00")
    assert rate_of(Decimal("1000.00"), Decimal("0.00"), "none", Decimal("0.20")) is None


def test_an_export_needs_an_executor_and_a_period(session, month):
    executor = month[0]
    with pytest.raises(DomainError, match="Выберите исполнителя"):
        enterprise_data.export_bytes(session, None, START, END)
    with pytest.raises(DomainError, match="Укажите период"):
        enterprise_data.export_bytes(session, executor, None, END)
    with pytest.raises(DomainError, match="раньше даты начала"):
        enterprise_data.export_bytes(session, executor, END, START)
    customer = month[1]["on_top"][0].customer
    with pytest.raises(DomainError, match="не исполнитель"):
        enterprise_data.export_bytes(session, customer, START, END)
