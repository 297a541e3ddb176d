"""Every register that plugs into the exchange framework round-trips:
export → re-import → "unchanged" for every row."""

import io

import pytest
from django.urls import reverse
from django.utils import translation

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import all_specs, get_spec
from parkops.core.models import Industry
from parkops.core.permissions import Role
from parkops.core.testing import (
    declarations,
    grant,
    make_industry,
    make_park,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.promotion.testing import make_unit

pytestmark = pytest.mark.django_db


def _round_trips() -> dict:
    """Each importable register's rows, from its model's test declaration
    (``Declaration.round_trip`` in the app's testing.py)."""
    declared = {d.model: d for d in declarations()}
    return {
        spec.key: declared[spec.model].round_trip
        for spec in all_specs()
        if spec.importable and spec.model in declared and declared[spec.model].round_trip
    }


POPULATE = _round_trips()


def _import(register, park, actor, rows):
    with translation.override("en"):
        return run_import(
            spec=get_spec(register),
            actor=actor,
            park=park,
            data=xlsx_bytes(rows),
            file_name="树.xlsx",
            commit=True,
        )


def test_every_importable_register_has_a_round_trip_case():
    assert {spec.key for spec in all_specs() if spec.importable} == set(POPULATE)


@pytest.mark.parametrize("key", ["parks", "alliances", "import-batches"])
def test_export_only_registers_export_what_the_list_shows(client, key):
    from openpyxl import load_workbook

    from parkops.core.testing import make_alliance

    park, other = make_park(name="本园区"), make_park(name="外园区")
    make_alliance([other], name="外园联盟")
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    response = client.get(reverse("exchange:export", args=[key]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "外园区" not in text and "外园联盟" not in text
    if key == "parks":
        assert "本园区" in text
    assert client.get(reverse("exchange:import", args=[key])).status_code == 404


@pytest.mark.parametrize("key", sorted(POPULATE))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_export_then_reimport_is_unchanged(client, key, language):
    park = make_park()
    user = make_user(Role.PARK_ADMIN, park=park)
    for role in (Role.SERVICE_OFFICER, Role.PROMOTION_OFFICER, Role.PROJECT_OFFICER):
        grant(user, role, park=park)
    POPULATE[key](park)
    sign_in(client, user)
    with translation.override(language):
        response = client.get(reverse("exchange:export", args=[key]))
        data = b"".join(response.streaming_content)
        outcome = run_import(
            spec=get_spec(key), actor=user, park=park, data=data, file_name="x.xlsx", commit=True
        )
    assert outcome.ok, outcome.problems or outcome.file_errors
    assert outcome.rows and {row.action for row in outcome.rows} == {"unchanged"}


def test_parents_listed_in_the_same_file_are_linked(client):
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    rows = [
        ["代码", "名称", "上级产业"],
        ["NE", "新能源新材料", ""],
        ["NE-PV", "光伏", "NE"],
        ["NE-PV-C", "电池片", "NE-PV"],
    ]
    outcome = _import("industries", park, admin, rows)
    assert outcome.ok, outcome.problems
    segment = Industry.objects.unscoped().get(park=park, code="NE-PV-C")
    assert segment.parent.code == "NE-PV" and segment.level == Industry.Level.SEGMENT


def test_child_listed_before_its_parent_is_an_error(client):
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    rows = [["代码", "名称", "上级产业"], ["NE-PV", "光伏", "NE"], ["NE", "新能源新材料", ""]]
    outcome = _import("industries", park, admin, rows)
    assert outcome.batch is None
    assert "below this one" in outcome.problems[0].message
    assert not Industry.objects.unscoped().filter(park=park).exists()


def test_list_pages_offer_export_and_import(client):
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, admin)
    page = client.get(reverse("promotion:promotionunit_list")).content.decode()
    assert reverse("exchange:export", args=["promotion-units"]) in page
    assert reverse("exchange:import", args=["promotion-units"]) in page


def test_a_register_importing_encrypted_numbers_is_refused_at_startup():
    """Undo restores from snapshots, which hold personal numbers only masked."""
    from django.core.exceptions import ImproperlyConfigured

    from parkops.core.exchange.spec import Column, RegisterSpec, declare
    from parkops.enterprises.models import Contact

    spec = RegisterSpec(
        key="contacts-test",
        model=Contact,
        title="contacts",
        columns=[Column("name", "姓名"), Column("phone", "电话")],
        natural_key="name",
        create=lambda **values: None,
    )
    with pytest.raises(ImproperlyConfigured, match="phone"):
        declare(spec)
    assert "contacts-test" not in {s.key for s in all_specs()}


def test_a_file_cannot_make_two_units_each_others_parent():
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    a, b = make_unit(park, code="A"), make_unit(park, code="B")
    rows = [["代码", "名称", "类型", "上级单元"], ["A", a.name, "专业招商分局", "B"]]
    rows.append(["B", b.name, "专业招商分局", "A"])
    outcome = _import("promotion-units", park, admin, rows)
    assert outcome.batch is None
    assert outcome.problems[0].row == 3 and "under itself" in outcome.problems[0].message
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.parent is None and b.parent is None


def test_a_file_cannot_make_two_industries_each_others_parent():
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    x, y = make_industry(park, code="X"), make_industry(park, code="Y")
    outcome = _import(
        "industries",
        park,
        admin,
        [["代码", "名称", "上级产业"], ["X", x.name, "Y"], ["Y", y.name, "X"]],
    )
    assert outcome.batch is None and "under itself" in outcome.problems[0].message


def test_levels_follow_parents_moved_earlier_in_the_same_file():
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    _top, middle, bottom = (make_industry(park, code=c) for c in ("L", "M", "S"))
    rows = [["代码", "名称", "上级产业"], ["M", middle.name, "L"], ["S", bottom.name, "M"]]
    outcome = _import("industries", park, admin, rows)
    assert outcome.ok, outcome.problems
    bottom.refresh_from_db()
    assert bottom.level == Industry.Level.SEGMENT
    rows = [["代码", "名称", "上级产业"], ["T", "过深", "S"]]
    assert "segment cannot have" in _import("industries", park, admin, rows).problems[0].message


def test_a_new_tree_may_reuse_codes_another_park_uses():
    park, other = make_park(), make_park()
    make_industry(other, code="EI", name="电子信息")
    admin = make_user(Role.PARK_ADMIN, park=park)
    rows = [["代码", "名称", "上级产业"], ["EI", "电子信息", ""], ["EI-IC", "集成电路", "EI"]]
    outcome = _import("industries", park, admin, rows)
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert Industry.objects.unscoped().get(park=park, code="EI-IC").parent.park == park
