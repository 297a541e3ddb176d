"""Reporting periods: parsing, boundaries in China time, comparison and 序时进度."""

import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from parkops.core.periods import (
    CHINA,
    FIRST_REPORTING_YEAR,
    FIRST_YEAR,
    LAST_YEAR,
    Period,
    PeriodError,
    PeriodKind,
    parse_period,
)

UTC = datetime.UTC


def china(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CHINA)


# ------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "kind", "number", "first", "last"),
    [
        ("2023", PeriodKind.YEAR, 1, "2023-01-01", "2023-12-31"),
        ("2023-H1", PeriodKind.HALF, 1, "2023-01-01", "2023-06-30"),
        ("2023-H2", PeriodKind.HALF, 2, "2023-07-01", "2023-12-31"),
        ("2023-Q1", PeriodKind.QUARTER, 1, "2023-01-01", "2023-03-31"),
        ("2023-Q4", PeriodKind.QUARTER, 4, "2023-10-01", "2023-12-31"),
        ("2023-06", PeriodKind.YTD, 6, "2023-01-01", "2023-06-30"),
        ("2024-02", PeriodKind.YTD, 2, "2024-01-01", "2024-02-29"),
        ("2023-M06", PeriodKind.MONTH, 6, "2023-06-01", "2023-06-30"),
        ("2023-M02", PeriodKind.MONTH, 2, "2023-02-01", "2023-02-28"),
    ],
)
def test_each_accepted_form_names_its_first_and_last_day(text, kind, number, first, last):
    period = Period.parse(text)
    assert (period.kind, period.year, period.number) == (kind, int(text[:4]), number)
    assert period.first_day == datetime.date.fromisoformat(first)
    assert period.last_day == datetime.date.fromisoformat(last)


def test_bare_month_is_the_statistics_office_year_to_date_and_m_is_the_month_alone():
    assert Period.parse("2023-06").first_day == datetime.date(2023, 1, 1)
    assert Period.parse("2023-M06").first_day == datetime.date(2023, 6, 1)


def test_lower_case_and_surrounding_spaces_are_accepted():
    assert Period.parse(" 2023-h1 ") == Period(PeriodKind.HALF, 2023, 1)
    assert Period.parse("2023-m06") == Period(PeriodKind.MONTH, 2023, 6)


@pytest.mark.parametrize(
    "text",
    ["2023-H3", "2023-13", "23-H1", "2023-00", "2023-Q5", "2023-M13", "2023-6", "", "H1", "2023H1"],
)
def test_bad_strings_are_refused_with_the_accepted_forms(text):
    with pytest.raises(PeriodError) as caught:
        Period.parse(text)
    message = caught.value.messages[0]
    assert f"“{text}”" in message
    for form in ("2023-H1", "2023-Q1", "2023-06", "2023-M06"):
        assert form in message


def test_parse_period_attaches_the_error_to_the_parameter():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        parse_period("2023-H3", field="period")
    assert "2023-H3" in caught.value.message_dict["period"][0]


periods = st.builds(
    lambda kind, year, n: Period(
        kind, year, n % {"year": 1, "half": 2, "quarter": 4}.get(kind, 12) + 1
    ),
    st.sampled_from(list(PeriodKind)),
    # FIRST_YEAR included: its periods exist (as the comparison of the year after)
    # but are refused as a reporting period.
    st.integers(FIRST_YEAR, LAST_YEAR),
    st.integers(0, 11),
)
FIRST_H1 = Period(PeriodKind.HALF, FIRST_YEAR, 1)
FIRST_REPORTED_Q1 = Period(PeriodKind.QUARTER, FIRST_REPORTING_YEAR, 1)


@given(periods)
@example(FIRST_H1)
@example(FIRST_REPORTED_Q1)
def test_code_round_trips_from_the_first_reporting_year(period):
    if period.year < FIRST_REPORTING_YEAR:
        with pytest.raises(PeriodError) as caught:
            Period.parse(period.code)
        assert str(FIRST_REPORTING_YEAR) in caught.value.messages[0]
        assert "2023-H1" in caught.value.messages[0]
        return
    assert Period.parse(period.code) == period
    assert Period.parse(period.code.lower()) == period


@given(periods)
@example(FIRST_H1)
@example(FIRST_REPORTED_Q1)
@example(Period(PeriodKind.YTD, FIRST_REPORTING_YEAR, 1))
def test_every_period_that_parses_has_a_comparison_and_a_previous_period(period):
    # The report card computes both for the period asked for: neither may fail.
    try:
        parsed = Period.parse(period.code)
    except PeriodError:
        assert period.year < FIRST_REPORTING_YEAR
        return
    assert parsed.comparison.year == parsed.year - 1
    assert parsed.previous.end <= parsed.end


def test_accepted_forms_are_written_in_the_users_language():
    with translation.override("en"), pytest.raises(PeriodError) as caught:
        Period.parse("2023-H3")
    assert "year to date" in caught.value.messages[0]
    assert "月" not in caught.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(PeriodError) as caught:
        Period.parse("2023-H3")
    assert "2023-06（1—6月累计）" in caught.value.messages[0]


@given(periods)
def test_a_period_ends_where_the_day_after_its_last_day_begins(period):
    assert period.start.date() == period.first_day
    assert period.end - datetime.timedelta(days=1) == china(*period.last_day.timetuple()[:3])
    assert period.start.utcoffset() == datetime.timedelta(hours=8)
    assert period.contains(period.start) and not period.contains(period.end)


