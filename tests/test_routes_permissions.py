"""Every route, every role: who gets the page, who is sent away, who is refused.

The tables below are the access policy written out by hand. A new route
fails `test_route_tables_cover_every_endpoint` until someone decides, here,
who may open it.
"""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.billing.models import BillingProfile, ItemKind, Order
from app.booking.models import Booking
from app.core.audit import AuditEntry
from app.core.models import utc_now
from app.memberships.models import LedgerEntry, Membership, Plan, PlanKind
from app.messaging.models import Message, MessageReport, MessageThread
from app.notifications.models import SentEmail
from app.scheduling.models import ClassSession, ClassType, Room, SessionStatus, TimetableEntry
from app.settings.models import GymSettings
from app.settings.services import change_logo
from app.trainers import services
from app.trainers.models import Certification, ClientAssignment, Trainer
from tests.accounts.support import page_text, path_for
from tests.billing.documents_support import stored_invoice
from tests.conftest import csrf_token
from tests.trainers.support import file_storage, image_bytes, pdf_bytes

ROLES = ("anonymous", "member", "trainer", "front_desk", "admin")
#: a redirect to the sign-in page, carrying ?next=
LOGIN = "/login?next="
#: expected answers are a status code, or a string: a 302 whose Location starts with it
FORGOT = "/password/forgot"


def everyone(expected):
    return dict.fromkeys(ROLES, expected)


def signed_in(expected):
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], expected)}


HOME = {"member": "/app/", "trainer": "/trainer/", "front_desk": "/admin/", "admin": "/admin/"}
ADMIN_ONLY = {"anonymous": LOGIN, "member": 403, "trainer": 403, "front_desk": 403, "admin": 200}
DESK = {"anonymous": LOGIN, "member": 403, "trainer": 403, "front_desk": 200, "admin": 200}
MEMBER_ONLY = {"anonymous": LOGIN, "member": 200, "trainer": 403, "front_desk": 403, "admin": 403}
TRAINER_ONLY = {"anonymous": LOGIN, "member": 403, "trainer": 200, "front_desk": 403, "admin": 403}
TRAINERS_AND_ADMINS = dict(TRAINER_ONLY, admin=200)

