"""Membership operations: `memberships` (the plan catalogue, memberships and
credit adjustments) and `renewals` (the daily renewal check and its emails)."""
