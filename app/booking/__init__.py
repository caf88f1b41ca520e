"""Booking: holds, bookings, the waitlist and the cancellation policy."""
