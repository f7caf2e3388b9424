"""Relation filters of the admin lists search on the server: a list page no longer carries
every counterparty as an option, the options come page by page as the user types, and a
chosen filter shows its choice and filters the rows."""
import re

from app.permissions import ROLE_MANAGER, ROLE_TARIFF
from tests import factories


def customers(session, count):
    return [factories.customer(session, name=f"ООО «Клиент {n:02d}»") for n in range(count)]


def test_the_list_page_does_not_carry_every_related_row(client, login_as, session):
    factories.contract(session, customer=customers(session, 30)[0], number="ONLY-1")
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.get("/contractview/list/").text
    assert "ONLY-1" in page
    # The search form's fields travel as JSON in the page: no option with a row id in any of them.
    assert not re.search(r'option value=\\"\d+\\"', page)
    assert 'data-ajax--url=\\"/contractview/related/customer\\"' in page


def test_options_come_by_search_term_and_page(client, login_as, session):
    everyone = customers(session, 25)
    session.commit()
    login_as(ROLE_MANAGER)
    first = client.get("/contractview/related/customer").json
    assert len(first["results"]) == 20 and first["pagination"] == {"more": True}
    second = client.get("/contractview/related/customer?page=2").json
    assert second["pagination"] == {"more": False}
    shown = {row["id"] for row in first["results"] + second["results"]}
    assert {c.id for c in everyone} <= shown
    found = client.get("/contractview/related/customer?q=клиент 1").json["results"]
    assert [row["text"] for row in found] == [f"ООО «Клиент {n}»" for n in range(10, 20)]
    by_inn = client.get(f"/contractview/related/customer?q={everyone[3].inn}").json["results"]
    assert [row["id"] for row in by_inn] == [everyone[3].id]


def test_a_chosen_relation_filter_shows_its_choice_and_filters_the_rows(client, login_as, session):
    mine, other = customers(session, 2)
    factories.contract(session, customer=mine, number="MINE-1")
    factories.contract(session, customer=other, number="OTHER-1")
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.get(f"/contractview/list/?_flt_0_customer={mine.id}").text
    assert "MINE-1" in page and "OTHER-1" not in page
    assert f'option value=\\"{mine.id}\\" selected' in page


def test_only_relation_search_columns_and_readers_get_options(client, login_as, session):
    login_as(ROLE_MANAGER)
    assert client.get("/contractview/related/status").status_code == 404
    assert client.get("/contractview/related/rooms").status_code == 404
    login_as(ROLE_TARIFF)
    assert client.get("/contractview/related/customer").status_code in (302, 403)
