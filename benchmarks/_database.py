"""The PostgreSQL database benchmarks run on: created and migrated when missing, filled by
`demo generate` up to the size asked, vacuumed and analysed; and a median timer."""
import os
import statistics
import time

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

SERVER_URL = os.environ.get("ARENDA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OWNER, PASSWORD = "bench-owner", "bench-password-1"


def _ensure_database(name):
    admin = create_engine(make_url(SERVER_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def app_with_contracts(database, contracts, prepare=None, all_active=False, url=None):
    """The app on the benchmark database `database` (on the server of ARENDA_BENCH_DATABASE_URL,
    kept between runs; or the database at `url`, e.g. the embedded mode's SQLite file) holding at least `contracts` contracts, and a user OWNER who may sign in.
    `prepare(session)` runs once, right after the contracts are generated; `all_active`: every
    contract billed every month (see app.demo.generate)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.generate import generate
    from app.extensions import db
    from app.models import Contract
    from app.permissions import ROLE_OWNER
    from app.timeutil import today

    url = url or _ensure_database(database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        sm = app.appbuilder.sm
        sm.seed_roles()
        if sm.find_user(username=OWNER) is None:
            sm.add_user(OWNER, "Bench", "Owner", "bench@example.invalid", [sm.find_role(ROLE_OWNER)], PASSWORD)
        present = db.session.scalar(select(func.count(Contract.id)))
        if present < contracts:
            print(f"generating {contracts - present} contracts (once) ...", flush=True)
            generate(db.session, contracts - present, today(), all_active=all_active)
            if prepare is not None:
                prepare(db.session)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    return app


def median_ms(action, runs=20, warmup=3):
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
