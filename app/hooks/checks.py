"""The field checks before a save, shared by both doors: each base (app.views.base,
app.api.base) says how it checks (`check(item)`); this mixin runs it on add and on update."""


class ChecksFields:
    def check(self, item):
        """Raise app.errors.ValidationFailed when the record breaks a rule (each door its own way)."""

    def pre_add(self, item):
        super().pre_add(item)
        self.check(item)

    def pre_update(self, item):
        super().pre_update(item)
        self.check(item)
