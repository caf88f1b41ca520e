"""Idempotency keys (invariant 5): `models` stores them, `services.run_once`
runs an operation once per key, `views.idempotent` is how a form uses it."""
