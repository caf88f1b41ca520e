"""Billing's reads for its pages, one module per thing they show: `payments`
(what the desk can sell, the payment list and its totals, a member's
payments and billing details), `renewals` (memberships to renew at the desk),
`drawer` (a day's cash tally and saved counts) and `online` (the shop, an
order's receipt, the gateway's events)."""
