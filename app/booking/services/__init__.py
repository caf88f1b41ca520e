"""Booking's writes: holds and bookings (`bookings.py`), and the waitlist.

A wait for a class session's lock that runs out is a BookingError ("Many
people are booking right now"); any other lock wait raises `Busy` from
`transaction()`. Either way nothing is written.
"""
