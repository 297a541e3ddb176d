from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkops.enterprises"
    label = "enterprises"
    verbose_name = _("enterprises")
    url_prefix = "enterprises/"

    def ready(self):
        from django.db.models.signals import post_migrate

        from parkops.enterprises import search_index

        # Django rebuilds a SQLite table to alter it, dropping its triggers.
        post_migrate.connect(search_index.on_post_migrate, sender=self)
