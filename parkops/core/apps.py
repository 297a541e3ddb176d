from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _audit_chain_ready(sender, using, apps=global_apps, **kwargs):
    """After a flush an empty trail gets its sealed head; after every migrate, on
    SQLite the audit triggers are back if a table rebuild dropped them (SQLite
    rebuilds a table to alter it, and the rebuilt table has no triggers)."""
    from parkops.core import audit, audit_guard

    apps = apps or global_apps  # flush sends no migration state
    try:
        head_model = apps.get_model("core", "AuditChainHead")
        entry_model = apps.get_model("core", "AuditEntry")
        head_model._meta.get_field("seal")
    except (LookupError, FieldDoesNotExist):
        return  # migrated back to before the sealed chain
    if kwargs.get("plan") is None:
        # Only after a flush (the test harness's: the triggers refuse any other),
        # which empties the trail on purpose. Migration 0007 gives every database
        # its head; a head missing at a later migrate was deleted, and sealing a
        # fresh one would make an emptied trail verify.
        audit.ensure_chain_head(head_model, entry_model, using=using)
    if connections[using].vendor == "sqlite":
        audit_guard.install(connections[using])


class CoreConfig(AppConfig):
    name = "parkops.core"
    label = "core"
    verbose_name = _("core")
    # Its pages are mounted by parkops/urls.py itself; two routers, not one api.py.
    api_routers = ("parkops.core.api.router", "parkops.core.exchange.api.router")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        import parkops.core.exchange.registers  # noqa: F401 - core's own registers

        # Every app's exchange.py declares its registers, as figures.py and
        # navigation.py declare theirs: an app that forgets nothing is found.
        autodiscover_modules("exchange")

        post_migrate.connect(_audit_chain_ready, sender=self)
