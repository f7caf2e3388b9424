"""The CRUD hooks shared by both doors — the admin's ModelViews and the REST resources: field
checks, rescheduling, paid sums, history kept, status history —, the acting user and door, and
the audit log's session listener."""
