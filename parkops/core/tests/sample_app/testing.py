from parkops.core.testing import Declaration, declare, unique
from parkops.core.tests.sample_app.models import Widget


def make_widget(park, **fields) -> Widget:
    return Widget.objects.create(park=park, **{"name": unique("样例"), **fields})


WIDGET = declare(Declaration(model=Widget, make=make_widget, reader_role="park_leader"))
