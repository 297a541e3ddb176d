from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "parkops.workdays"
    label = "workdays"
    verbose_name = _("working-day calendar")
    url_prefix = "calendar/"

    def ready(self):
        checks.register(check_office_hours, checks.Tags.compatibility)


def check_office_hours(app_configs=None, **kwargs):
    """A malformed PARKOPS_OFFICE_HOURS stops the server at start-up, not at the
    first deadline someone computes."""
    from parkops.core.workdays import configured_office_hours

    try:
        configured_office_hours()
    except ValueError as error:
        return [checks.Error(str(error), id="workdays.E001", obj="PARKOPS_OFFICE_HOURS")]
    return []
