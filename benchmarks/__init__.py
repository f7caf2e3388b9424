"""Benchmarks: scripts that build their own data, measure, and print figures (`make bench`)."""