#: GET on every endpoint, for every role
GET_EXPECTED = {
    "public.index": {"anonymous": 200, **HOME},
    "public.favicon": everyone(200),
    "health.healthz": everyone(200),
    "health.version": everyone(200),
    "accounts.login": {"anonymous": 200, **HOME},
    "accounts.logout": everyone(405),
    "accounts.logout_everywhere": everyone(405),
    "accounts.set_language": everyone(405),
    "accounts.change_password": signed_in(200),
    "accounts.forgot_password": everyone(200),
    "accounts.reset_password": everyone(FORGOT),
    "members.home": {
        "anonymous": LOGIN,
        "member": 200,
        "trainer": 403,
        "front_desk": 403,
        "admin": 403,
    },
    "members.profile": {
        "anonymous": LOGIN,
        "member": 200,
        "trainer": 403,
        "front_desk": 403,
        "admin": 403,
    },
    #: the member's own photo, from the profile page; there is no URL for another's
    "members.photo": everyone(405),
    "members.remove_photo": everyone(405),
    "trainers.home": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 200,
    },
    #: the trainer's clients (the target member is one); an admin without a
    #: trainer profile has none, so one client's page is a 404 for them
    "trainer_clients.index": {**TRAINER_ONLY, "admin": 200},
    "trainer_clients.show": {**TRAINER_ONLY, "admin": 404},
    "trainer_clients.add_note": everyone(405),
    "trainer_clients.edit_note": everyone(405),
    "trainer_clients.delete_note": everyone(405),
    "schedule.member": {
        "anonymous": LOGIN,
        "member": 200,
        "trainer": 403,
        "front_desk": 403,
        "admin": 403,
    },
    "schedule.public": everyone(200),
    #: the member's booking pages; POST-only actions are in POST_ONLY
    "booking.my_bookings": MEMBER_ONLY,
    "booking.cancel": MEMBER_ONLY,
    "booking.book": everyone(405),
    "booking.hold": everyone(405),
    "booking.confirm": everyone(405),
    "booking.release": everyone(405),
    "booking.join_waitlist": everyone(405),
    "booking.leave_waitlist": everyone(405),
    "ical.public_feed": everyone(200),
    #: the path carries no real calendar token
    "ical.trainer_feed": everyone(404),
    "admin.dashboard": DESK,
    "admin.audit_log": ADMIN_ONLY,
    "notifications.index": ADMIN_ONLY,
    "notifications.show": ADMIN_ONLY,
    "settings.edit": ADMIN_ONLY,
    "settings.logo": everyone(405),
    "settings.remove_logo": everyone(405),
    #: public: the public pages show it
    "branding.logo": everyone(200),
    "branding.manifest": everyone(200),
    #: name: path_for's "not-a-token", no such icon
    "branding.app_icon": everyone(404),
    "pwa.service_worker": everyone(200),
    "pwa.offline": everyone(200),
    "pwa.offline_plan": MEMBER_ONLY,
    "users_admin.index": ADMIN_ONLY,
    "users_admin.create": ADMIN_ONLY,
    "users_admin.edit": ADMIN_ONLY,
    "users_admin.deactivate": everyone(405),
    "users_admin.reactivate": everyone(405),
    "users_admin.resend_password": everyone(405),
    "users_admin.delete": everyone(405),
    "scheduling_admin.calendar": DESK,
    "scheduling_admin.sessions": DESK,
    "scheduling_admin.session_detail": DESK,
    "scheduling_admin.session_new": ADMIN_ONLY,
    "scheduling_admin.session_edit": ADMIN_ONLY,
    "scheduling_admin.session_reschedule": ADMIN_ONLY,
    "scheduling_admin.session_cancel": ADMIN_ONLY,
    "scheduling_admin.timetable": ADMIN_ONLY,
    "scheduling_admin.timetable_new": ADMIN_ONLY,
    "scheduling_admin.timetable_edit": ADMIN_ONLY,
    "scheduling_admin.class_types": ADMIN_ONLY,
    "scheduling_admin.class_type_new": ADMIN_ONLY,
    "scheduling_admin.class_type_edit": ADMIN_ONLY,
    "scheduling_admin.rooms": ADMIN_ONLY,
    "scheduling_admin.room_new": ADMIN_ONLY,
    "scheduling_admin.room_edit": ADMIN_ONLY,
    #: staff booking tools: the roster page, then forms posted from it
    "booking_staff.roster": DESK,
    "booking_staff.book": everyone(405),
    "booking_staff.cancel": everyone(405),
    "booking_staff.no_show": everyone(405),
    #: plans are the admin's; a member's membership and credits are the desk's too
    "memberships_admin.plans": ADMIN_ONLY,
    "memberships_admin.plan_new": ADMIN_ONLY,
    "memberships_admin.plan_edit": ADMIN_ONLY,
    "memberships_admin.member": DESK,
    "memberships_admin.grant": everyone(405),
    "memberships_admin.adjust": everyone(405),
    "memberships_admin.cancel": everyone(405),
    #: the signed-in member's own membership and credits
    "memberships.membership": MEMBER_ONLY,
    "memberships.credits": MEMBER_ONLY,
    "trainers_admin.index": ADMIN_ONLY,
    "trainers_admin.create": ADMIN_ONLY,
    "trainers_admin.edit": ADMIN_ONLY,
    "trainers_admin.setup": everyone(405),
    "trainers_admin.photo": everyone(405),
    "trainers_admin.remove_photo": everyone(405),
    "trainers_admin.add_certification": everyone(405),
    "trainers_admin.remove_certification": everyone(405),
    "trainers_admin.deactivate": everyone(405),
    "trainers_admin.reactivate": everyone(405),
    "trainer_profile.edit": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 403,
    },
    "trainer_profile.photo": everyone(405),
    "trainer_profile.remove_photo": everyone(405),
    "trainer_profile.add_certification": everyone(405),
    "trainer_profile.remove_certification": everyone(405),
    #: the path names no stored photo: 404 once signed in
    "files.photo": signed_in(404),
    #: the certificate is the trainer's own: admins and its owner only
    "files.certification": {
        "anonymous": LOGIN,
        "member": 404,
        "trainer": 200,
        "front_desk": 404,
        "admin": 200,
    },
    # --- check-in: the scanner and kiosk ---
    "scanner.trainer_scanner": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 200,
    },
    "scanner.desk_scanner": DESK,
    #: the desk runs the door, so it reads the scan log too
    "scan_log.index": DESK,
    "scanner.scan": everyone(405),
    #: before kiosk mode is on, the page that starts it (a POST, so this GET locks nothing)
    "scanner.kiosk": DESK,
    "scanner.kiosk_start": everyone(405),
    #: outside kiosk mode it only says so
    "scanner.kiosk_exit": DESK,
    #: the door code members scan to check themselves in: the kiosk's (the whole
    #: gym) and a room's display (room_id is the permissions room)
    "scanner.door_qr": DESK,
    "scanner.room_door_qr": DESK,
    "scanner.room_door": DESK,
    # --- check-in: attendance lists ---
    #: session_id is "Schedule Trainer"'s class, not the test trainer's: 404 for them
    "attendance.trainer_list": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 404,
        "front_desk": 403,
        "admin": 200,
    },
    "attendance.staff_list": DESK,
    "attendance.trainer_walk_in": everyone(405),
    "attendance.staff_walk_in": everyone(405),
    "attendance.check_in": everyone(405),
    "attendance.undo": everyone(405),
    # --- check-in: the member's QR and history, a member's attendance for staff ---
    # --- billing: the desk's payments, drawer and renewals ---
    #: payment_id is a cash payment of the target member; refunds are for admins only
    "billing_desk.new_payment": DESK,
    "billing_desk.payment": DESK,
    "billing_desk.refund": everyone(405),
    "billing_desk.payments": DESK,
    "billing_desk.drawer": DESK,
    "billing_desk.renewals": DESK,
    # --- billing: invoices and credit notes ---
    #: invoice_id is people["member"]'s own invoice, its PDF already stored
    "billing_documents.my_payments": MEMBER_ONLY,
    "billing_documents.member_pdf": MEMBER_ONLY,
    "billing_documents.staff_pdf": DESK,
    # --- billing: online purchases, checkout and webhooks ---
    #: order_id is people["member"]'s order, whose gateway ref is path_for's "not-a-token"
    "billing_online.shop": MEMBER_ONLY,
    "billing_online.buy": everyone(405),
    "billing_online.order": MEMBER_ONLY,
    "billing_online.order_status": MEMBER_ONLY,
    "billing_online.sandbox_checkout": MEMBER_ONLY,
    "billing_online.webhook": everyone(405),
    "billing_online.webhook_events": ADMIN_ONLY,
    "billing_online.retry_webhook_event": everyone(405),
    # --- billing: the buyer's details on invoices (RFC, régimen, uso del CFDI) ---
    #: the member's own only; member_id is the target member's id
    "billing_profiles.member_edit": MEMBER_ONLY,
    "billing_profiles.desk_edit": DESK,
    #: booking_id is the member's own confirmed booking; member_id the target member
    "attendance_member.booking_pass": MEMBER_ONLY,
    "attendance_member.booking_qr": MEMBER_ONLY,
    "attendance_member.history": MEMBER_ONLY,
    #: self check-in: the camera page, whose POST takes the door code read
    "attendance_member.check_in": MEMBER_ONLY,
    "attendance_profile.member_attendance": DESK,
    #: the desk's member search (results page and type-ahead partials)
    "member_search.index": DESK,
    #: the staff member page (member_id: the target member) and the walk-in sign-up
    "member_page.show": DESK,
    "member_page.new": DESK,
    "member_page.book": everyone(405),
    "member_page.check_in": everyone(405),
    "member_page.reset_password": everyone(405),
    "member_page.assign_trainer": everyone(405),
    # --- messages: the member's, the trainer's (a thread of `member` and `trainer`),
    # and the reported-messages queue; staff never open a thread without a report ---
    "messaging_member.index": MEMBER_ONLY,
    "messaging_member.new": MEMBER_ONLY,
    "messaging_member.thread": MEMBER_ONLY,
    #: `after` is absent (0): the thread's message is news
    "messaging_member.poll": MEMBER_ONLY,
    "messaging_member.file": MEMBER_ONLY,
    "messaging_member.report": everyone(405),
    "messaging_trainer.inbox": TRAINER_ONLY,
    "messaging_trainer.new": TRAINER_ONLY,
    "messaging_trainer.thread": TRAINER_ONLY,
    "messaging_trainer.poll": TRAINER_ONLY,
    "messaging_trainer.file": TRAINER_ONLY,
    "messaging_trainer.report": everyone(405),
    # --- support: members' tickets; admins and the desk answer them ---
    "support_member.index": MEMBER_ONLY,
    "support_member.new": MEMBER_ONLY,
    "support_member.ticket": MEMBER_ONLY,
    "support_member.photo": MEMBER_ONLY,
    "support_staff.index": DESK,
    "support_staff.ticket": DESK,
    "support_staff.photo": DESK,
    "support_staff.reply": everyone(405),
    "support_staff.status": everyone(405),
    "support_staff.assign": everyone(405),
    "support_incidents.incidents": DESK,
    "support_incidents.new_incident": DESK,
    #: reported by the trainer: a client incident, admins and its reporter only
    "support_incidents.incident": {**DESK, "front_desk": 404},
    "support_incidents.resolve": everyone(405),
    "support_incidents.assign": everyone(405),
    "support_trainer.incidents": TRAINER_ONLY,
    "support_trainer.new_incident": TRAINER_ONLY,
    "support_trainer.incident": TRAINER_ONLY,
    # --- programs: trainers (and admins) build and assign; members read and log ---
    "programs_trainer.index": TRAINERS_AND_ADMINS,
    "programs_trainer.new": TRAINER_ONLY,
    "programs_trainer.show": TRAINERS_AND_ADMINS,
    "programs_trainer.details": everyone(405),
    "programs_trainer.add_day": everyone(405),
    "programs_trainer.remove_day": everyone(405),
    "programs_trainer.add_line": TRAINERS_AND_ADMINS,
    "programs_trainer.edit_line": TRAINERS_AND_ADMINS,
    "programs_trainer.remove_line": everyone(405),
    "programs_trainer.move_line": everyone(405),
    "programs_trainer.assign": TRAINERS_AND_ADMINS,
    "programs_trainer.end": everyone(405),
    "programs_trainer.client": TRAINERS_AND_ADMINS,
    "programs_trainer.diet": TRAINERS_AND_ADMINS,
    "programs_trainer.add_meal": everyone(405),
    "programs_trainer.remove_meal": everyone(405),
    "programs_trainer.exercises": TRAINERS_AND_ADMINS,
    "programs_trainer.new_exercise": TRAINERS_AND_ADMINS,
    "programs_trainer.edit_exercise": TRAINERS_AND_ADMINS,
    "programs_member.index": MEMBER_ONLY,
    "programs_member.log_set": everyone(405),
    "programs_member.remove_set": everyone(405),
    "programs_member.progress": MEMBER_ONLY,
    "programs_member.diet": MEMBER_ONLY,
    "messaging_staff.queue": ADMIN_ONLY,
    # --- leads: anyone applies, admins and front desk follow up ---
    "leads_public.join": everyone(200),
    "leads_public.thanks": everyone(200),
    "leads_staff.index": DESK,
    "leads_staff.detail": DESK,
    "leads_staff.update": DESK,  # same path as the detail page: a GET reaches it
    "leads_staff.convert": everyone(405),
    #: the report of the thread's message is open
    "messaging_staff.report": ADMIN_ONLY,
    "messaging_staff.thread": {**ADMIN_ONLY, "admin": "/admin/messages/reports/"},
    "messaging_staff.dismiss": everyone(405),
    "messaging_staff.hide": everyone(405),
    "messaging_staff.close": everyone(405),
    #: the desk's photo of a member, posted from the member page
    "member_photos.change": everyone(405),
    "member_photos.remove": everyone(405),
    #: each person's notification choices; the unsubscribe path carries no real token
    "notifications_member.settings": MEMBER_ONLY,
    "notifications_trainer.settings": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 403,
    },
    "notifications_public.unsubscribe": everyone(404),
    #: the "Can't make it?" page of reminder emails; the path carries no real token
    "booking_link.cant_make_it": everyone(404),
    #: Web Push: the page's script posts the browser's subscription; the device
    #: list's "remove"; the trainer portal's worker is the same file for everyone
    "notifications_member.push_subscribe": everyone(405),
    "notifications_trainer.push_subscribe": everyone(405),
    "notifications_member.push_remove": everyone(405),
    "notifications_trainer.push_remove": everyone(405),
    "notifications_trainer.worker": everyone(200),
    #: each person's own notification centre, in their audience's layout
    "notifications_member.centre": MEMBER_ONLY,
    "notifications_trainer.centre": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 200,
    },
    "notifications_staff.centre": DESK,
    "notifications_public.count": signed_in(200),
    "notifications_public.open": everyone(405),
    "notifications_public.mark_all_read": everyone(405),
    # --- leave, approval and cover ---
    "staff_trainer.leave": TRAINER_ONLY,
    "staff_trainer.leave_withdraw": everyone(405),
    #: a trainer's own class; the test session is another trainer's
    "staff_trainer.session": {**TRAINER_ONLY, "trainer": 404},
    "staff_trainer.session_reschedule": everyone(405),
    "staff_trainer.session_cancel": everyone(405),
    "staff_admin.leave_inbox": ADMIN_ONLY,
    "staff_admin.leave_detail": ADMIN_ONLY,
    "staff_admin.leave_decide": everyone(405),
    "staff_admin.cover_substitute": everyone(405),
    "staff_admin.cover_cancel": everyone(405),
    "staff_admin.cover_offer": everyone(405),
    "staff_trainer.offer_accept": everyone(405),
    "staff_trainer.session_offer": everyone(405),
    # --- trainer pay: admins run it; a trainer downloads their own final statements ---
    "staff_admin.pay_month": ADMIN_ONLY,
    "staff_admin.pay_draft": everyone(405),
    "staff_admin.pay_export_csv": ADMIN_ONLY,
    "staff_admin.pay_export_xlsx": ADMIN_ONLY,
    "staff_admin.pay_statement": ADMIN_ONLY,
    "staff_admin.pay_statement_pdf": ADMIN_ONLY,
    "staff_admin.pay_adjust": everyone(405),
    "staff_admin.pay_recompute": everyone(405),
    "staff_admin.pay_finalise": everyone(405),
    "staff_admin.pay_rates": ADMIN_ONLY,
    "staff_trainer.pay": TRAINER_ONLY,
    "staff_trainer.pay_pdf": TRAINER_ONLY,
    # --- staff: availability and 1:1 slots ---
    #: block_id / exception_id are the permissions trainer's own; trainer_id is theirs
    "staff_trainer.availability": TRAINER_ONLY,
    "staff_trainer.add_block": everyone(405),
    "staff_trainer.edit_block": TRAINER_ONLY,
    "staff_trainer.delete_block": everyone(405),
    "staff_trainer.add_exception": everyone(405),
    "staff_trainer.delete_exception": everyone(405),
    "staff_trainer.audience": everyone(405),
    "staff_admin.availability": ADMIN_ONLY,
    "staff_admin.add_block": everyone(405),
    "staff_admin.edit_block": ADMIN_ONLY,
    "staff_admin.delete_block": everyone(405),
    "staff_admin.add_exception": everyone(405),
    "staff_admin.delete_exception": everyone(405),
    "staff_admin.audience": everyone(405),
    "staff_member.index": MEMBER_ONLY,
    "staff_member.trainer": MEMBER_ONLY,
    "staff_member.book": everyone(405),
}

