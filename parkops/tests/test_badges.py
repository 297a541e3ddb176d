"""Badges are readable: a solid Tabler colour comes with its foreground class
(``bg-red text-red-fg``), otherwise the light variant (``bg-red-lt``) — never
Tabler's grey badge text on a solid colour."""

import re
from pathlib import Path

import pytest

import parkops

ROOT = Path(parkops.__file__).parent
BADGE = re.compile(r'class="badge([^"]*)"')
SOLID = re.compile(r"\bbg-([a-z]+)\b(?!-)")


def badge_problems(html: str) -> list[str]:
    problems = []
    for classes in BADGE.findall(html):
        if "{" in classes and "}" in classes and "bg-" not in classes:
            continue  # the colour comes from code, checked below
        for colour in SOLID.findall(classes):
            if f"text-{colour}-fg" not in classes:
                problems.append(classes.strip())
    return problems


def source_files():
    for path in ROOT.rglob("*"):
        skip = {"vendor", "tests"} & set(path.parts)
        if path.suffix in {".html", ".py"} and not skip:
            yield path


def test_every_badge_in_templates_and_code_has_a_foreground():
    problems = {}
    for path in source_files():
        found = badge_problems(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert problems == {}


def test_the_colour_maps_of_badges_are_readable():
    from parkops.projects.tables import LIGHT_BADGES, STAGE_BADGES
    from parkops.workdays.templatetags.workdays import BADGES

    for classes in [*STAGE_BADGES.values(), *LIGHT_BADGES.values(), *BADGES.values()]:
        assert badge_problems(f'class="badge {classes}"') == [], classes
        assert "-lt" in classes or "-fg" in classes, classes


@pytest.mark.parametrize("classes", ["bg-red", "bg-green text-white", "bg-orange ms-1"])
def test_a_solid_badge_without_its_foreground_is_caught(classes):
    assert badge_problems(f'<span class="badge {classes}">x</span>')
