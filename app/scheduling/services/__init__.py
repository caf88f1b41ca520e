"""Scheduling's writes: the catalogue, single sessions and the timetable."""
