from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "parkops.promotion"
    label = "promotion"
    verbose_name = _("promotion")
    url_prefix = "promotion/"

    def ready(self):
        import parkops.promotion.exchange  # noqa: F401 - registers the spreadsheet specs
