from parkops.core.testing import Declaration, declare, unique
from parkops.core.tests.sample_app.models import Widget


def make_widget(park, **fields) -> Widget:
    return Widget.objects.create(park=park, **{"name": unique("样例"), **fields})


def widget_form(park) -> dict:
    return {"name": unique("新物件")}


def widget_form_without_name(park) -> tuple[dict, str]:
    return {"name": ""}, "name"


def widget_round_trip(park) -> None:
    for name in ("甲物件", "乙物件", "=1+2"):
        make_widget(park, name=name)


WIDGET = declare(
    Declaration(
        model=Widget,
        make=make_widget,
        reader_role="park_leader",
        writer_role="park_admin",
        form_data=widget_form,
        invalid_form_data=widget_form_without_name,
        api_create=lambda park: {"name": unique("接口物件")},
        api_update={"name": "改过的物件"},
        round_trip=widget_round_trip,
    )
)
