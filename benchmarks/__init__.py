"""Benchmarks: one module per benchmark, each with a `main()` that prints its figures.
`python -m benchmarks [NAME ...]` (or `make bench`) runs the named ones, or all."""
