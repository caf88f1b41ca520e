"""Staff pages, one module per audience.

`trainer` (`staff_trainer`, /trainer): a trainer's availability, leave and pay.
`staff` (`staff_admin`, /admin/staff): admins keep availability, decide leave,
plan cover and run pay.
`member` (`staff_member`, /app/trainers): members book a 1:1 from free slots.
"""
