"""The traffic-light rules (项目推进红绿灯), each on its own and together: the
evaluator is a pure function of a project's facts, the rules, the working-day
calendar and a day, so these tests need no database."""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from parkops.core.workdays import Override, WorkingCalendar
from parkops.projects import lights
from parkops.projects.deadlines import WorkdayIndex
from parkops.projects.lights import (
    InvestmentFacts,
    MilestoneFacts,
    ProjectFacts,
    Rule,
    evaluate,
)
from parkops.projects.models import MilestoneKind, Stage, TrafficLight, TrafficRule

D = datetime.date
ONE = datetime.timedelta(days=1)
K = TrafficRule.Kind
GREEN, AMBER, RED = TrafficLight.GREEN, TrafficLight.AMBER, TrafficLight.RED
CAL = WorkingCalendar()
# Dates around 春节 and 国庆 of the years the holiday library covers.
DAYS = st.dates(min_value=D(2019, 1, 1), max_value=D(2025, 10, 31))
HOLIDAY_DAYS = [
    D(2023, 1, 20),
    D(2023, 9, 28),
    D(2024, 2, 8),
    D(2024, 9, 30),
    D(2025, 1, 27),
    D(2025, 9, 30),
]
HOLIDAYS = st.sampled_from(HOLIDAY_DAYS)
NEAR_HOLIDAY = st.builds(
    lambda day, shift: day + datetime.timedelta(days=shift),
    HOLIDAYS,
    st.integers(min_value=-5, max_value=20),
)


def index():
    return WorkdayIndex(CAL)


def workdays_between(after, upto):
    """Working days in (after, upto], counted one by one."""
    return sum(CAL.is_workday(after + ONE * i) for i in range(1, (upto - after).days + 1))


def one(kind, n, colour, facts, as_of):
    return evaluate(facts, [Rule(kind, n, colour)], index(), as_of)


MONDAY_AFTER_NATIONAL_DAY = D(2023, 10, 9)


def with_milestone(
    kind=MilestoneKind.LAND_SUPPLIED, planned=MONDAY_AFTER_NATIONAL_DAY, actual=None, **kw
):
    return ProjectFacts(
        stage=kw.get("stage", Stage.SIGNED),
        last_progress_on=kw.get("last_progress_on"),
        started_on=kw.get("started_on"),
        milestones=(MilestoneFacts(kind, "节点", planned, actual),),
    )


# --------------------------------------------------------- milestone due soon
def test_due_within_n_working_days_counts_across_national_day():
    # Due Monday 9 October 2023; between 28 September and then only the make-up
    # Saturday 7 and Sunday 8 are working days (29 Sep – 6 Oct are holidays).
    facts = with_milestone(planned=D(2023, 10, 9))
    result = one(K.MILESTONE_DUE, 3, AMBER, facts, D(2023, 9, 28))
    assert result.light == AMBER
    # 3 working days left from Thursday 28 (7, 8, 9 October): amber since then.
    assert result.fired[0].since == D(2023, 9, 28)
    assert one(K.MILESTONE_DUE, 2, AMBER, facts, D(2023, 9, 28)).light == GREEN
    # with 2: not on a holiday (7, 8 and 9 October remain), from the make-up Saturday
    assert one(K.MILESTONE_DUE, 2, AMBER, facts, D(2023, 10, 1)).light == GREEN
    assert one(K.MILESTONE_DUE, 2, AMBER, facts, D(2023, 10, 7)).fired[0].since == D(2023, 10, 7)


@settings(max_examples=120, deadline=None)
@given(planned=NEAR_HOLIDAY, as_of=NEAR_HOLIDAY, n=st.integers(min_value=0, max_value=15))
def test_due_fires_exactly_when_at_most_n_working_days_remain(planned, as_of, n):
    result = one(K.MILESTONE_DUE, n, AMBER, with_milestone(planned=planned), as_of)
    if planned >= as_of:
        expected = workdays_between(as_of, planned) <= n
    else:
        expected = workdays_between(planned, as_of) == 0  # not yet overdue
    assert (result.light == AMBER) is expected
    if expected:
        since = result.fired[0].since
        assert since <= as_of and CAL.is_workday(since)
        assert workdays_between(since, planned) <= n
        # and the day before it was not yet within the window
        assert workdays_between(since - ONE, planned) > n or not CAL.is_workday(since)


