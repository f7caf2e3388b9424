"""Exports: pure functions from model objects to bytes (PDF documents, ...)."""
