"""The settings the test suite runs with: the project's, plus a throwaway app.

The sample app (parkops/core/tests/sample_app) is installed here and nowhere
else; the tests show it reaches the menu, the home page, the API, the exports
and the scoping suite without a line of core naming it.
"""

from parkops.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "parkops.core.tests.sample_app"]  # noqa: F405