# -------------------------------------------------------------- overdue
@settings(max_examples=120, deadline=None)
@given(planned=NEAR_HOLIDAY, as_of=NEAR_HOLIDAY, n=st.integers(min_value=0, max_value=10))
def test_overdue_fires_after_n_working_days_past_the_plan(planned, as_of, n):
    result = one(K.MILESTONE_OVERDUE, n, RED, with_milestone(planned=planned), as_of)
    expected = as_of > planned and workdays_between(planned, as_of) > n
    assert (result.light == RED) is expected
    if expected:
        since = result.fired[0].since
        assert CAL.is_workday(since) and workdays_between(planned, since) == n + 1


def test_a_reached_milestone_fires_nothing():
    facts = with_milestone(planned=D(2023, 1, 3), actual=D(2023, 2, 1))
    for kind in (K.MILESTONE_DUE, K.MILESTONE_OVERDUE):
        assert one(kind, 0, RED, facts, D(2023, 6, 1)).light == GREEN


def test_overdue_leaves_start_and_statistics_to_their_own_rules():
    for kind in (MilestoneKind.STARTED, MilestoneKind.ENTERED_STATISTICS):
        facts = with_milestone(kind=kind, planned=D(2023, 1, 3))
        assert one(K.MILESTONE_OVERDUE, 0, RED, facts, D(2023, 3, 1)).light == GREEN


# -------------------------------------------------------------- no progress
@settings(max_examples=100, deadline=None)
@given(last=DAYS, as_of=DAYS, n=st.integers(min_value=1, max_value=6))
def test_no_progress_for_n_months(last, as_of, n):
    facts = ProjectFacts(stage=Stage.STARTED, last_progress_on=last)
    result = one(K.NO_PROGRESS, n, AMBER, facts, as_of)
    since = lights.add_months(last, n)
    assert (result.light == AMBER) is (as_of >= since)
    if as_of >= since:
        assert result.fired[0].since == since


def test_no_progress_month_ends_and_finished_projects():
    facts = ProjectFacts(stage=Stage.STARTED, last_progress_on=D(2023, 12, 31))
    # two months after 31 December: the end of February
    assert one(K.NO_PROGRESS, 2, AMBER, facts, D(2024, 2, 28)).light == GREEN
    assert one(K.NO_PROGRESS, 2, AMBER, facts, D(2024, 2, 29)).fired[0].since == D(2024, 2, 29)
    producing = ProjectFacts(stage=Stage.PRODUCING, last_progress_on=D(2020, 1, 1))
    assert one(K.NO_PROGRESS, 2, AMBER, producing, D(2024, 1, 1)).light == GREEN


# -------------------------------------------------------------- not started
@settings(max_examples=100, deadline=None)
@given(planned=DAYS, as_of=DAYS, n=st.integers(min_value=0, max_value=6))
def test_not_started_n_months_after_the_planned_month(planned, as_of, n):
    facts = with_milestone(kind=MilestoneKind.STARTED, planned=planned)
    result = one(K.NOT_STARTED, n, AMBER, facts, as_of)
    since = lights.add_months(planned.replace(day=1), n + 1)
    assert (result.light == AMBER) is (as_of >= since)


