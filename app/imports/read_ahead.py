"""Reading ahead: the next item of an iterator made in a worker thread while the caller works on the
current one. An import parses and keys the next batch of its statement in Python while the database
stores the batch before — the caller then waits on the database's socket with the GIL released —
so the app and the database work on two cores at once instead of by turns."""
from concurrent.futures import ThreadPoolExecutor

_END = object()


def read_ahead(iterable):
    """The items of `iterable` in order, made by one worker thread, the next one while the caller holds
    the one before. The worker alone advances the iterator; what it raises is raised to the caller in
    place of the item. Leaving early waits for the item being made, and drops it."""
    iterator = iter(iterable)
    with ThreadPoolExecutor(1, thread_name_prefix="arenda-read-ahead") as pool:
        pending = pool.submit(next, iterator, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, iterator, _END)
            yield item
