"""Backups (docs/deployment.md): deploy/backup.sh dumps the database, deploy/restore.sh brings
the dump back into an empty database, and the app serves what it held; a non-empty target is
refused and left as it was."""
import os
import subprocess

import pytest

from tests import factories
from tests.conftest import login, make_app, role_username
from tests.processes import ROOT, fresh_database

pytestmark = [pytest.mark.processes,
              pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="ARENDA_TEST_DATABASE_URL is not set")]


def _run(script, *args, url):
    env = dict(os.environ, DATABASE_URL=url)
    env.pop("ARENDA_CONFIG", None)
    return subprocess.run([str(ROOT / "deploy" / script), *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_dump_restored_into_an_empty_database_is_served(session, database_url, tmp_path):
    contract = factories.contract(session, number="БЭК-77")
    session.commit()
    backup = _run("backup.sh", str(tmp_path), url=database_url)
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]

    with fresh_database("arenda_restore") as restored_url:
        restore = _run("restore.sh", dump, restored_url, url=restored_url)
        assert restore.returncode == 0, restore.stderr
        restored = make_app(restored_url)
        client = login(restored.test_client(), role_username("Manager"))
        card = client.get(f"/contractview/show/{contract.id}")
        assert card.status_code == 200 and "БЭК-77" in card.text
        assert client.get("/health").json["database"] == "ok"

        again = _run("restore.sh", dump, restored_url, url=restored_url)
        assert again.returncode == 2 and "not empty" in again.stderr
        assert login(restored.test_client(), role_username("Manager")).get(f"/contractview/show/{contract.id}").status_code == 200
        with restored.app_context():
            restored.extensions["sqlalchemy"].engine.dispose()  # before the database is dropped
