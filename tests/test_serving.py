"""Serving: /health for monitors, the request id and JSON log lines, and the embedded jobs
started in exactly one server process."""
import json
import logging

from app.jobs import embedded
from app.logs import JsonFormatter
from tests.conftest import login, role_username


def test_health_answers_ok_with_the_database_and_no_redis(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "off"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_503_naming_redis_when_it_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["database"] == "ok"
    assert response.json["redis"].startswith("error: ")


def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(client):
    assert len(client.get("/health").headers["X-Request-ID"]) == 32
    assert client.get("/health", headers={"X-Request-ID": "lb-42.a"}).headers["X-Request-ID"] == "lb-42.a"
    assert client.get("/health", headers={"X-Request-ID": "no spaces <b>"}).headers["X-Request-ID"] != "no spaces <b>"


def test_a_request_is_one_json_line_with_its_id_and_user(client, caplog):
    login(client, role_username("Manager"))
    with caplog.at_level(logging.INFO, logger="arenda.request"):
        response = client.get("/health", headers={"X-Request-ID": "req-7"})
    record = next(r for r in caplog.records if r.name == "arenda.request" and getattr(r, "path", "") == "/health")
    assert record.status == 200 and response.status_code == 200
    with client.application.test_request_context("/health"):
        from flask import g

        g.request_id, g.user = "req-7", client.application.appbuilder.sm.find_user(username=role_username("Manager"))
        line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-7" and line["user"] == "manager"
    assert line["method"] == "GET" and line["path"] == "/health" and line["status"] == 200 and line["ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_the_embedded_jobs_start_in_one_server_process_only(app, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(embedded, "start", lambda app: started.append("nightly"))
    monkeypatch.setattr(embedded, "start_sender", lambda app: started.append("sender"))
    lock = tmp_path / "embedded-jobs.lock"
    try:
        assert embedded.start_once(app, lock) is not None
        # a second server process (or a second call) finds the lock taken
        assert embedded.start_once(app, lock) is None
        assert started == ["nightly", "sender"]
    finally:
        app.extensions.pop("arenda_embedded_lock").close()
    assert embedded.start_once(app, lock) is not None  # the lock is free again once its holder is gone
    app.extensions.pop("arenda_embedded_lock").close()