def test_not_started_amber_in_the_month_after_and_red_three_months_later():
    rules = [Rule(K.NOT_STARTED, 0, AMBER), Rule(K.NOT_STARTED, 3, RED)]
    facts = with_milestone(kind=MilestoneKind.STARTED, planned=D(2023, 3, 15))
    assert evaluate(facts, rules, index(), D(2023, 3, 31)).light == GREEN
    assert evaluate(facts, rules, index(), D(2023, 4, 1)).light == AMBER
    assert evaluate(facts, rules, index(), D(2023, 6, 30)).light == AMBER
    red = evaluate(facts, rules, index(), D(2023, 7, 1))
    assert (red.light, red.since) == (RED, D(2023, 7, 1))
    # Started (the stage reached) though the milestone's date was not recorded.
    started = with_milestone(
        kind=MilestoneKind.STARTED, planned=D(2023, 3, 15), started_on=D(2023, 5, 1)
    )
    assert evaluate(started, rules, index(), D(2023, 8, 1)).light == GREEN


# ------------------------------------------------------ entered statistics
@settings(max_examples=100, deadline=None)
@given(planned=DAYS, as_of=DAYS, n=st.integers(min_value=1, max_value=4))
def test_statistics_late_by_n_months(planned, as_of, n):
    facts = with_milestone(kind=MilestoneKind.ENTERED_STATISTICS, planned=planned)
    result = one(K.STATISTICS_LATE, n, RED, facts, as_of)
    assert (result.light == RED) is (as_of >= lights.add_months(planned, n))


# ------------------------------------------------ month-counted, holidays aside
# A park's calendar that swaps every day around the holidays: the rules counted
# in months (and the investment rule, counted in month-ends) must not notice.
SWAPPED = WorkingCalendar(
    {
        holiday + ONE * shift: Override(working=not CAL.is_workday(holiday + ONE * shift))
        for holiday in HOLIDAY_DAYS
        for shift in range(-10, 25)
    }
)
MONTH_RULES = [
    (K.NO_PROGRESS, lambda day: ProjectFacts(stage=Stage.STARTED, last_progress_on=day)),
    (K.NOT_STARTED, lambda day: with_milestone(kind=MilestoneKind.STARTED, planned=day)),
    (
        K.STATISTICS_LATE,
        lambda day: with_milestone(kind=MilestoneKind.ENTERED_STATISTICS, planned=day),
    ),
]


@settings(max_examples=120, deadline=None)
@given(
    rule=st.sampled_from(MONTH_RULES),
    day=NEAR_HOLIDAY,
    as_of=NEAR_HOLIDAY,
    n=st.integers(min_value=0, max_value=3),
)
def test_month_counted_rules_ignore_holidays_and_make_up_days(rule, day, as_of, n):
    kind, facts = rule
    rules = [Rule(kind, n, RED)]
    official = evaluate(facts(day), rules, index(), as_of)
    swapped = evaluate(facts(day), rules, WorkdayIndex(SWAPPED), as_of)
    assert (official.light, official.since) == (swapped.light, swapped.since)
    if kind == K.STATISTICS_LATE:
        expected = lights.add_months(day, n)
    elif kind == K.NOT_STARTED:
        expected = lights.month_after(day, n)
    else:
        expected = lights.add_months(day, n)
    assert (official.light == RED) is (as_of >= expected)
    if official.light == RED:
        assert official.since == expected


# ------------------------------------------------- investment behind the pace
def invested(year, plan, *monthly):
    amounts = [Decimal(a) for a in monthly] + [Decimal(0)] * (12 - len(monthly))
    return ProjectFacts(
        stage=Stage.STARTED,
        investment=InvestmentFacts(year=year, plan=Decimal(plan), monthly=tuple(amounts)),
    )


