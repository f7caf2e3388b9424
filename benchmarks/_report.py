"""What every benchmark prints, and how a figure is measured.

`measured(action)` runs in the process being measured (usually a child, `in_child`): the app's
resident memory before (its baseline), then the peak above it (Linux VmHWM, reset first) and the
wall time of `action`. `figure(...)` prints one line: the figure, its target and verdict, its
ratio to the bare limit it is compared with, and the peak memory above the baseline; `machine()`
the cores, the PostgreSQL version and the load, which a figure on a shared host must be read with."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _memory_mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def measured(action):
    """(result of action(), {"seconds", "peak_mb", "baseline_mb"}) — peak is the process's peak
    resident memory during the action minus what it held before it (the app up, inputs read)."""
    baseline = _memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM restarts from the current RSS
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return result, {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _memory_mb("VmHWM") - baseline, "baseline_mb": baseline}


def in_child(module, *args, env=None):
    """Run `python -m <module> --child ARGS...` (its own process, so its memory is its own) and
    return the JSON object its last line prints."""
    child = subprocess.run([sys.executable, "-m", module, "--child", *map(str, args)], cwd=ROOT, capture_output=True,
                           text=True, env=dict(os.environ, **(env or {})))
    if child.returncode != 0:
        raise SystemExit(f"{module} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def child_print(payload):
    print(json.dumps(payload, ensure_ascii=False, default=str))


def machine():
    from benchmarks._database import server_version

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, PostgreSQL {server_version()}, load average {load}"


def figure(name, value, unit, target, bare=None, bare_name=None, memory=None, memory_target=None, higher_is_better=False):
    """Print one figure and return whether it meets its target (and memory its own). `memory`:
    what `measured` returned (peak above the baseline, the baseline, CPU seconds)."""
    ok = value >= target if higher_is_better else value <= target
    parts = [f"{name}: {value:.2f} {unit} (target {'≥' if higher_is_better else '≤'} {target:.4g} {unit}: {'ok' if ok else 'OVER TARGET'})"]
    if bare is not None:
        parts.append(f"{value / bare:.2f}× {bare_name} ({bare:.3g} {unit})")
    if memory is not None:
        within = memory_target is None or memory["peak_mb"] + memory["baseline_mb"] <= memory_target
        ok = ok and within
        limit = f"; total ≤ {memory_target} MB: {'ok' if within else 'OVER TARGET'}" if memory_target else ""
        parts.append(f"peak +{memory['peak_mb']:.0f} MB above the app's {memory['baseline_mb']:.0f} MB{limit}")
        if "cpu_seconds" in memory:  # what a busy host hides: this process's own CPU time
            parts.append(f"{memory['cpu_seconds']:.1f} s CPU in the app's process")
    print("  " + " · ".join(parts), flush=True)
    return ok
