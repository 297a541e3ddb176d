"""Park calendar adjustments (overrides) in spreadsheets: how a whole year (the
State Council's notice for next year) is entered at once."""

from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import CHOICE, DATE, Column, RegisterSpec, declare
from parkops.workdays import services
from parkops.workdays.models import CalendarOverride
from parkops.workdays.selectors import calendar_override_list

OVERRIDES = declare(
    RegisterSpec(
        key="calendar-overrides",
        model=CalendarOverride,
        title=_("Park calendar adjustments"),
        # Rows match existing overrides by day: re-importing a year updates it.
        natural_key="date",
        columns=[
            Column("date", "日期", kind=DATE, required=True, example="2027-10-01"),
            Column(
                "kind",
                "类型",
                kind=CHOICE,
                choices=CalendarOverride.Kind,
                required=True,
                synonyms=("调休上班/放假", "上班/休息"),
                # The words of the first release's template and of everyday speech.
                choice_aliases=(
                    ("上班", CalendarOverride.Kind.WORKDAY),
                    ("休息", CalendarOverride.Kind.HOLIDAY),
                ),
                example="放假",
            ),
            Column("note", "说明", synonyms=("备注",), example="国庆节", width=30),
        ],
        create=lambda *, park, actor, **values: services.override_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.override_update(
            override=obj, actor=actor, **values
        ),
        # The services add one rule to the shared write path, one override per
        # day, which the import settles by matching rows by day.
        prepare=lambda values: {
            name: value for name, value in values.items() if name in services.OVERRIDE_FIELDS
        },
        selector=calendar_override_list,
        # The importer matches keys as text: a date cell and a stored date both
        # become "2027-10-01".
        extra={"normalise_key": str},
    )
)
