from parkops.core.services import object_create, object_delete, object_update
from parkops.core.tests.sample_app.models import Widget

WIDGET_FIELDS = ("name",)


def widget_create(*, park, actor, **fields) -> Widget:
    data = {name: value for name, value in fields.items() if name in WIDGET_FIELDS}
    return object_create(model=Widget, park=park, actor=actor, fields=data)


def widget_update(*, widget, actor, **fields) -> Widget:
    data = {name: value for name, value in fields.items() if name in WIDGET_FIELDS}
    return object_update(obj=widget, actor=actor, fields=data)


def widget_delete(*, widget, actor) -> None:
    object_delete(obj=widget, actor=actor)
