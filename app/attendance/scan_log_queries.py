"""What the scan log page reads: one local day of scans, its counts, and the
devices that read suspiciously many unknown codes.

Every function runs one statement (the page, two: its count and its rows),
whatever the number of scans.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.attendance.models import ScanAttempt, ScanResult
from app.booking.models import Booking
from app.core.clock import local_date, local_day_bounds
from app.core.i18n import gym_zone
from app.core.models import utc_now
from app.core.permissions import STAFF
from app.extensions import db
from app.scheduling.queries import page_number

SCANS_PER_PAGE = 50
#: this many unknown codes from one device in a day reads like guessing
GUESSING_UNKNOWN_CODES = 10
#: results that let the member in; every other result is a failure
OK_RESULTS = tuple(result for result in ScanResult if result.ok)
FAILURES = "failures"


def today() -> date:
    return local_date(utc_now(), gym_zone())


@dataclass
class ScanSearch:
    day: date
    #: a ScanResult, FAILURES, or None for every result
    result: ScanResult | str | None = None
    scanner_id: int | None = None
    device: str | None = None


@dataclass
class DayCounts:
    scans: int
    check_ins: int
    failures: int


def _on_day(day: date) -> list:
    start, end = local_day_bounds(day, gym_zone())
    return [ScanAttempt.scanned_at >= start, ScanAttempt.scanned_at < end]


def _conditions(search: ScanSearch) -> list:
    conditions = _on_day(search.day)
    if search.result == FAILURES:
        conditions.append(ScanAttempt.result.not_in(OK_RESULTS))
    elif isinstance(search.result, ScanResult):
        conditions.append(ScanAttempt.result == search.result)
    if search.scanner_id:
        conditions.append(ScanAttempt.scanner_id == search.scanner_id)
    if search.device:
        conditions.append(ScanAttempt.device == search.device)
    return conditions


def scans_page(search: ScanSearch, page: int | None):
    """Scans matching `search`, newest first, with the scanner, and the
    booking's member and class when the code named one."""
    query = (
        select(ScanAttempt)
        .options(
            joinedload(ScanAttempt.scanner),
            joinedload(ScanAttempt.booking).joinedload(Booking.member),
            joinedload(ScanAttempt.booking).joinedload(Booking.session),
        )
        .where(*_conditions(search))
        .order_by(ScanAttempt.scanned_at.desc(), ScanAttempt.id.desc())
    )
    return db.paginate(
        query, page=page_number(page), per_page=SCANS_PER_PAGE, error_out=False, count=True
    )


def day_counts(day: date) -> DayCounts:
    """Scans on `day` at every scanner: all of them, check-ins, failures."""
    ok = case((ScanAttempt.result.in_(OK_RESULTS), 1), else_=0)
    scans, check_ins = db.session.execute(
        select(func.count(ScanAttempt.id), func.coalesce(func.sum(ok), 0)).where(*_on_day(day))
    ).one()
    return DayCounts(scans=scans, check_ins=check_ins, failures=scans - check_ins)


def guessing_devices(day: date) -> list[tuple[str, int]]:
    """(device, unknown codes) of the devices that read at least
    GUESSING_UNKNOWN_CODES unknown codes on `day`, most first."""
    unknown = func.count(ScanAttempt.id)
    query = (
        select(ScanAttempt.device, unknown)
        .where(*_on_day(day), ScanAttempt.result == ScanResult.UNKNOWN)
        .group_by(ScanAttempt.device)
        .having(unknown >= GUESSING_UNKNOWN_CODES)
        .order_by(unknown.desc(), ScanAttempt.device)
    )
    return [tuple(row) for row in db.session.execute(query)]


def device_options(day: date) -> list[str]:
    """The devices that scanned anything on `day`."""
    query = select(ScanAttempt.device).where(*_on_day(day)).distinct().order_by(ScanAttempt.device)
    return list(db.session.scalars(query))


def scanner_options() -> list[tuple[int, str]]:
    """(id, name) of the staff who may scan: admins, front desk and trainers."""
    query = (
        select(User.id, User.name)
        .where(User.role.in_(STAFF), User.deleted_at.is_(None))
        .order_by(func.lower(User.name), User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def short_device(device: str) -> str:
    """A device as people read it: an IP address whole, a cookie id's first 8 characters."""
    return device if device.startswith("ip:") else device[:8]
