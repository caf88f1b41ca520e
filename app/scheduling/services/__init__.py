"""Scheduling's writes: the catalogue, single sessions and the timetable.

Each service runs in one `transaction()`, which raises `Busy` (a
DomainError) when a lock wait runs out; nothing is written then.
"""
