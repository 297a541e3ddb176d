"""Working days (State Council calendar with 调休, overrides, Monday–Friday) and
working-time arithmetic in office hours, China time."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from parkops.core.periods import CHINA
from parkops.core.workdays import (
    DayKind,
    Override,
    Source,
    WorkingCalendar,
    library_covers,
    parse_office_hours,
)

UTC = datetime.UTC
NATIONAL = WorkingCalendar()


def china(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CHINA)


def first_uncovered_year() -> int:
    """2027 at the time of writing; computed so that a library upgrade that adds
    2027 moves these tests on instead of breaking them."""
    year = 2024
    while library_covers(year):
        year += 1
    return year


UNCOVERED = first_uncovered_year()


def a_monday(year: int) -> datetime.date:
    day = datetime.date(year, 3, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


# -------------------------------------------------------------------- days
def test_national_day_2023_make_up_days_are_working_days():
    assert NATIONAL.is_workday(datetime.date(2023, 10, 7))  # Saturday
    assert NATIONAL.is_workday(datetime.date(2023, 10, 8))  # Sunday
    assert NATIONAL.day(datetime.date(2023, 10, 7)).kind == DayKind.MAKEUP
    holiday = NATIONAL.day(datetime.date(2023, 10, 2))
    assert not holiday.working and holiday.kind == DayKind.HOLIDAY
    assert holiday.holiday == "National Day"


def test_spring_festival_2024_make_up_days_are_working_days():
    assert NATIONAL.is_workday(datetime.date(2024, 2, 4))
    assert NATIONAL.is_workday(datetime.date(2024, 2, 18))
    assert not NATIONAL.is_workday(datetime.date(2024, 2, 12))


def test_an_override_beats_the_state_council_calendar():
    calendar = WorkingCalendar(
        {
            datetime.date(2023, 10, 7): Override(working=False, note="园区统一休息"),
            datetime.date(2023, 10, 4): Override(working=True, note="值班"),
        }
    )
    rest = calendar.day(datetime.date(2023, 10, 7))
    assert not rest.working and rest.source == Source.OVERRIDE
    assert rest.kind == DayKind.OVERRIDE_HOLIDAY and rest.note == "园区统一休息"
    assert calendar.is_workday(datetime.date(2023, 10, 4))


def test_a_year_without_library_data_counts_weekdays_provisionally():
    monday = a_monday(UNCOVERED)
    day = NATIONAL.day(monday)
    assert day.working and day.provisional and day.source == Source.WEEKDAYS
    saturday = NATIONAL.day(monday + datetime.timedelta(days=5))
    assert not saturday.working and saturday.provisional


def test_an_override_alone_leaves_an_uncovered_year_provisional():
    new_year = datetime.date(UNCOVERED, 1, 1)
    calendar = WorkingCalendar({new_year: Override(working=False, note="园区运动会")})
    assert not calendar.day(new_year).provisional  # the administrator decided this day
    assert calendar.day(a_monday(UNCOVERED)).provisional


def test_a_year_entered_by_the_administrator_is_known():
    new_year = datetime.date(UNCOVERED, 1, 1)
    calendar = WorkingCalendar(
        {new_year: Override(working=False, note="元旦")}, entered_years=[UNCOVERED]
    )
    assert not calendar.day(a_monday(UNCOVERED)).provisional
    assert calendar.day(a_monday(UNCOVERED + 1)).provisional


# ---------------------------------------------------------------- deadlines
def test_two_working_days_across_national_day_2023_land_on_the_make_up_sunday():
    deadline = NATIONAL.add_working_days(china(2023, 9, 28, 10), 2)
    assert deadline.at == china(2023, 10, 8, 10)
    assert not deadline.provisional


def test_deadline_across_spring_festival_2024_uses_both_make_up_sundays():
    # Friday 2 Feb + 2 days: all of Friday, then make-up Sunday 4 Feb.
    assert NATIONAL.add_working_days(china(2024, 2, 2, 9), 2).at == china(2024, 2, 4, 17, 30)
    # From Friday 9 Feb (last day before the holiday) the next working day is
    # make-up Sunday 18 Feb.
    assert NATIONAL.add_working_days(china(2024, 2, 9, 17, 30), 1).at == china(2024, 2, 18, 17, 30)


def test_half_a_working_day_across_lunch():
    # 10:00 + 3.5 h: two hours to noon, lunch does not count, 1.5 h after 13:30.
    assert NATIONAL.add_working_days(china(2023, 6, 5, 10), Decimal("0.5")).at == china(
        2023, 6, 5, 15
    )


def test_half_a_working_day_across_a_weekend():
    # Friday 16:00 + 3.5 h: 1.5 h on Friday, 2 h on Monday morning.
    deadline = NATIONAL.add_working_days(china(2023, 6, 9, 16), "0.5")
    assert deadline.at == china(2023, 6, 12, 11)


def test_a_start_outside_office_hours_counts_from_the_next_opening():
    assert NATIONAL.add_working_hours(china(2023, 6, 5, 20), 1).at == china(2023, 6, 6, 10)
    assert NATIONAL.add_working_hours(china(2023, 6, 5, 12, 30), 1).at == china(2023, 6, 5, 14, 30)


def test_a_deadline_ending_at_noon_is_noon_not_after_lunch():
    assert NATIONAL.add_working_hours(china(2023, 6, 5, 9), 3).at == china(2023, 6, 5, 12)


def test_zero_working_time_is_the_start_itself():
    saturday = china(2023, 6, 10, 15)
    assert NATIONAL.add_working_days(saturday, 0).at == saturday


def test_the_result_does_not_depend_on_the_zone_the_start_is_written_in():
    in_utc = datetime.datetime(2023, 9, 28, 2, tzinfo=UTC)  # 10:00 in China
    deadline = NATIONAL.add_working_days(in_utc, 2)
    assert deadline.at == china(2023, 10, 8, 10)
    assert deadline.at.utcoffset() == datetime.timedelta(hours=8)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        NATIONAL.add_working_days(datetime.datetime(2023, 6, 5, 10), 1)


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        NATIONAL.add_working_hours(china(2023, 6, 5, 10), -1)


def test_a_deadline_in_an_uncovered_year_without_override_is_provisional():
    start = datetime.datetime.combine(a_monday(UNCOVERED), datetime.time(10), tzinfo=CHINA)
    deadline = NATIONAL.add_working_days(start, 1)
    assert deadline.at == start + datetime.timedelta(days=1)
    assert deadline.provisional


def test_a_deadline_in_an_uncovered_year_follows_overrides_but_stays_provisional():
    monday = a_monday(UNCOVERED)
    tuesday_off = {monday + datetime.timedelta(days=1): Override(working=False)}
    start = datetime.datetime.combine(monday, datetime.time(10), tzinfo=CHINA)
    deadline = WorkingCalendar(tuesday_off).add_working_days(start, 1)
    # Tuesday is the administrator's day off: the deadline moves to Wednesday.
    assert deadline.at == start + datetime.timedelta(days=2)
    assert deadline.provisional
    entered = WorkingCalendar(tuesday_off, entered_years=[UNCOVERED])
    assert not entered.add_working_days(start, 1).provisional


def test_a_deadline_reaching_into_an_uncovered_year_is_provisional():
    last_year = UNCOVERED - 1
    start = china(last_year, 12, 30, 10)
    deadline = NATIONAL.add_working_days(start, 5)
    assert deadline.at.year == UNCOVERED
    assert deadline.provisional


def test_a_calendar_with_no_working_day_fails_instead_of_looping():
    all_off = {
        datetime.date(2023, 1, 1) + datetime.timedelta(days=i): Override(working=False)
        for i in range(20 * 366 + 10)
    }
    with pytest.raises(ValueError, match="twenty years"):
        WorkingCalendar(all_off).add_working_days(china(2023, 1, 1), 1)


# ------------------------------------------------------------- working time
def test_working_time_between_counts_office_hours_on_working_days_only():
    spent = NATIONAL.working_time_between(china(2023, 9, 28, 10), china(2023, 10, 8, 10))
    assert spent.days == 2 and spent.hours == 14 and not spent.provisional


def test_working_time_is_the_inverse_of_adding_it():
    start = china(2024, 2, 7, 11, 15)
    deadline = NATIONAL.add_working_hours(start, Decimal("12.25"))
    assert NATIONAL.working_time_between(start, deadline.at).hours == Fraction(49, 4)


def test_working_time_backwards_is_negative():
    spent = NATIONAL.working_time_between(china(2023, 6, 5, 15), china(2023, 6, 5, 10))
    assert spent.hours == -Fraction(7, 2)


# ------------------------------------------------------------- office hours
def test_office_hours_are_configurable(settings):
    settings.PARKOPS_OFFICE_HOURS = "08:30-12:00,14:00-18:00"
    calendar = WorkingCalendar()
    assert calendar.day_length == datetime.timedelta(hours=7, minutes=30)
    assert calendar.add_working_days(china(2023, 6, 5, 8, 30), 1).at == china(2023, 6, 5, 18)


@pytest.mark.parametrize(
    "text", ["9-12", "09:00-08:00", "09:00-12:00,11:00-13:00", "25:00-26:00", ""]
)
def test_malformed_office_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_office_hours(text)
