"""What each installed app adds to the project, found without ``core`` naming it.

Adding an app is its folder and one line of ``INSTALLED_APPS``. From then on:

- its pages: the app's ``urls.py``, mounted at the ``url_prefix`` its ``AppConfig``
  states (an app without one has no pages);
- its API: the ``router`` of the app's ``api.py`` (or the dotted paths its
  ``AppConfig.api_routers`` lists), added to the one ``/api/``;
- its menu entries and home-page counts: its ``navigation.py``
  (see ``core.navigation``);
- its report-card figures: its ``figures.py`` (see ``core.figures``);
- its spreadsheet registers: its ``exchange.py``, imported by its ``ready()``;
- its factories and test declarations: its ``testing.py`` (see ``core.testing``).

``core`` imports no leaf app; a test scans its imports to keep it so.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string, module_has_submodule


def project_apps() -> list:
    """The ParkOps apps, in ``INSTALLED_APPS`` order (third-party apps left out)."""
    return [config for config in apps.get_app_configs() if config.name.startswith("parkops.")]


def app_url_patterns() -> list:
    """One ``include`` of each app's ``urls.py`` at the prefix its config states."""
    from django.urls import include, path

    return [
        path(config.url_prefix, include(f"{config.name}.urls"))
        for config in project_apps()
        if getattr(config, "url_prefix", None) is not None
    ]


def api_routers() -> list:
    """Each app's API router(s), in ``INSTALLED_APPS`` order."""
    routers = []
    for config in project_apps():
        paths = getattr(config, "api_routers", None)
        if paths is None:
            has_api = module_has_submodule(config.module, "api")
            paths = (f"{config.name}.api.router",) if has_api else ()
        routers.extend(import_string(dotted) for dotted in paths)
    return routers