@given(periods.filter(lambda period: period.year >= FIRST_REPORTING_YEAR))
def test_previous_is_adjacent_and_of_the_same_kind(period):
    previous = period.previous
    assert previous.kind == period.kind
    if period.kind != PeriodKind.YTD:
        assert previous.end == period.start


# ---------------------------------------------------------------- boundaries
def test_half_year_boundary_is_midnight_china_time():
    h1 = Period.parse("2023-H1")
    assert h1.contains(china(2023, 6, 30, 23, 30))
    assert not h1.contains(china(2023, 7, 1, 0, 10))
    # The same two moments written in UTC: still decided in China time.
    assert h1.contains(datetime.datetime(2023, 6, 30, 15, 30, tzinfo=UTC))
    assert not h1.contains(datetime.datetime(2023, 6, 30, 16, 10, tzinfo=UTC))
    # 2023-06-30 18:00 in New York is already 1 July in Suzhou.
    assert not h1.contains(datetime.datetime(2023, 6, 30, 18, tzinfo=ZoneInfo("America/New_York")))


def test_contains_refuses_a_naive_datetime_but_takes_a_date():
    h1 = Period.parse("2023-H1")
    with pytest.raises(ValueError, match="aware"):
        h1.contains(datetime.datetime(2023, 6, 30, 23, 30))
    assert h1.contains(datetime.date(2023, 6, 30))
    assert not h1.contains(datetime.date(2023, 7, 1))


@pytest.mark.django_db
def test_database_filter_keeps_china_time_when_the_server_runs_in_utc(settings):
    """A record stored at 2023-06-30 23:30 China time is in H1 and one at
    2023-07-01 00:10 is not, with the server's TIME_ZONE set to UTC."""
    from parkops.core.models import ImportBatch
    from parkops.core.testing import make_park, make_user

    settings.TIME_ZONE = "UTC"
    park, actor = make_park(), make_user()

    def batch(moment):
        made = ImportBatch.objects.create(
            park=park, register="x", actor=actor, file_name="f.xlsx", sha256="0" * 64
        )
        ImportBatch.objects.unscoped().filter(pk=made.pk).update(created_at=moment)
        return made.pk

    late_june = batch(china(2023, 6, 30, 23, 30))
    early_july = batch(china(2023, 7, 1, 0, 10))
    rows = ImportBatch.objects.unscoped().filter(park=park)
    in_h1 = set(
        rows.filter(Period.parse("2023-H1").moments_q("created_at")).values_list("pk", flat=True)
    )
    in_h2 = set(
        rows.filter(Period.parse("2023-H2").moments_q("created_at")).values_list("pk", flat=True)
    )
    assert in_h1 == {late_june}
    assert in_h2 == {early_july}


def test_of_finds_the_period_of_a_moment_in_china_time():
    moment = datetime.datetime(2023, 6, 30, 16, 10, tzinfo=UTC)  # 1 July 00:10 in China
    assert Period.of(PeriodKind.HALF, moment) == Period.parse("2023-H2")
    assert Period.of(PeriodKind.QUARTER, datetime.date(2023, 6, 30)) == Period.parse("2023-Q2")
    assert Period.of(PeriodKind.YTD, datetime.date(2023, 6, 30)) == Period.parse("2023-06")


# ---------------------------------------------------- comparison and previous
@pytest.mark.parametrize(
    ("text", "comparison", "previous"),
    [
        ("2023", "2022", "2022"),
        ("2023-H1", "2022-H1", "2022-H2"),
        ("2023-H2", "2022-H2", "2023-H1"),
        ("2023-Q1", "2022-Q1", "2022-Q4"),
        ("2023-Q3", "2022-Q3", "2023-Q2"),
        ("2023-06", "2022-06", "2023-05"),
        ("2023-01", "2022-01", "2022-12"),
        ("2023-M01", "2022-M01", "2022-M12"),
        ("2023-M06", "2022-M06", "2023-M05"),
    ],
)
def test_comparison_is_last_year_and_previous_is_the_one_before(text, comparison, previous):
    period = Period.parse(text)
    assert period.comparison == Period.parse(comparison)
    assert period.previous == Period.parse(previous)


def test_comparison_of_a_leap_year_to_date_ends_on_the_28th():
    assert Period.parse("2024-02").comparison.last_day == datetime.date(2023, 2, 28)


# ------------------------------------------------------------------ 序时进度
@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("2023", Fraction(1)),
        ("2023-H1", Fraction(1, 2)),
        ("2023-H2", Fraction(1)),
        ("2023-Q1", Fraction(1, 4)),
        ("2023-Q3", Fraction(3, 4)),
        ("2023-06", Fraction(6, 12)),
        ("2023-M05", Fraction(5, 12)),
        ("2023-01", Fraction(1, 12)),
    ],
)
def test_elapsed_share_is_n_twelfths_at_the_end_of_month_n(text, share):
    assert Period.parse(text).elapsed_share == share


def test_labels_name_the_months_covered():
    from django.utils import translation

    with translation.override("en"):
        assert Period.parse("2023-06").label == "2023, months 1–6"
        assert Period.parse("2023-H1").label == "2023 H1"
