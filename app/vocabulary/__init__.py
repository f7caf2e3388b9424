"""Below the models: the enums and the pure arithmetic that models and rules share.

Nothing here imports another part of `app` (a contract in .importlinter): the models build
their CHECK constraints and derived properties from it, app.domain builds its rules on it.
"""
