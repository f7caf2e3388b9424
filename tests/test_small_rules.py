"""Rules written once and used by every door: a date given as text, the kinds of rows a role sees."""
import json

import pytest

from app.domain.dates import NOT_A_DATE, NotADate
from app.jobs.nightly import run_nightly
from app.permissions import ROLE_MANAGER, ROLE_TARIFF, ROLE_VIEWER

BAD = "15.03.2026"


def test_a_bad_date_reads_the_same_from_the_cli_the_rest_api_and_the_nightly_job(app, session, api_token):
    result = app.test_cli_runner().invoke(args=["attention", "counts", "--on", BAD])
    assert result.exit_code == 1
    assert json.loads(result.stderr) == {"error": NOT_A_DATE % {"name": "--on", "value": BAD}}
    response = app.test_client().get(f"/api/v1/attention/counts?on={BAD}", headers=api_token(ROLE_MANAGER))
    assert response.status_code == 400
    assert response.json["message"] == NOT_A_DATE % {"name": "on", "value": BAD}
    with pytest.raises(NotADate) as refused:  # the job's argument, as rq cron or a caller passes it
        run_nightly(BAD)
    assert str(refused.value) == NOT_A_DATE % {"name": "on", "value": BAD}


@pytest.mark.parametrize("role, kinds", [
    (ROLE_MANAGER, ["contracts", "invoices", "acts", "money"]),
    (ROLE_VIEWER, ["contracts", "invoices", "acts", "money"]),
    (ROLE_TARIFF, []),
])
def test_the_start_page_and_the_rest_api_show_the_lists_the_role_may_read(app, session, api_token, login_as, role, kinds):
    response = app.test_client().get("/api/v1/attention/counts", headers=api_token(role))
    if kinds:
        assert sorted(key for key in response.json if key != "total") == sorted(kinds)
    else:
        assert response.status_code == 403
    page = login_as(role).get("/").text
    assert page.count('attention-panel"') == len(kinds)
