"""Helpers of the tests that start real processes (make prod's, a redis-server of their own):
a free port, a fresh PostgreSQL database, a private redis-server, waiting for a URL, a job
that waits to be released, and stopping a process group. Every wait is bounded."""
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
needs_services = pytest.mark.skipif(
    not (os.environ.get("ARENDA_TEST_DATABASE_URL") and os.environ.get("ARENDA_TEST_REDIS_URL") and shutil.which("redis-server")),
    reason="ARENDA_TEST_DATABASE_URL / ARENDA_TEST_REDIS_URL are not set (or no redis-server)",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fresh_database(prefix="arenda_prod", server=None):
    """An empty database on the test server (or `server`), dropped afterwards (its connections ended first)."""
    base = make_url(server or os.environ["ARENDA_TEST_DATABASE_URL"])
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


class RedisServer:
    """A redis-server of the test's own on a free port (never the machine's shared one), with
    an append-only file in `directory` so that a restart keeps the queues."""

    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from redis import Redis

        wait_for(lambda: Redis.from_url(self.url).ping(), 20, "redis-server")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


def wait_for(check, seconds, what):
    """Call `check` until it returns a true value (exceptions count as not yet)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not ready after {seconds} s")
        time.sleep(0.25)


def held_job(directory):
    """An rq job for the fault tests: notes each run in `directory`/runs, then waits (30 s at
    most) until `directory`/release exists."""
    directory = Path(directory)
    with (directory / "runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 30
    while not (directory / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def stop_group(process, seconds=30):
    """SIGTERM to the process; SIGKILL to its group if it is still there after `seconds`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    return process.returncode
