"""Booking's reads: spots taken, the member's and the staff's pages, the ledger's answers."""