#: endpoints that take POST only, and the roles that may post to them (None: anyone)
POST_ONLY = {
    "accounts.logout": None,
    "accounts.logout_everywhere": None,
    "accounts.set_language": None,
    "users_admin.deactivate": {"admin"},
    "users_admin.reactivate": {"admin"},
    "users_admin.resend_password": {"admin"},
    "users_admin.delete": {"admin"},
    "trainers_admin.setup": {"admin"},
    "trainers_admin.photo": {"admin"},
    "trainers_admin.remove_photo": {"admin"},
    "trainers_admin.add_certification": {"admin"},
    "trainers_admin.remove_certification": {"admin"},
    "trainers_admin.deactivate": {"admin"},
    "trainers_admin.reactivate": {"admin"},
    "trainer_profile.photo": {"trainer"},
    "trainer_profile.remove_photo": {"trainer"},
    "settings.logo": {"admin"},
    "settings.remove_logo": {"admin"},
    "trainer_profile.add_certification": {"trainer"},
    "trainer_profile.remove_certification": {"trainer"},
    "booking.book": {"member"},
    "booking.hold": {"member"},
    "booking.confirm": {"member"},
    "booking.release": {"member"},
    "booking.join_waitlist": {"member"},
    "booking.leave_waitlist": {"member"},
    "booking_staff.book": {"admin", "front_desk"},
    "booking_staff.cancel": {"admin", "front_desk"},
    "booking_staff.no_show": {"admin", "front_desk"},
    #: a complimentary plan is the admin's alone; the desk sells through billing
    "memberships_admin.grant": {"admin"},
    "memberships_admin.adjust": {"admin", "front_desk"},
    "memberships_admin.cancel": {"admin", "front_desk"},
    # --- check-in: the scanner and kiosk ---
    "scanner.scan": {"admin", "front_desk", "trainer"},
    "scanner.kiosk_start": {"admin", "front_desk"},
    # --- check-in: attendance lists ---
    #: a trainer's tap on another trainer's booking is a 404 (test_list_views)
    "attendance.trainer_walk_in": {"admin", "trainer"},
    "attendance.staff_walk_in": {"admin", "front_desk"},
    "attendance.check_in": {"admin", "front_desk", "trainer"},
    "attendance.undo": {"admin", "front_desk", "trainer"},
    # --- check-in: the member's QR and history, a member's attendance for staff ---
    # --- billing: the desk's payments, drawer and renewals ---
    "billing_desk.refund": {"admin"},
    # --- billing: invoices and credit notes ---
    # --- billing: online purchases, checkout and webhooks ---
    "billing_online.buy": {"member"},
    "billing_online.webhook": None,
    "billing_online.retry_webhook_event": {"admin"},
    # --- member photos: the member's own, and the desk's for any member ---
    "members.photo": {"member"},
    "members.remove_photo": {"member"},
    "member_photos.change": {"admin", "front_desk"},
    "member_photos.remove": {"admin", "front_desk"},
    # --- the staff member page's actions ---
    "member_page.book": {"admin", "front_desk"},
    "member_page.check_in": {"admin", "front_desk"},
    "member_page.reset_password": {"admin", "front_desk"},
    "member_page.assign_trainer": {"admin", "front_desk"},
    # --- messages: reports by the two people of a thread, answered by admins ---
    "messaging_member.report": {"member"},
    "messaging_trainer.report": {"trainer"},
    "messaging_staff.dismiss": {"admin"},
    "messaging_staff.hide": {"admin"},
    "messaging_staff.close": {"admin"},
    # --- leads: admins and front desk ---
    "leads_staff.update": {"admin", "front_desk"},
    "leads_staff.convert": {"admin", "front_desk"},
    "support_staff.reply": {"admin", "front_desk"},
    "support_staff.status": {"admin", "front_desk"},
    "support_staff.assign": {"admin", "front_desk"},
    "support_incidents.resolve": {"admin", "front_desk"},
    "support_incidents.assign": {"admin", "front_desk"},
    # --- Web Push devices: each person's own ---
    "notifications_member.push_subscribe": {"member"},
    "notifications_trainer.push_subscribe": {"trainer"},
    "notifications_member.push_remove": {"member"},
    "notifications_trainer.push_remove": {"trainer"},
    # --- programs: another trainer's ids are a 404 (tests/programs/test_views.py) ---
    "programs_trainer.details": {"admin", "trainer"},
    "programs_trainer.add_day": {"admin", "trainer"},
    "programs_trainer.remove_day": {"admin", "trainer"},
    "programs_trainer.remove_line": {"admin", "trainer"},
    "programs_trainer.move_line": {"admin", "trainer"},
    "programs_trainer.end": {"admin", "trainer"},
    "programs_trainer.add_meal": {"admin", "trainer"},
    "programs_trainer.remove_meal": {"admin", "trainer"},
    "programs_member.log_set": {"member"},
    "programs_member.remove_set": {"member"},
    # --- the notification centre: anyone's own notifications ---
    "notifications_public.open": None,
    "notifications_public.mark_all_read": None,
    # --- a trainer's notes about their own clients ---
    "trainer_clients.add_note": {"trainer"},
    "trainer_clients.edit_note": {"trainer"},
    "trainer_clients.delete_note": {"trainer"},
    # --- leave, approval and cover ---
    "staff_trainer.leave_withdraw": {"trainer"},
    "staff_trainer.session_reschedule": {"trainer"},
    "staff_trainer.session_cancel": {"trainer"},
    "staff_admin.leave_decide": {"admin"},
    "staff_admin.cover_substitute": {"admin"},
    "staff_admin.cover_cancel": {"admin"},
    "staff_admin.cover_offer": {"admin"},
    "staff_trainer.offer_accept": {"trainer"},
    "staff_trainer.session_offer": {"trainer"},
    # --- trainer pay ---
    "staff_admin.pay_draft": {"admin"},
    "staff_admin.pay_adjust": {"admin"},
    "staff_admin.pay_recompute": {"admin"},
    "staff_admin.pay_finalise": {"admin"},
    # --- staff: availability and 1:1 slots ---
    "staff_trainer.add_block": {"trainer"},
    "staff_trainer.delete_block": {"trainer"},
    "staff_trainer.add_exception": {"trainer"},
    "staff_trainer.delete_exception": {"trainer"},
    "staff_trainer.audience": {"trainer"},
    "staff_admin.add_block": {"admin"},
    "staff_admin.delete_block": {"admin"},
    "staff_admin.add_exception": {"admin"},
    "staff_admin.delete_exception": {"admin"},
    "staff_admin.audience": {"admin"},
    "staff_member.book": {"member"},
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _allowed_to_post(endpoint: str) -> set[str] | None:
    """Roles that may POST here; None when the endpoint is not staff-only."""
    if endpoint in POST_ONLY:
        return POST_ONLY[endpoint]
    row = GET_EXPECTED[endpoint]
    if 403 not in row.values():
        return None
    return {role for role, expected in row.items() if expected == 200}


@pytest.fixture
def people(factories):
    return {
        "member": factories.member(),
        "trainer": factories.trainer(),
        "front_desk": factories.front_desk(),
        "admin": factories.admin(),
        "target": factories.member(name="Target Person"),
    }


@pytest.fixture
def ids(app, db, people, tmp_path, monkeypatch, factories):
    """Ids to put in <int:...> parameters, so that each names an existing row."""
    email = SentEmail(
        key="permissions-test",
        user_id=people["target"].id,
        to=people["target"].email,
        language="en",
        template="password_changed",
        context={"name": "Target Person"},
    )
    db.session.add(email)
    db.session.commit()
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    trainer = services.ensure_trainer_profile(people["trainer"].id, actor=people["admin"])
    certification = services.add_certification(
        trainer.id,
        title="First aid",
        upload=file_storage(pdf_bytes(), "first-aid.pdf", "application/pdf"),
        actor=people["trainer"],
    )
    # a photo and a logo, so that a refused "remove" would show in _state
    services.change_photo(trainer.id, file_storage(image_bytes()), actor=people["trainer"])
    change_logo(file_storage(image_bytes((300, 100)), "logo.png"), actor=people["admin"])
    scheduled = _scheduled(db, factories)
    booking = Booking(session_id=scheduled["session_id"], member_id=people["member"].id)
    db.session.add(booking)
    online_plan = Plan(name="Online Plan", kind=PlanKind.UNLIMITED, price_minor=100)
    order = Order(
        member_id=people["member"].id,
        kind=ItemKind.PLAN,
        plan=online_plan,
        amount_minor=100,
        currency="MXN",
        gateway="sandbox",
        gateway_ref="not-a-token",
    )
    db.session.add(order)
    db.session.commit()
    from app.billing.models import Payment, PaymentMethod

    payment = Payment(
        member_id=people["target"].id, method=PaymentMethod.CASH, amount_minor=100, currency="MXN"
    )
    db.session.add(payment)
    db.session.add(ClientAssignment(member_id=people["target"].id, trainer_id=trainer.id))
    db.session.commit()
    note = services.add_client_note(people["target"].id, "A note", actor=people["trainer"])
    return {
        "note_id": note.id,
        "payment_id": payment.id,
        "order_id": order.id,
        **scheduled,
        "user_id": people["target"].id,
        "email_id": email.id,
        "trainer_id": trainer.id,
        "certification_id": certification.id,
        "booking_id": booking.id,
        **stored_invoice(db, people["member"]),
        **_conversation(app, db, people, trainer),
        **_membership(db, people["target"]),
        **_programs(app, db, people, trainer),
        "leave_id": _leave(db, trainer),
        "lead_id": _lead(db),
        **_statement(db, trainer),
        **_availability(db, trainer),
        **_ticket(app, people),
    }


def _ticket(app, people) -> dict[str, int]:
    """A ticket of `member` whose first message has a photo."""
    from app.support.services import open_ticket

    with app.test_request_context():
        ticket = open_ticket(
            people["member"],
            category="other",
            subject="Locker",
            message="My locker is stuck.",
            photo=file_storage(image_bytes(), "photo.png"),
        )
    from app.support.queries import replies
    from app.support.services import report_incident

    incident = report_incident(
        people["trainer"],
        kind="client",
        severity="low",
        description="Twisted an ankle.",
        member_id=people["member"].id,
    )
    return {
        "ticket_id": ticket.id,
        "reply_id": replies(ticket.id, with_internal=False)[0].id,
        "incident_id": incident.id,
    }


def _leave(db, trainer) -> int:
    """A pending leave request of the signed-in trainer's."""
    from app.core.i18n import gym_zone
    from app.staff.models import Leave, LeaveKind, leave_span

    day = date.today() + timedelta(days=10)
    starts_at, ends_at = leave_span(day, day, None, None, gym_zone())
    leave = Leave(
        trainer_id=trainer.id,
        kind=LeaveKind.VACATION,
        first_day=day,
        last_day=day,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    db.session.add(leave)
    db.session.commit()
    return leave.id


def _statement(db, trainer) -> dict[str, int]:
    """A final pay statement of the signed-in trainer, for their download and
    the admins' statement pages."""
    from app.staff.models import PayStatement, StatementStatus

    statement = PayStatement(
        trainer_id=trainer.id,
        month=date(2026, 11, 1),
        currency="MXN",
        status=StatementStatus.FINAL,
        finalised_at=utc_now(),
    )
    db.session.add(statement)
    db.session.commit()
    return {"statement_id": statement.id}


def _availability(db, trainer) -> dict[str, int]:
    """A weekly block and a day off of the permissions trainer."""
    from app.staff.models import AvailabilityBlock, AvailabilityException, ExceptionKind

    block = AvailabilityBlock(
        trainer_id=trainer.id,
        weekday=2,
        start_time=time(9),
        end_time=time(12),
        valid_from=date.today(),
    )
    day_off = AvailabilityException(
        trainer_id=trainer.id, on_day=date.today() + timedelta(days=3), kind=ExceptionKind.OFF
    )
    db.session.add_all([block, day_off])
    db.session.commit()
    return {"block_id": block.id, "exception_id": day_off.id}


def _conversation(app, db, people, trainer) -> dict[str, int]:
    """A thread of `member` and `trainer` (her assigned trainer) with a photo,
    and an open report about its message."""
    from app.messaging.services import report_message, send_message

    db.session.add(ClientAssignment(member_id=people["member"].id, trainer_id=trainer.id))
    db.session.commit()
    with app.test_request_context():
        sent = send_message(
            people["trainer"],
            member_id=people["member"].id,
            text="Hello",
            files=[file_storage(image_bytes(), "photo.png")],
        )
        report = report_message(sent.id, reason="", actor=people["member"])
    assert isinstance(report, MessageReport)
    return {
        "thread_id": sent.thread_id,
        "message_id": sent.id,
        "attachment_id": sent.attachments[0].id,
        "report_id": report.id,
    }


def _lead(db) -> int:
    from app.leads.models import Interest, Lead

    lead = Lead(name="Lena Lead", email="lena@example.com", interest=Interest.CLASSES)
    db.session.add(lead)
    db.session.commit()
    return lead.id


def _programs(app, db, people, trainer) -> dict[str, int]:
    """The trainer's program for `member` (their client, see _conversation),
    a set she logged, and her diet chart with a meal."""
    from app.programs.models import Exercise, Program, ProgramDay, ProgramLine, ProgramStatus
    from app.programs.services import diet, logs

    exercise = Exercise(
        name_en="Squat", name_es="Sentadilla", muscle_group="legs", equipment="barbell"
    )
    line = ProgramLine(position=1, exercise=exercise, sets=3, reps_min=5, weight_g=60_000)
    program = Program(
        trainer_id=trainer.id,
        member_id=people["member"].id,
        status=ProgramStatus.ACTIVE,
        name="Permissions Program",
        starts_on=date.today() - timedelta(days=1),
        days=[ProgramDay(position=1, name="Day 1", lines=[line])],
    )
    db.session.add(program)
    db.session.commit()
    with app.test_request_context():
        logged = logs.log_set(line.id, reps=5, weight="60", actor=people["member"])
        chart = diet.assign_diet_chart(
            people["member"].id,
            name="Chart",
            kcal=2000,
            protein_g=1,
            carbs_g=1,
            fat_g=1,
            actor=people["trainer"],
        )
        meal = diet.add_meal(chart.id, name="Lunch", items="Rice: 100 g", actor=people["trainer"])
    return {
        "program_id": program.id,
        "day_id": program.days[0].id,
        "line_id": line.id,
        "exercise_id": exercise.id,
        "client_id": people["member"].id,
        "log_id": logged.id,
        "chart_id": chart.id,
        "meal_id": meal.id,
    }


def _scheduled(db, factories) -> dict[str, int]:
    """A room, class type, timetable entry and an upcoming session, for their pages."""
    teacher = Trainer(user=factories.trainer(name="Schedule Trainer"))
    room = Room(name="Permissions Room", capacity=10)
    class_type = ClassType(name="Permissions Class", default_capacity=8)
    entry = TimetableEntry(
        class_type=class_type,
        trainer=teacher,
        room=room,
        weekdays=1,
        start_time=time(7),
        starts_on=date.today(),
    )
    starts_at = utc_now() + timedelta(days=2)
    class_session = ClassSession(
        class_type=class_type,
        trainer=teacher,
        room=room,
        occurs_on=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        capacity=8,
    )
    db.session.add_all([teacher, room, class_type, entry, class_session])
    db.session.commit()
    return {
        "room_id": room.id,
        "class_type_id": class_type.id,
        "entry_id": entry.id,
        "session_id": class_session.id,
    }


def _membership(db, target) -> dict[str, int]:
    """A plan on sale and the target member's membership of it."""
    plan = Plan(name="Permissions Plan", kind=PlanKind.UNLIMITED, price_minor=100)
    membership = Membership(
        member_id=target.id,
        plan=plan,
        period_start=date.today(),
        period_end=date.today() + timedelta(days=29),
    )
    db.session.add_all([plan, membership])
    db.session.commit()
    return {"plan_id": plan.id, "membership_id": membership.id}


def _check(response, expected) -> str | None:
    """Why `response` is not what the table says, or None."""
    if isinstance(expected, str):
        if response.status_code != 302 or not response.location.startswith(expected):
            return f"{response.status_code} → {response.location}"
        return None
    if response.status_code != expected:
        return f"{response.status_code} → {response.location}"
    return None


def test_route_tables_cover_every_endpoint(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    post_only = {
        rule.endpoint
        for rule in _rules(app)
        if "POST" in rule.methods and "GET" not in rule.methods
    }

    assert endpoints == set(GET_EXPECTED)
    assert post_only == set(POST_ONLY)
    assert all(set(row) == set(ROLES) for row in GET_EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_as_the_table_says_when_opened_by_each_role(
    app, client, login, people, ids, role
):
    if role != "anonymous":
        login(people[role])
    rules = [rule for rule in _rules(app) if rule.endpoint in GET_EXPECTED]

    wrong = {}
    for rule in rules:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.get(path)
        expected = GET_EXPECTED[rule.endpoint][role]
        if problem := _check(response, expected):
            wrong[rule.endpoint] = f"{path}: expected {expected}, got {problem}"
        elif expected == 403:
            assert "You don't have access to this page" in page_text(response), path

    assert wrong == {}


def _state(db, target_id: int):
    target = db.session.get(User, target_id, populate_existing=True)
    return (
        target.name,
        target.role,
        target.status,
        target.deleted_at,
        target.password_hash,
        target.photo_path,
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
        db.session.scalar(select(func.count()).select_from(SentEmail)),
        db.session.scalar(select(func.count()).select_from(GymSettings)),
        db.session.scalar(select(GymSettings.logo_path)),
        tuple(db.session.scalars(select(User.photo_path).order_by(User.id))),
        db.session.scalar(select(func.count()).select_from(Trainer)),
        db.session.scalar(select(func.count()).select_from(Certification)),
        db.session.scalar(select(func.count()).select_from(Room)),
        db.session.scalar(select(func.count()).select_from(ClassType)),
        db.session.scalar(select(func.count()).select_from(TimetableEntry)),
        db.session.scalar(select(func.count()).select_from(ClassSession)),
        db.session.scalar(
            select(func.count())
            .select_from(ClassSession)
            .where(ClassSession.status == SessionStatus.CANCELLED)
        ),
        tuple(db.session.scalars(select(Room.capacity).order_by(Room.id))),
        tuple(db.session.execute(select(Plan.name, Plan.is_active).order_by(Plan.id))),
        tuple(db.session.scalars(select(Membership.status).order_by(Membership.id))),
        db.session.scalar(select(func.count()).select_from(Membership)),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
        db.session.scalar(select(func.count()).select_from(BillingProfile)),
        tuple(db.session.execute(select(MessageReport.status, MessageReport.resolved_at))),
        tuple(db.session.scalars(select(Message.hidden_at))),
        tuple(db.session.scalars(select(MessageThread.closed_at))),
        db.session.scalar(select(func.count()).select_from(Message)),
        db.session.scalar(select(func.count()).select_from(ClientAssignment)),
        _pay_state(db),
    )


def _pay_state(db) -> tuple:
    from app.staff.models import PayAdjustment, PayRate, PayStatement

    return (
        db.session.scalar(select(func.count()).select_from(PayRate)),
        db.session.scalar(select(func.count()).select_from(PayAdjustment)),
        tuple(db.session.execute(select(PayStatement.status, PayStatement.computed_at))),
    )


def _hostile_form() -> dict:
    """A form that would change things if it got through."""
    return {
        "name": "Hijacked",
        "email": "hijacked@example.com",
        "role": "admin",
        "language": "en",
        "gym_name": "Hijacked Gym",
        "timezone": "UTC",
        "currency": "USD",
        "default_language": "en",
        "tax_rate": "0",
        "bio": "Hijacked",
        "specialties": "hijacked",
        "hourly_rate": "99999.00",
        "title": "Hijacked",
        "capacity": "3",
        "reason": "Hijacked",
        "day": "2099-01-01",
        "starts_at": "07:00",
        "price": "1.00",
        "kind": "unlimited",
        "interval": "month",
        "plan_id": "1",
        "starts_on": "2099-01-01",
        "credits": "5",
        "expires_on": "2099-01-01",
        "amount": "100.00",
        "basis": "per_class",
        "effective_from": "2026-12-01",
        "month": "2026-11",
    }


@pytest.mark.parametrize("role", ["member", "trainer", "front_desk"])
def test_staff_forms_answer_403_when_posted_by_a_role_without_access(
    app, db, client, login, people, ids, role
):
    login(people[role])
    token = csrf_token(client, "/password/forgot")
    refused = [
        rule
        for rule in _rules(app)
        if "POST" in rule.methods
        and (allowed := _allowed_to_post(rule.endpoint)) is not None
        and role not in allowed
    ]
    assert refused, "no staff-only form to try"
    before = _state(db, ids["user_id"])

    answers = {}
    for rule in refused:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.post(path, data={**_hostile_form(), "csrf_token": token})
        answers[rule.endpoint] = response.status_code

    assert answers == dict.fromkeys(answers, 403)
    assert _state(db, ids["user_id"]) == before
    target = db.session.get(User, ids["user_id"])
    assert (target.role, target.status) == (Role.MEMBER, UserStatus.ACTIVE)


def test_staff_forms_send_to_sign_in_when_posted_signed_out(app, db, client, people, ids):
    token = csrf_token(client, "/login")
    staff_only = [
        rule
        for rule in _rules(app)
        if "POST" in rule.methods and _allowed_to_post(rule.endpoint) is not None
    ]
    before = _state(db, ids["user_id"])

    wrong = {}
    for rule in staff_only:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.post(path, data={**_hostile_form(), "csrf_token": token})
        if problem := _check(response, "/login"):
            wrong[rule.endpoint] = problem

    assert wrong == {}
    assert _state(db, ids["user_id"]) == before


@pytest.mark.parametrize("role", ["member", "front_desk"])
def test_staff_forms_answer_400_when_posted_without_csrf_token(
    app, db, client, login, people, ids, role
):
    login(people[role])
    before = _state(db, ids["user_id"])

    answers = {
        rule.endpoint: client.post(
            path_for(app, rule, ids, default_id=ids["user_id"]), data=_hostile_form()
        ).status_code
        for rule in _rules(app)
        if "POST" in rule.methods and _allowed_to_post(rule.endpoint) is not None
    }

    assert answers == dict.fromkeys(answers, 400)
    assert _state(db, ids["user_id"]) == before
