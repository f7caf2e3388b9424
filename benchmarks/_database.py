"""The PostgreSQL databases benchmarks run on. Generated data is made once into a template
database (`arenda_bench_tpl_*`, marked IS_TEMPLATE when complete, so an interrupted build is
redone) and every run gets its own copy (`CREATE DATABASE … TEMPLATE`, a file copy on the
server), dropped afterwards; and a median timer."""
import os
import statistics
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER_URL = os.environ.get("ARENDA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OWNER, PASSWORD = "bench-owner", "bench-password-1"


def url_of(name):
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def _admin(statements, params=None):
    """Run statements on the server's maintenance database; returns the last one's scalar."""
    engine = create_engine(make_url(SERVER_URL), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = None
            for statement in statements:
                result = conn.execute(text(statement), params or {})
            return result.scalar() if result is not None and result.returns_rows else None
    finally:
        engine.dispose()


def _drop(name):
    if _admin(["SELECT 1 FROM pg_database WHERE datname = :name"], {"name": name}):
        _admin([f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                f'ALTER DATABASE "{name}" IS_TEMPLATE false', f'DROP DATABASE "{name}"'])


def app_for(url, **config):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, **config})


def template(name, build, base=None):
    """The name of the template database `arenda_bench_tpl_<name>`: built once by `build(url)` on
    an empty database (or on a copy of the template `base`), then vacuumed, analysed and marked."""
    database = f"arenda_bench_tpl_{name}"
    state = _admin(["SELECT datistemplate FROM pg_database WHERE datname = :name"], {"name": database})
    if state:
        _migrate(database)
        return database
    if state is not None:  # a build that did not finish
        _drop(database)
    print(f"building the benchmark data {database} (once) ...", flush=True)
    started = time.monotonic()
    _admin([f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{base}"' if base else "")])
    try:
        build(url_of(database))
        engine = create_engine(url_of(database), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()
        _admin([f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'",
                f'ALTER DATABASE "{database}" IS_TEMPLATE true'])
    except BaseException:
        _drop(database)
        raise
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    return database


def _head():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations")).get_current_head()


def _migrate(database):
    """Bring a template made on an older schema to the head migration in place (its data is
    kept: rebuilding the large ones takes many minutes), then vacuum and analyse it again."""
    engine = create_engine(url_of(database), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT version_num FROM alembic_version")) == _head():
                return
        print(f"migrating the benchmark data {database} to {_head()} ...", flush=True)
        from flask_migrate import upgrade

        app = app_for(url_of(database))
        with app.app_context():
            upgrade()
            from app.extensions import db

            db.engine.dispose()
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def generated(contracts, day, all_active=False, prepare=None):
    """A `build` for `template`: migrated, the OWNER user, `demo generate` of `contracts` as on
    `day` (`all_active`: every contract billed every month), then `prepare(session)`."""
    def build(url):
        from flask_migrate import upgrade

        from app.demo.generate import generate
        from app.extensions import db
        from app.permissions import ROLE_OWNER

        app = app_for(url)
        with app.app_context():
            upgrade()
            sm = app.appbuilder.sm
            sm.seed_roles()
            sm.add_user(OWNER, "Bench", "Owner", "bench@example.invalid", [sm.find_role(ROLE_OWNER)], PASSWORD)
            if contracts:
                generate(db.session, contracts, day, all_active=all_active)
            if prepare is not None:
                prepare(db.session)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    return build


def prepared(prepare):
    """A `build` for a template made from another (`base`): `prepare(session)` on the copy."""
    def build(url):
        app = app_for(url)
        from app.extensions import db

        with app.app_context():
            prepare(db.session)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    return build


@contextmanager
def copy_of(database):
    """The URL of a fresh copy of the template `database`, dropped afterwards."""
    name = f"arenda_bench_run_{uuid.uuid4().hex[:8]}"
    _admin([f'CREATE DATABASE "{name}" TEMPLATE "{database}"'])
    try:
        yield url_of(name)
    finally:
        _drop(name)


def active(contracts):
    """Every contract active, generated as on the 10th of this month: the month's end is due."""
    from app.timeutil import today

    day = today().replace(day=10)
    return template(f"active_{contracts}_{day:%Y%m}", generated(contracts, day, all_active=True))


def bare_copy(session, tables):
    """Seconds a bare COPY takes to write the rows given — {table: SQL condition on it}, read
    into memory first — into empty copies of those tables (with their indexes); rolled back."""
    cursor = session.connection().connection.driver_connection.cursor()
    loaded = {table: cursor.execute(f"SELECT * FROM {table} WHERE {condition}").fetchall() for table, condition in tables.items()}
    for table in tables:
        cursor.execute(f"CREATE TEMP TABLE bare_{table} (LIKE {table} INCLUDING ALL)")
    started = time.perf_counter()
    for table, rows in loaded.items():
        with cursor.copy(f"COPY bare_{table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    seconds = time.perf_counter() - started
    session.rollback()
    return seconds


def server_version():
    return _admin(["SHOW server_version"])


def median_ms(action, runs=20, warmup=3):
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
