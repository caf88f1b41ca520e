"""The periodic jobs, all in one place; run by `rq cron jobs/schedule.py`.

RQ's own cron scheduler is used: rq-scheduler has had no release since 2024
and fails with the RQ 2 line we pin.
"""

from rq import cron

from jobs.runner import (
    cancel_lapsed_one_to_ones,
    check_renewals,
    daily_housekeeping,
    draft_pay_statements,
    expire_holds,
    fill_timetable_horizon,
    mark_no_shows,
    seal_audit_log,
    send_reminders,
    send_uncovered_digest,
    sweep_outbox,
    tend_online_payments,
    warn_expiring_credits,
)

QUEUE = "cupo"

cron.register(sweep_outbox, QUEUE, interval=60)
# 06:10 UTC is just after midnight in Mexico City; any hour works, the fill is idempotent
cron.register(fill_timetable_horizon, QUEUE, cron="10 6 * * *")
cron.register(expire_holds, QUEUE, interval=60)
cron.register(daily_housekeeping, QUEUE, cron="20 6 * * *")
# after local midnight, so the check sees the new day
cron.register(check_renewals, QUEUE, cron="30 6 * * *")
cron.register(mark_no_shows, QUEUE, interval=300)
cron.register(tend_online_payments, QUEUE, interval=60)
# requests write audit entries without a shared lock; this links them in order
cron.register(seal_audit_log, QUEUE, interval=60)
cron.register(send_reminders, QUEUE, interval=300)
cron.register(cancel_lapsed_one_to_ones, QUEUE, interval=300)
# hourly, as the gym's 09:00 can be any UTC hour; it acts from 09:00 local, once per lot
cron.register(warn_expiring_credits, QUEUE, cron="5 * * * *")
# hourly, as the gym's 07:00 can be any UTC hour; from 07:00 local, once a day
cron.register(send_uncovered_digest, QUEUE, cron="15 * * * *")
# hourly, as the gym's 06:00 on the 1st can be any UTC hour; it drafts once per month
cron.register(draft_pay_statements, QUEUE, cron="25 * * * *")
