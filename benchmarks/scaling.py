"""Scaling (issue 18.5): the bank import at 10k, 50k and 200k documents and the nightly job at
10k, 50k and 200k contracts, as a table — time per document should stay flat and the peak
memory bounded (both stream in batches). Each size is its own template, made once.

ARENDA_BENCH_IMPORT_SIZES / ARENDA_BENCH_NIGHTLY_SIZES (comma-separated) change the sizes: a
template of 200k contracts is 22 million documents, hours to generate on a small machine."""
import os

from benchmarks import auto_issue, money_import
from benchmarks._report import machine

IMPORT_SIZES = os.environ.get("ARENDA_BENCH_IMPORT_SIZES", "10000,50000,200000")
NIGHTLY_SIZES = os.environ.get("ARENDA_BENCH_NIGHTLY_SIZES", "10000,50000,200000")


def _sizes(text):
    return [int(size) for size in text.split(",") if size.strip()]


def _row(what, size, documents, result):
    per_document = result["seconds"] / documents * 1000
    print(f"  {what:<14} {size:>8} {documents:>9} {result['seconds']:>9.2f} {per_document:>8.3f} "
          f"{result['peak_mb']:>9.0f} {result['baseline_mb']:>9.0f}", flush=True)
    return per_document


def main():
    print(machine())
    print(f"  {'':<14} {'size':>8} {'documents':>9} {'seconds':>9} {'ms/doc':>8} {'peak +MB':>9} {'app MB':>9}")
    flat = True
    for what, sizes, measure in (
        ("bank import", _sizes(IMPORT_SIZES), lambda n: (money_import.run(n)[0], n)),
        ("nightly issue", _sizes(NIGHTLY_SIZES), lambda n: _nightly(n)),
    ):
        costs = [_row(what, size, documents, result) for size, (result, documents) in ((n, measure(n)) for n in sizes)]
        if len(costs) > 1 and max(costs) > 1.5 * min(costs):
            print(f"  {what}: time per document NOT flat ({min(costs):.3f}–{max(costs):.3f} ms)")
            flat = False
    return flat


def _nightly(contracts):
    result = auto_issue.run(contracts)
    return result, result["invoices"] + result["acts"] + result["vat_invoices"]


if __name__ == "__main__":
    main()
