"""Memberships: the plan catalogue, members' memberships and the credit ledger."""
