"""Attendance's pages by audience: `member` (the member's pass, QR and
history) and `staff` (the desk's scanner and kiosk, the scan log, a class's
attendance list, a member's attendance; with the trainer's scanner and list)."""
