"""The pinned clock: the run's "today" is the pinned day, the clock keeps running, and the
processes a test starts (an RQ worker, a second issuer) read the same day."""
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from app import timeutil


def test_the_run_is_pinned_to_its_day(today):
    expected = os.environ.get("ARENDA_TEST_TODAY")
    if expected:
        assert today == date.fromisoformat(expected)
    assert timeutil.today() == today


def test_a_pinned_clock_runs_and_is_shared_with_child_processes(monkeypatch):
    # the run's own clock comes back exactly as it was after the test
    monkeypatch.setattr(timeutil, "_offset", timeutil._offset)
    monkeypatch.setenv(timeutil.OFFSET_VARIABLE, os.environ.get(timeutil.OFFSET_VARIABLE, "0"))
    timeutil.pin(date(2028, 2, 29))
    first = timeutil.utcnow()
    time.sleep(0.01)
    assert timeutil.today() == date(2028, 2, 29) and first.hour == 12 and timeutil.utcnow() > first
    child = subprocess.run([sys.executable, "-c", "from app.timeutil import today; print(today().isoformat())"],
                           cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, check=True)
    assert child.stdout.strip() == "2028-02-29"