def test_behind_pace_amber_from_10_points_red_above_30():
    rules = [Rule(K.INVESTMENT_BEHIND, 10, AMBER), Rule(K.INVESTMENT_BEHIND, 30, RED)]
    on = D(2024, 7, 15)  # read at the end of June: on pace is 50% of the plan
    light = lambda facts: evaluate(facts, rules, index(), on).light  # noqa: E731
    # 1,200 planned; 480 done by June = 40%: exactly 10 points behind is amber
    # ("10–30 points behind"); 9.99 behind is green.
    assert light(invested(2024, 1200, 0, 0, 0, 0, 0, 480)) == AMBER
    assert light(invested(2024, 1200, 0, 0, 0, 0, 0, "480.12")) == GREEN
    assert light(invested(2024, 1200, 0, 0, 0, 0, 0, "479.99")) == AMBER
    # 240 done = 20%: exactly 30 behind is still amber; 30.01 behind is red.
    assert light(invested(2024, 1200, 240)) == AMBER
    assert light(invested(2024, 1200, "239.88")) == RED
    # July's entry (the month not yet over) does not count.
    assert light(invested(2024, 1200, 240, 0, 0, 0, 0, 0, 1000)) == AMBER


def test_the_investment_rule_says_which_end_is_included():
    amber, red = Rule(K.INVESTMENT_BEHIND, 10, AMBER), Rule(K.INVESTMENT_BEHIND, 30, RED)
    with translation.override("en"):
        assert amber.label == "investment 10 or more percentage points behind time-elapsed pace"
        assert red.label == "investment more than 30 percentage points behind time-elapsed pace"
    with translation.override("zh-hans"):
        assert amber.label == "完成投资落后序时进度达到或超过10个百分点"
        assert red.label == "完成投资落后序时进度超过30个百分点"


def test_behind_pace_needs_a_plan_of_the_year_and_a_month_over():
    rule = [Rule(K.INVESTMENT_BEHIND, 10, AMBER)]
    zero_plan = invested(2024, 0)
    assert evaluate(zero_plan, rule, index(), D(2024, 12, 31)).light == GREEN
    assert evaluate(ProjectFacts(stage=Stage.STARTED), rule, index(), D(2024, 12, 31)).fired == []
    # Last year's plan says nothing of this year.
    assert evaluate(invested(2023, 1000), rule, index(), D(2024, 6, 1)).light == GREEN
    # In January no month of the year has ended yet.
    assert evaluate(invested(2024, 1000), rule, index(), D(2024, 1, 31)).light == GREEN


def test_behind_pace_with_nothing_entered_since_the_first_month_end_it_held():
    rules = [Rule(K.INVESTMENT_BEHIND, 10, AMBER), Rule(K.INVESTMENT_BEHIND, 30, RED)]
    nothing = invested(2024, 5000)
    # Behind 8.3 points at the end of January, 16.7 at February's, 33.3 at April's.
    amber = evaluate(nothing, rules, index(), D(2024, 3, 1))
    assert (amber.light, amber.since) == (AMBER, D(2024, 3, 1))
    red = evaluate(nothing, rules, index(), D(2024, 10, 8))
    assert (red.light, red.since) == (RED, D(2024, 5, 1))
    assert red.fired[0].text == "完成投资落后序时进度超过30个百分点"
    # 500 of 1,200 by May is on pace; 8.3 behind at June's end, 16.7 at July's.
    caught_up = invested(2024, 1200, 0, 0, 0, 0, 500)
    again = evaluate(caught_up, rules[:1], index(), D(2024, 10, 8))
    assert (again.light, again.since) == (AMBER, D(2024, 8, 1))


def behind_oracle(facts, month):
    investment = facts.investment
    done = sum(investment.monthly[:month], Decimal(0))
    return Fraction(month, 12) * 100 - Fraction(done) / Fraction(investment.plan) * 100


CENTS = st.decimals(min_value=0, max_value=400, places=2)


