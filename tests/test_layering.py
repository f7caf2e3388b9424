"""app/domain holds the rules and imports no Flask: views, jobs, CLI and tests all call it."""
import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "app" / "domain"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_domain_imports_no_flask():
    offenders = {
        f"{path.name}: {module}"
        for path in DOMAIN.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0].startswith("flask")
    }
    assert not offenders, offenders
    assert list(DOMAIN.rglob("*.py")), "the domain package should not be empty"
