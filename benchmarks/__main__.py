"""`python -m benchmarks`: run every benchmarks/bench_*.py in turn (each has a main())."""
import importlib
import pkgutil
import sys

import benchmarks


def main():
    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")):
        print(f"== {module}", flush=True)
        failed += 0 if importlib.import_module(f"benchmarks.{module}").main() else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
