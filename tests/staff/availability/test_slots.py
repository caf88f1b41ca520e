"""The free-slot function on its own: no database, explicit zone and clock."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.staff.services.slots import Busy, day_windows, free_slots

MADRID = ZoneInfo("Europe/Madrid")
HOUR = timedelta(hours=1)


@dataclass
class Block:
    weekday: int
    start_time: time
    end_time: time
    valid_from: date = date(2026, 1, 1)
    valid_until: date | None = None


@dataclass
class Exc:
    on_day: date
    kind: str
    start_time: time | None = None
    end_time: time | None = None


def _local(slots, zone=MADRID):
    return [s.astimezone(zone).strftime("%H:%M") for s in slots]


def _slots(
    day,
    blocks,
    *,
    exceptions=(),
    busy=(),
    duration=HOUR,
    buffer=timedelta(0),
    earliest=None,
    latest=None,
    zone=MADRID,
    step=timedelta(minutes=15),
):
    earliest = earliest or datetime(2000, 1, 1, tzinfo=UTC)
    latest = latest or datetime(2100, 1, 1, tzinfo=UTC)
    return free_slots(
        [day],
        blocks=blocks,
        exceptions=exceptions,
        busy=busy,
        duration=duration,
        buffer=buffer,
        earliest=earliest,
        latest=latest,
        zone=zone,
        step=step,
    )[day]


TUESDAY = date(2026, 6, 2)


def _at(day, hh, mm=0, zone=MADRID):
    return datetime.combine(day, time(hh, mm), tzinfo=zone).astimezone(UTC)


def test_slots_step_every_quarter_hour_and_fit_inside_the_block():
    slots = _slots(TUESDAY, [Block(1, time(9), time(11))])
    assert _local(slots) == ["09:00", "09:15", "09:30", "09:45", "10:00"]


def test_a_block_starting_off_the_grid_rounds_up_to_the_next_quarter_hour():
    assert _local(_slots(TUESDAY, [Block(1, time(9, 5), time(10, 30))])) == ["09:15", "09:30"]


def test_a_custom_step_is_honoured():
    slots = _slots(TUESDAY, [Block(1, time(9), time(11))], step=timedelta(minutes=30))
    assert _local(slots) == ["09:00", "09:30", "10:00"]


def test_blocks_of_other_weekdays_or_outside_their_dates_give_nothing():
    blocks = [
        Block(2, time(9), time(12)),
        Block(1, time(9), time(12), valid_from=date(2026, 7, 1)),
        Block(1, time(9), time(12), valid_until=date(2026, 6, 1)),
    ]
    assert _slots(TUESDAY, blocks) == []


def test_adjacent_blocks_merge_so_a_session_may_span_them():
    blocks = [Block(1, time(9), time(10)), Block(1, time(10), time(11))]
    assert "09:30" in _local(_slots(TUESDAY, blocks))


def test_a_whole_day_off_removes_every_slot():
    exc = [Exc(TUESDAY, "off")]
    assert _slots(TUESDAY, [Block(1, time(9), time(12))], exceptions=exc) == []


def test_hours_off_cut_the_block():
    exc = [Exc(TUESDAY, "off", time(10), time(11))]
    slots = _slots(TUESDAY, [Block(1, time(9), time(13))], exceptions=exc)
    assert _local(slots) == ["09:00", "11:00", "11:15", "11:30", "11:45", "12:00"]


def test_extra_hours_add_slots_on_a_day_without_blocks():
    exc = [Exc(TUESDAY, "extra", time(18), time(19, 30))]
    assert _local(_slots(TUESDAY, [], exceptions=exc)) == ["18:00", "18:15", "18:30"]


def test_an_exception_on_another_day_changes_nothing():
    exc = [Exc(TUESDAY + timedelta(days=7), "off")]
    assert len(_slots(TUESDAY, [Block(1, time(9), time(10))], exceptions=exc)) == 1


def test_a_session_blocks_overlapping_slots():
    busy = [Busy(_at(TUESDAY, 10), _at(TUESDAY, 11))]
    slots = _slots(TUESDAY, [Block(1, time(9), time(13))], busy=busy)
    assert _local(slots) == ["09:00", "11:00", "11:15", "11:30", "11:45", "12:00"]


def test_the_buffer_widens_sessions_on_both_sides():
    busy = [Busy(_at(TUESDAY, 10), _at(TUESDAY, 11))]
    slots = _slots(TUESDAY, [Block(1, time(8), time(13))], busy=busy, buffer=timedelta(minutes=15))
    assert "08:45" in _local(slots) and "09:00" not in _local(slots)
    assert "11:00" not in _local(slots) and "11:15" in _local(slots)


def test_leave_is_not_widened_by_the_buffer():
    leave = [Busy(_at(TUESDAY, 10), _at(TUESDAY, 11), buffered=False)]
    slots = _slots(TUESDAY, [Block(1, time(8), time(13))], busy=leave, buffer=timedelta(minutes=30))
    assert "09:00" in _local(slots) and "11:00" in _local(slots)
    assert "09:15" not in _local(slots) and "10:45" not in _local(slots)


def test_whole_day_leave_removes_the_day():
    leave = [Busy(_at(TUESDAY, 0), _at(TUESDAY + timedelta(days=1), 0), buffered=False)]
    assert _slots(TUESDAY, [Block(1, time(9), time(12))], busy=leave) == []


def test_minimum_notice_drops_slots_starting_too_soon():
    slots = _slots(TUESDAY, [Block(1, time(9), time(12))], earliest=_at(TUESDAY, 10, 10))
    assert _local(slots) == ["10:15", "10:30", "10:45", "11:00"]


def test_the_horizon_drops_slots_starting_at_or_after_it():
    slots = _slots(TUESDAY, [Block(1, time(9), time(12))], latest=_at(TUESDAY, 9, 30))
    assert _local(slots) == ["09:00", "09:15"]


def test_several_days_each_get_their_own_list():
    days = [TUESDAY, TUESDAY + timedelta(days=1)]
    result = free_slots(
        days,
        blocks=[Block(1, time(9), time(10))],
        exceptions=[],
        busy=[],
        duration=HOUR,
        buffer=timedelta(0),
        earliest=_at(TUESDAY, 0),
        latest=_at(TUESDAY, 0) + 9 * HOUR * 24,
        zone=MADRID,
    )
    assert len(result[days[0]]) == 1 and result[days[1]] == []


# -- daylight saving: Madrid springs forward 29 March 2026 (2:00 -> 3:00)
# -- and falls back 25 October 2026 (3:00 -> 2:00)

SPRING = date(2026, 3, 29)  # a Sunday
AUTUMN = date(2026, 10, 25)  # a Sunday


def test_wall_clock_hours_hold_on_the_spring_forward_day():
    slots = _slots(SPRING, [Block(6, time(9), time(10, 30))])
    assert _local(slots) == ["09:00", "09:15", "09:30"]
    assert slots[0] == datetime(2026, 3, 29, 7, tzinfo=UTC)  # UTC+2 from today


def test_wall_clock_hours_hold_on_the_fall_back_day():
    slots = _slots(AUTUMN, [Block(6, time(9), time(10, 30))])
    assert _local(slots) == ["09:00", "09:15", "09:30"]
    assert slots[0] == datetime(2026, 10, 25, 8, tzinfo=UTC)  # UTC+1 from today


def test_a_block_across_the_skipped_hour_is_an_hour_shorter():
    slots = _slots(SPRING, [Block(6, time(1), time(4))])
    # 1:00-4:00 on the clock is two real hours: an hour's session starts
    # 1:00 to 1:45 (1:45 ends at 3:45 on the clock), then 3:00
    assert _local(slots) == ["01:00", "01:15", "01:30", "01:45", "03:00"]
    assert slots[-1] - slots[-2] == timedelta(minutes=15)


def test_a_block_across_the_repeated_hour_is_an_hour_longer():
    slots = _slots(AUTUMN, [Block(6, time(1), time(4))])
    # 1:00-4:00 on the clock is four real hours; 2:00-2:45 happen twice
    assert len(slots) == 13
    assert _local(slots).count("02:00") == 2
    assert all(b - a == timedelta(minutes=15) for a, b in zip(slots, slots[1:], strict=False))


def test_sessions_across_dst_block_by_real_time():
    busy = [Busy(datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC))]
    slots = _slots(AUTUMN, [Block(6, time(1), time(4))], busy=busy)
    # the first 2:00 (01:00 UTC) is taken; the second (02:00 UTC) is free
    assert datetime(2026, 10, 25, 1, tzinfo=UTC) not in slots
    assert datetime(2026, 10, 25, 2, tzinfo=UTC) in slots


def test_day_windows_merge_and_cut_in_local_time():
    windows = day_windows(
        TUESDAY,
        [Block(1, time(9), time(11)), Block(1, time(10), time(12))],
        [Exc(TUESDAY, "off", time(10), time(10, 30)), Exc(TUESDAY, "extra", time(18), time(19))],
    )
    assert [(w.start, w.end) for w in windows] == [
        (time(9), time(10)),
        (time(10, 30), time(12)),
        (time(18), time(19)),
    ]
