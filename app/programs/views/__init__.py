"""Programs pages, one module per audience.

`trainer` (`programs_trainer`, /trainer/programs): trainers (and admins)
keep the exercise library, build programs, assign them and diet charts to
clients, and follow each client's logs, progress and adherence.
`member` (`programs_member`, /app/program): the member's own program, the
sets they log, their progress and their diet chart.
"""
