"""Billing's operations, one module per thing they change: `payments`
(taking money, refunds and voids), `invoices` (numbers, amounts, issuing),
`drawer` (the cash count), `orders` (the shop's orders), `webhooks` (the
gateway's events), `profiles` (a member's billing details) and `documents`
(the invoice PDF and the receipt email)."""
