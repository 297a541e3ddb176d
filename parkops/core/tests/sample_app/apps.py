from django.apps import AppConfig


class SampleConfig(AppConfig):
    """A throwaway app, installed only by the test settings, to show that an app is
    its folder and one line of INSTALLED_APPS: nothing in core names it."""

    name = "parkops.core.tests.sample_app"
    label = "sample"
    verbose_name = "样例"
    url_prefix = "samples/"

    def ready(self):
        from parkops.core import permissions

        # A real app adds its lines to the central roles table; a test-only app
        # must not edit core, so it grants its capabilities here: every park
        # role reads widgets, the park administrator also adds, edits, deletes.
        for role in permissions.PARK_ROLES:
            permissions.CAPABILITIES[role]["sample.widget"] = permissions.READ
        permissions.CAPABILITIES[permissions.Role.PARK_ADMIN]["sample.widget"] = permissions.MANAGE
