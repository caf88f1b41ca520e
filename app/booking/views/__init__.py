"""Booking's pages: the member's buttons and bookings, the desk's roster, and
the "Can't make it?" page of reminder emails (`public.py`, no sign-in)."""
