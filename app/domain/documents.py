"""Rules shared by invoices and acts that do not belong to the schedule."""


def take_parties_from_contract(document):
    """A document's executor and customer are its contract's (kept on the row for numbering and matching)."""
    contract = document.contract
    if contract is not None:
        document.executor_id = contract.executor_id
        document.customer_id = contract.customer_id
        document.executor = contract.executor
        document.customer = contract.customer
