"""Scheduling's forms: shared fields, the catalogue, and single sessions."""
