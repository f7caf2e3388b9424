"""The CIAN feed of 5,000 free rooms (PostgreSQL): the whole request (token, occupancy, lots,
XML, ETag) after a change of what it reads, against a bare query of those rooms, and the request
while the feed is kept (app.domain.feed_cache); then 20 concurrent pollers on a loopback server
(each 5 polls, with and without its ETag), which must get only 200 or 304.
Target: the feed ≤ 1 s (median, warm), rebuilt or kept."""
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from benchmarks._database import app_for, copy_of, generated, median_ms, prepared, template
from benchmarks._report import figure, machine

ROOMS, PER_FLOOR, FLOORS = 5000, 10, 10
POLLERS, POLLS = 20, 5


def _fill(session):
    from app.models import Building, Floor, Room

    if session.scalar(select(func.count(Room.id))) >= ROOMS:
        return
    for b in range(ROOMS // (PER_FLOOR * FLOORS)):
        building = Building(name=f"БЦ бенчмарк {b}", address=f"Москва, ул. Тестовая, {b + 1}", description="Офисы и склады",
                            floors_count=FLOORS)
        for f in range(FLOORS):
            floor = Floor(building=building, number=f + 1, in_feed=True, feed_mode="per_room")
            for r in range(PER_FLOOR):
                floor.rooms.append(Room(number=f"{f + 1}{r:02d}", kind="office" if r % 3 else "warehouse",
                                        area=Decimal(20 + r * 7), rent_rate=Decimal("18000")))
            session.add(floor)
    session.flush()


def _poll(url, results, latencies):
    etag = None
    for i in range(POLLS):
        request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag and i % 2 else {})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                response.read()
                etag = response.headers.get("ETag")
                results[response.status] += 1
        except urllib.error.HTTPError as error:
            results[error.code] += 1
        except OSError as error:
            results[type(error).__name__] += 1
        latencies.append((time.perf_counter() - started) * 1000)


def main():
    data = template("feeds", prepared(_fill), base=template("empty", generated(0, None)))
    print(machine())
    with copy_of(data) as url:
        return _run(app_for(url))


def _run(app):
    from werkzeug.serving import make_server

    from app.domain import changes, feeds
    from app.extensions import db
    from app.models import Floor, Room

    with app.app_context():
        token = feeds.token(db.session, "cian")
        db.session.commit()
        bare = median_ms(lambda: db.session.execute(
            select(Room.id, Room.number, Room.kind, Room.area, Room.rent_rate, Floor.number)
            .join(Floor).where(Floor.in_feed.is_(True))).all(), runs=10)
        db.session.remove()
    client = app.test_client()
    path = feeds.feed_path("cian", token)
    body = client.get(path).data
    lots = body.count(b"<object>")
    print(f"  feed of {lots} lots ({len(body) // 1024} KiB)")

    def changed_then_served():
        with app.app_context():
            changes.mark(db.session, feeds.TOPIC)  # as a saved room or contract does
            db.session.commit()
            db.session.remove()
        client.get(path)

    ok = figure("feed request, rebuilt after a change", median_ms(changed_then_served, runs=10), "ms", 1000, bare=bare,
                bare_name="a bare query of the rooms")
    ok = figure("feed request, kept", median_ms(lambda: client.get(path), runs=10), "ms", 1000, bare=bare,
                bare_name="a bare query of the rooms") and ok

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}{path}"
    results, latencies, started = Counter(), [], time.perf_counter()
    pollers = [threading.Thread(target=_poll, args=(url, results, latencies)) for _ in range(POLLERS)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join(timeout=300)
    server.shutdown()
    errors = {k: v for k, v in results.items() if k not in (200, 304)}
    latencies.sort()
    print(f"  {POLLERS} pollers x {POLLS}: {dict(results)} in {time.perf_counter() - started:.1f} s, p50"
          f" {latencies[len(latencies) // 2]:.0f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.0f} ms;"
          f" errors: {errors or 'none'}")
    return ok and not errors


if __name__ == "__main__":
    main()
