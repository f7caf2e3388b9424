"""Paid sums, shared by the allocation admin views and the allocation REST resource: every
add, change or delete of an allocation goes through app.domain.allocation, which validates it
and keeps the invoice's and the operation's paid sums. Mix it in before the view or API base."""
from app.domain import allocation


class KeepsPaidSums:
    def pre_add(self, item):
        super().pre_add(item)
        allocation.apply(self.datamodel.session, item)

    def pre_update(self, item):
        super().pre_update(item)
        allocation.apply(self.datamodel.session, item)

    def pre_delete(self, item):
        super().pre_delete(item)
        allocation.release(self.datamodel.session, item)
