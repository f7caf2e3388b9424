"""`python -m benchmarks [NAME ...]`: run the named benchmark modules (all when none are named)."""
import importlib
import pkgutil
import sys

import benchmarks


def available():
    return sorted(module.name for module in pkgutil.iter_modules(benchmarks.__path__) if not module.name.startswith("_"))


def main(names):
    known = available()
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2
    for name in names or known:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
