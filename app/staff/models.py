"""Staff tables: availability, leave and cover, pay.

One section per part; each keeps to its own.
"""

from app.extensions import db  # noqa: F401


# -- availability and 1:1 slots ----------------------------------------------
#
# weekly availability blocks and dated exceptions
#


# -- leave, approval and cover -----------------------------------------------
#
# leave requests, their decisions, cover plans and substitution offers
#


# -- pay ---------------------------------------------------------------------
#
# pay rates effective from a date, monthly statements and their lines
#
