"""Attendance's pages by audience: `member` (the member's pass, QR and
history), `staff` (the desk's scanner and kiosk, the scan log, a class's
attendance list, a member's attendance) and `trainer` (the trainer's scanner
and lists, added to staff's blueprints).

Importing the package gives the blueprints with every audience's routes.
"""

from app.attendance.views import member, staff, trainer  # noqa: F401  (their routes)
