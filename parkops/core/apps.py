from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parkops.core"
    label = "core"
    verbose_name = _("core")

    def ready(self):
        import parkops.core.exchange.registers  # noqa: F401 - registers the spreadsheet specs
