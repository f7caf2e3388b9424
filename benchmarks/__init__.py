"""Benchmarks: scripts that print figures and ratios (speed targets live here, never in unit tests)."""
