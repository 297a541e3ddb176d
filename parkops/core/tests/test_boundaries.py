"""Arrows point toward ``core``: no module under parkops/core imports a leaf app.

Leaf apps reach core through registries (menu, home counts, URLs, API routers,
figures, spreadsheet registers, test declarations); if core imported one, a new
app could not be added without editing core, and two leaf apps could not be
removed independently. ``accounts`` is part of the platform, not a leaf.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader

from parkops.core.registry import project_apps

PLATFORM = {"parkops.core", "parkops.accounts"}


def leaf_apps() -> set[str]:
    return {config.name for config in project_apps() if config.name not in PLATFORM} - {
        name for name in (c.name for c in project_apps()) if name.startswith("parkops.core.")
    }


def imported_modules(source: str) -> set[str]:
    """Every module an import statement in ``source`` names, at any depth."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def leaf_imports(root: Path, leaves: set[str]) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        hits = {
            module
            for module in imported_modules(path.read_text())
            if any(module == leaf or module.startswith(f"{leaf}.") for leaf in leaves)
        }
        # ``from a.b import c`` names a.b and a.b.c: report the statement's module once.
        for module in sorted(hits):
            if not any(module.startswith(f"{other}.") for other in hits):
                found.append(f"{path.relative_to(root.parent.parent)}: {module}")
    return found


def test_core_imports_no_leaf_app():
    core = Path(settings.BASE_DIR, "parkops", "core")
    assert leaf_apps() >= {"parkops.enterprises", "parkops.promotion", "parkops.workdays"}
    offenders = leaf_imports(core, leaf_apps())
    assert not offenders, "core imports leaf apps:\n" + "\n".join(offenders)


def test_the_check_sees_an_import_hidden_inside_a_function(tmp_path):
    package = tmp_path / "parkops" / "core"
    package.mkdir(parents=True)
    (package / "hidden.py").write_text(
        "def f():\n    from parkops.enterprises.models import Enterprise\n    return Enterprise\n"
    )
    (package / "plain.py").write_text("from parkops import promotion\n")
    found = leaf_imports(package, {"parkops.enterprises", "parkops.promotion"})
    assert found == [
        "parkops/core/hidden.py: parkops.enterprises.models",
        "parkops/core/plain.py: parkops.promotion",
    ]


def leaf_names(leaves: set[str]) -> tuple[set[str], set[str]]:
    """The leaf apps' URL namespaces (app labels) and template tag libraries."""
    from django.apps import apps

    labels, libraries = set(), set()
    for config in apps.get_app_configs():
        if config.name in leaves:
            labels.add(config.label)
            tags = Path(config.path, "templatetags")
            libraries |= {p.stem for p in tags.glob("*.py") if p.stem != "__init__"}
    return labels, libraries


def leaf_references(root: Path, leaves: set[str]) -> list[str]:
    """Core templates that load a leaf app's tags or name its URLs, and core code
    that names a leaf app's URL in a string (``reverse("promotion:…")``)."""
    import re

    labels, libraries = leaf_names(leaves)
    names = "|".join(map(re.escape, sorted(labels)))
    url = re.compile(r"""['"](""" + names + r"""):\w+['"]""")
    load = re.compile(r"{%\s*load\s+([^%]+)%}")
    found = []
    for path in sorted([*root.rglob("*.html"), *root.rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(root.parent.parent)
        found += [f"{where}: {m.group(0)}" for m in url.finditer(text)]
        if path.suffix == ".html":
            for m in load.finditer(text):
                found += [f"{where}: load {lib}" for lib in m.group(1).split() if lib in libraries]
    return found


def test_core_names_no_leaf_url_or_template_tag():
    core = Path(settings.BASE_DIR, "parkops", "core")
    offenders = [
        hit for hit in leaf_references(core, leaf_apps()) if "/tests/" not in hit.split(":")[0]
    ]
    assert not offenders, "core names leaf apps:\n" + "\n".join(offenders)


def test_the_reference_check_sees_a_leaf_url_and_tag_library(tmp_path):
    root = tmp_path / "parkops" / "core"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "x.html").write_text(
        "{% load i18n workdays %}<a href=\"{% url 'reports:card' %}\">"
    )
    (root / "views.py").write_text("URL = reverse('promotion:visit_list')\n")
    hits = leaf_references(root, leaf_apps())
    assert any("load workdays" in hit for hit in hits)
    assert any("'reports:card'" in hit for hit in hits)
    assert any("'promotion:visit_list'" in hit for hit in hits)


# ------------------------------------------------------------------ migrations
def migration_leaf_dependencies(graph, platform: set[str], leaves: set[str]) -> list[str]:
    """Each migration of a ``platform`` app whose plan needs a ``leaves`` migration."""
    found = []
    for key in sorted(graph.nodes):
        if key[0] in platform:
            found += [
                f"{key[0]}.{key[1]} needs {dep[0]}.{dep[1]}"
                for dep in graph.forwards_plan(key)
                if dep[0] in leaves
            ]
    return found


@pytest.mark.parametrize("replace_migrations", [True, False], ids=["new", "part-way"])
def test_platform_migrations_need_no_leaf_app(replace_migrations):
    """The accounts and core migrations run without any leaf app's: as a new
    database sees them (squashed) and as one part-way through the replaced ones.
    A leaf app's migrations may depend on the platform's, never the other way."""
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=replace_migrations)
    leaves = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in leaf_apps()}
    assert {"promotion", "enterprises"} <= leaves
    offenders = migration_leaf_dependencies(loader.graph, {"core", "accounts"}, leaves)
    assert not offenders, "platform migrations depend on leaf apps:\n" + "\n".join(offenders)


def test_the_migration_check_sees_a_dependency_two_steps_away():
    graph = MigrationGraph()
    keys = [("core", "0001"), ("accounts", "0001"), ("accounts", "0002")]
    keys += [("things", "0001"), ("things", "0002")]
    for key in keys:
        graph.add_node(key, None)
    graph.add_dependency(None, ("accounts", "0002"), ("accounts", "0001"))
    graph.add_dependency(None, ("accounts", "0001"), ("core", "0001"))
    graph.add_dependency(None, ("things", "0002"), ("things", "0001"))
    graph.add_dependency(None, ("things", "0002"), ("accounts", "0002"))  # allowed
    assert migration_leaf_dependencies(graph, {"core", "accounts"}, {"things"}) == []
    graph.add_dependency(None, ("core", "0001"), ("things", "0001"))
    assert migration_leaf_dependencies(graph, {"core", "accounts"}, {"things"}) == [
        "accounts.0001 needs things.0001",
        "accounts.0002 needs things.0001",
        "core.0001 needs things.0001",
    ]
