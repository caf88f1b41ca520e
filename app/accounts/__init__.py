"""Accounts: users, roles, sign-in, passwords."""
