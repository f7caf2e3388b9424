"""The rules: plain functions over the models, taking a session and "today"; no Flask (a contract in .importlinter)."""
