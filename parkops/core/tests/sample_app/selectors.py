from parkops.core.selectors import list_selector, scoped_list
from parkops.core.tests.sample_app.filters import WidgetFilterSet
from parkops.core.tests.sample_app.models import Widget


@list_selector(model=Widget, filterset_class=WidgetFilterSet)
def widget_list(*, user, filters=None, park_id=None):
    return scoped_list(
        Widget, user=user, filters=filters, filterset_class=WidgetFilterSet, park_id=park_id
    )
