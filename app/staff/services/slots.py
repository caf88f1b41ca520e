"""Free 1:1 slots, computed (never stored) from a trainer's availability.

Pure functions: no database, no clock, no request. The caller passes the
availability, what keeps the trainer busy and the bounds; `free_slots`
returns the start instants (UTC) of each gym-local day.

How a day is worked out:
1. the weekly blocks valid that day, plus the day's "extra" exceptions,
   minus its "off" exceptions (no times: the whole day), as gym-local
   wall-clock windows;
2. each window turned into UTC instants on that day (`local_to_utc`), so
   "9:00-13:00" is 9:00-13:00 on the clock on DST days too; a window over
   the spring-forward gap is an hour shorter, over the autumn repeat an hour
   longer;
3. candidate starts every `step` from the window's first quarter hour, each
   kept when the whole session fits in the window, starts no earlier than
   `earliest` (now + notice) and before `latest` (the horizon), and clears
   every busy span: sessions widened by the buffer on both sides, and
   leave as it is.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.clock import local_to_utc

STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class Window:
    """A gym-local stretch of one day, [start, end)."""

    start: time
    end: time


@dataclass(frozen=True)
class Busy:
    """A UTC span the trainer is not free: a session or leave."""

    starts_at: datetime
    ends_at: datetime
    #: sessions take the buffer around them; leave does not
    buffered: bool = True


def day_windows(day: date, blocks: Iterable, exceptions: Iterable) -> list[Window]:
    """The gym-local windows of `day`: blocks valid that day plus extra hours,
    minus time off, merged and in order.

    `blocks` have weekday, start_time, end_time, valid_from, valid_until
    (`applies_on(day)`); `exceptions` have on_day, kind ('off'/'extra' or the
    enum), start_time, end_time.
    """
    spans = [(b.start_time, b.end_time) for b in blocks if _block_applies(b, day)]
    off: list[tuple[time, time]] = []
    for exc in exceptions:
        if exc.on_day != day:
            continue
        kind = getattr(exc.kind, "value", exc.kind)
        if kind == "extra":
            spans.append((exc.start_time, exc.end_time))
        elif exc.start_time is None:
            return []  # the whole day off
        else:
            off.append((exc.start_time, exc.end_time))
    merged = _merge(spans)
    for off_start, off_end in off:
        merged = [part for span in merged for part in _subtract(span, (off_start, off_end))]
    return [Window(start, end) for start, end in merged]


def _block_applies(block, day: date) -> bool:
    return (
        day.weekday() == block.weekday
        and block.valid_from <= day
        and (block.valid_until is None or day <= block.valid_until)
    )


def _merge(spans: list[tuple[time, time]]) -> list[tuple[time, time]]:
    merged: list[tuple[time, time]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(span: tuple[time, time], cut: tuple[time, time]) -> list[tuple[time, time]]:
    start, end = span
    if cut[1] <= start or cut[0] >= end:
        return [span]
    parts = []
    if cut[0] > start:
        parts.append((start, cut[0]))
    if cut[1] < end:
        parts.append((cut[1], end))
    return parts


def free_slots(
    days: Iterable[date],
    *,
    blocks: Iterable,
    exceptions: Iterable,
    busy: Iterable[Busy],
    duration: timedelta,
    buffer: timedelta,
    earliest: datetime,
    latest: datetime,
    zone: ZoneInfo,
    step: timedelta = STEP,
) -> dict[date, list[datetime]]:
    """Free start instants (UTC, in order) for each of `days` (gym-local).

    A slot starts at or after `earliest`, before `latest`, on a `step` grid
    of the gym's clock, lies inside one availability window, and its span
    [start, start + duration) overlaps no busy span (sessions widened by
    `buffer` each side).
    """
    blocks, exceptions = list(blocks), list(exceptions)
    spans = _merge_spans(
        (b.starts_at - buffer, b.ends_at + buffer) if b.buffered else (b.starts_at, b.ends_at)
        for b in busy
    )
    span_ends = [end for _, end in spans]
    result: dict[date, list[datetime]] = {}
    for day in days:
        starts: list[datetime] = []
        for window in day_windows(day, blocks, exceptions):
            opens = local_to_utc(day, window.start, zone)
            closes = local_to_utc(day, window.end, zone)
            at = _first_on_grid(opens, step)
            while at + duration <= closes:
                if earliest <= at < latest and _clear(at, at + duration, spans, span_ends):
                    starts.append(at)
                at += step
        result[day] = sorted(set(starts))
    return result


def _first_on_grid(instant: datetime, step: timedelta) -> datetime:
    """`instant` rounded up to the step grid (gym zones are whole quarter
    hours off UTC, so the UTC grid is the local one)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    remainder = (instant - epoch) % step
    return instant if not remainder else instant + (step - remainder)


def _merge_spans(spans) -> list[tuple[datetime, datetime]]:
    """Busy spans sorted and merged where they touch or overlap: disjoint, in order."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _clear(start: datetime, end: datetime, spans, span_ends) -> bool:
    """Whether [start, end) misses every one of the disjoint, ordered `spans`:
    the first span ending after `start` must begin at or after `end`."""
    index = bisect_right(span_ends, start)
    return index == len(spans) or spans[index][0] >= end