@settings(max_examples=150, deadline=None)
@given(
    plan=st.decimals(min_value=0, max_value=3000, places=2),
    monthly=st.lists(CENTS, min_size=12, max_size=12),
    as_of=NEAR_HOLIDAY,
    n=st.integers(min_value=0, max_value=60),
)
def test_behind_pace_fires_exactly_when_more_than_n_points_behind(plan, monthly, as_of, n):
    facts = invested(as_of.year, plan, *monthly)
    result = one(K.INVESTMENT_BEHIND, n, AMBER, facts, as_of)
    last = as_of.month - 1  # the last month of the year that has ended
    expected = plan > 0 and last >= 1 and behind_oracle(facts, last) > n
    assert (result.light == AMBER) is expected
    if expected:
        since = result.fired[0].since
        # the day after a month-end of the year, behind at every one since
        assert since.day == 1 and since.year == as_of.year and since <= as_of
        assert all(behind_oracle(facts, m) > n for m in range(since.month - 1, last + 1))
        # and the board that day showed it already, the day before not yet
        assert one(K.INVESTMENT_BEHIND, n, AMBER, facts, since).fired[0].since == since
        assert one(K.INVESTMENT_BEHIND, n, AMBER, facts, since - ONE).light == GREEN
        # holidays and make-up days play no part
        swapped = evaluate(
            facts, [Rule(K.INVESTMENT_BEHIND, n, AMBER)], WorkdayIndex(SWAPPED), as_of
        )
        assert swapped.since == since


# --------------------------------------------------------- worst of them all
def test_the_light_is_the_worst_fired_and_disabled_rules_do_not_count():
    facts = ProjectFacts(
        stage=Stage.STARTED,
        last_progress_on=D(2023, 1, 10),
        milestones=(
            MilestoneFacts(MilestoneKind.TOPPED_OUT, "封顶", D(2023, 4, 20)),
            MilestoneFacts(MilestoneKind.ENTERED_STATISTICS, "入规", D(2023, 1, 31)),
        ),
    )
    as_of = D(2023, 4, 17)
    result = evaluate(facts, lights.default_rules(), index(), as_of)
    assert result.light == RED
    kinds = [(f.rule.kind, f.colour) for f in result.fired]
    # reds first, the longest-standing first among them
    assert kinds[0] == (K.STATISTICS_LATE, RED) and result.since == D(2023, 3, 31)
    assert (K.NO_PROGRESS, RED) in kinds and (K.MILESTONE_DUE, AMBER) in kinds
    off = [
        TrafficRule(kind=k, threshold=n, colour=c, enabled=(c == AMBER))
        for k, n, c in TrafficRule.DEFAULTS
    ]
    assert evaluate(facts, off, index(), as_of).light == AMBER
    assert evaluate(ProjectFacts(stage=Stage.SIGNED), off, index(), as_of).light == GREEN


@settings(max_examples=80, deadline=None)
@given(
    planned=st.lists(NEAR_HOLIDAY, min_size=0, max_size=4),
    last=st.none() | DAYS,
    as_of=NEAR_HOLIDAY,
)
def test_the_light_is_always_the_worst_of_each_rule_alone(planned, last, as_of):
    kinds = list(MilestoneKind.values)
    facts = ProjectFacts(
        stage=Stage.READY,
        last_progress_on=last,
        milestones=tuple(
            MilestoneFacts(kinds[i % len(kinds)], f"m{i}", day) for i, day in enumerate(planned)
        ),
    )
    rules = lights.default_rules()
    alone = [evaluate(facts, [rule], index(), as_of).light for rule in rules]
    worst = max(alone, key=lambda colour: lights.RANK[colour])
    assert evaluate(facts, rules, index(), as_of).light == worst


# ------------------------------------------------------------------ labels
def test_a_rule_with_n_zero_reads_without_its_number():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert Rule("milestone_overdue", 0, "red").label == "节点逾期"
        assert Rule("milestone_overdue", 5, "red").label == "节点逾期超过5个工作日"
        assert Rule("not_started", 0, "amber").label == "计划开工月已过仍未开工"
        assert Rule("not_started", 3, "red").label == "计划开工月后3个月仍未开工"
        assert Rule("investment_behind", 0, "amber").label == "完成投资落后序时进度"
        assert Rule("no_progress", 2, "amber").label == "2个月无推进记录"
    with translation.override("en"):
        assert Rule("milestone_overdue", 0, "red").label == "milestone overdue"
        assert Rule("not_started", 0, "amber").label == "not started after its planned month"
