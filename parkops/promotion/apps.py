from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "parkops.promotion"
    label = "promotion"
    verbose_name = _("promotion")
    url_prefix = "promotion/"
