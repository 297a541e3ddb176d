from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkops.enterprises"
    label = "enterprises"
    verbose_name = _("enterprises")
    url_prefix = "enterprises/"

    def ready(self):
        from parkops.enterprises import exchange  # noqa: F401 - registers the spreadsheet specs
