"""The CRUD hooks shared by both doors — the admin's ModelViews and the REST resources: field
checks, rescheduling, paid sums, history kept, status history — and the acting user."""
