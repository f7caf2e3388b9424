"""Test fixtures: one migrated database and one app per test run; data wiped after each test.

The clock is pinned for the whole run (`app.timeutil.pin`): to the day `ARENDA_TEST_TODAY`
(YYYY-MM-DD) names, else to the day the run started, so no test meets midnight mid-run and the
suite can be run "on" any date (`make test-dates` runs it on the awkward ones). Tests take
"today" from the `today` fixture or from `app.timeutil.today()`, never from `date.today()`.

SQLite (a temporary file) by default. With ARENDA_TEST_DATABASE_URL pointing at a PostgreSQL
server (e.g. postgresql://postgres@127.0.0.1:5432/postgres) the run creates its own fresh
database there and drops it at the end, so parallel runs never meet.
"""
import os
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

os.environ.setdefault("ARENDA_INSTANCE_DIR", str(Path(__file__).resolve().parent.parent / "instance" / "test"))

from app import create_app, timeutil  # noqa: E402
from app.extensions import db  # noqa: E402
from app.permissions import ROLES  # noqa: E402
from config import TestConfig  # noqa: E402
from tests import factories  # noqa: E402

PASSWORD = "test-password-1"
timeutil.pin(date.fromisoformat(os.environ["ARENDA_TEST_TODAY"]) if os.environ.get("ARENDA_TEST_TODAY") else timeutil.today())

# Tables that keep their rows between tests: staff and roles made once per run.
KEEP = {"ab_user", "ab_role", "ab_user_role", "ab_permission", "ab_view_menu", "ab_permission_view",
        "ab_permission_view_role", "alembic_version"}


@pytest.fixture()
def today():
    """The run's pinned today."""
    return timeutil.today()


def _server_url(url):
    return make_url(url).set(database="postgres")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("ARENDA_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'arenda-test.db'}"
        return
    name = f"arenda_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_server_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def make_app(database_url, **overrides):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    for key, value in overrides.items():
        setattr(Config, key, value)
    return create_app(Config)


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    application = make_app(database_url)
    with application.app_context():
        upgrade()
        application.appbuilder.sm.seed_roles()
        for role in ROLES:
            factories.staff(application.appbuilder.sm, role_username(role), role, PASSWORD)
        db.session.commit()
    return application


def role_username(role):
    return role.lower().replace(" & ", "_").replace(" ", "_")


@pytest.fixture()
def session(app):
    """The app's session inside an app context; every business row is deleted afterwards."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEEP:
                db.session.execute(table.delete())
        _remove_staff_added_by_the_test()
        db.session.commit()
        db.session.remove()


def _remove_staff_added_by_the_test():
    """Only the one user per role made for the run stays (demo load, for one, adds its staff)."""
    users, links = db.metadata.tables["ab_user"], db.metadata.tables["ab_user_role"]
    added = select(users.c.id).where(users.c.username.not_in([role_username(role) for role in ROLES]))
    db.session.execute(links.delete().where(links.c.user_id.in_(added)))
    db.session.execute(users.delete().where(users.c.id.in_(added)))


@pytest.fixture()
def client(app, session):
    return app.test_client()


def login(client, username, password=PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password}, follow_redirects=False)
    assert response.status_code == 302, response.text
    return client


@pytest.fixture()
def login_as(client):
    def do(role):
        client.get("/logout/")
        return login(client, role_username(role))

    return do


@pytest.fixture()
def api_token(client):
    def do(role):
        response = client.post(
            "/api/v1/security/login",
            json={"username": role_username(role), "password": PASSWORD, "provider": "db", "refresh": False},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return do


@pytest.fixture()
def mailbox(session):
    """An SMTP server on a free port, and the mail settings pointing at it (as the settings page saves them)."""
    from app.models import OutboxMessage, Setting
    from tests.mailbox import Mailbox

    box = Mailbox()
    session.query(OutboxMessage).delete()  # e.g. the staff created by the fixtures above
    for key, value in (("MAIL_SERVER", "127.0.0.1"), ("MAIL_PORT", str(box.port)), ("MAIL_DOMAIN", "mail.test")):
        session.add(Setting(key=key, value=value))
    session.commit()
    box.start()
    yield box
    box.stop()
