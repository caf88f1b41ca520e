"""Accounts' pages by audience: `public` (signing in and out, passwords,
language) and `staff` (the admins' pages for people's accounts)."""
