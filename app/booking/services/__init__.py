"""Booking's writes: holds and bookings, and the waitlist."""
