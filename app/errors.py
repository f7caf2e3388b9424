"""Project exceptions. Their messages are fit to show to a user as they are."""


class DomainError(Exception):
    """A business rule refused an operation; nothing was changed."""


class ValidationFailed(DomainError):
    """Input breaks one or more rules. `errors` maps a field name to its messages."""

    def __init__(self, errors):
        self.errors = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__("; ".join(m for msgs in self.errors.values() for m in msgs))


class ImportFailed(DomainError):
    """An import file is malformed; nothing was imported."""


class HistoryKept(DomainError):
    """A delete refused: the object is accounting history (app.domain.history); answered 409."""
