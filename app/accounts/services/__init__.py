"""Accounts' operations: `accounts` (sign-in, account admin, passwords) and
`photos` (member photos)."""
