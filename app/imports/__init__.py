"""Imports of money operations: pure parsers from file bytes to `Operation`s (`client_bank`,
`v8_xml`), and `loader`, which stores them (duplicates skipped) and allocates them."""
