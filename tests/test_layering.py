"""The layering of app/ (.importlinter): `lint-imports` keeps the contracts, and breaks them when
a domain module imports Flask or a cycle between packages comes back — even inside a function."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd):
    """Run lint-imports on the `app` package under `cwd` with the project's contracts."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / ".importlinter")],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_code_keeps_the_layering_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "6 kept" in result.stdout


@pytest.mark.parametrize("path, source, broken", [
    ("app/domain/leak.py", "def now():\n    from flask import g\n    return g\n",
     "The domain imports no Flask and no door (views, API, jobs, CLI, web) BROKEN"),
    ("app/notify/loop.py", "def deliver():\n    from app.jobs import outbox\n    return outbox.request_delivery()\n",
     "No cycles between the packages and modules of app/ BROKEN"),
    ("app/models/rules.py", "def plan(contract):\n    from app.domain import schedule\n    return schedule\n",
     "The models import only the vocabulary below them BROKEN"),
    ("app/exports/sheet.py", "from flask import send_file\n",
     "Bank statement parsers and exporters import no Flask BROKEN"),
])
def test_lint_imports_fails_when_a_layer_is_broken(tmp_path, path, source, broken):
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "translations", "templates", "static"))
    (tmp_path / path).write_text(source, encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout
