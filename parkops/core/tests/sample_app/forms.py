from parkops.core.forms import ScopedModelForm
from parkops.core.tests.sample_app.models import Widget


class WidgetForm(ScopedModelForm):
    class Meta:
        model = Widget
        fields = ["name"]
