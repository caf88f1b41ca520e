"""Scheduling: rooms, class types, the recurring timetable and class sessions."""
