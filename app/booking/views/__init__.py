"""Booking's pages: the member's buttons and bookings, the desk's roster."""
