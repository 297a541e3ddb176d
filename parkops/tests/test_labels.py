"""Labels that mean one thing: a word with two senses gets two translations, codes
are shown as their labels, and one thing has one name on the menu, the page
heading and the home card. Asserted in Chinese, the language users work in."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in, xlsx_bytes
from parkops.enterprises.testing import make_enterprise, random_uscc
from parkops.promotion.testing import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


@pytest.fixture
def batch(park, officer):
    existing = make_enterprise(park)
    rows = [
        ["企业名称", "统一社会信用代码", "状态"],
        ["新来有限公司", random_uscc(), "在园企业"],
        [existing.name + "（更名）", existing.uscc, "在园企业"],
    ]
    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows),
        file_name="企业.xlsx",
        commit=True,
    )
    return outcome.batch


def _dd(html: str, label: str) -> str:
    return re.search(rf"<dt[^>]*>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>", html).group(1)


def _heading(html: str) -> str:
    return re.search(r'<h2 class="page-title">\s*(.*?)\s*</h2>', html, re.S).group(1)


def test_the_import_counts_read_new_updated_unchanged(client, officer, batch):
    sign_in(client, officer)
    html = client.get(batch.get_absolute_url()).content.decode()
    assert _dd(html, "新建 / 更新 / 未变") == "1 / 1 / 0"
    assert "创建时间" not in html and "更新时间" not in html


def test_the_batch_list_counts_read_new_updated_unchanged(client, officer, batch):
    sign_in(client, officer)
    html = client.get(reverse("exchange:importbatch_list")).content.decode()
    headers = re.findall(r"<th[^>]*>\s*(?:<a[^>]*>)?\s*([^<]+?)\s*(?:</a>)?\s*</th>", html)
    assert {"新建", "更新", "未变"} <= set(headers)
    assert "创建时间" not in headers


def test_an_imported_rows_action_reads_new_not_create(client, officer, batch):
    sign_in(client, officer)
    html = client.get(batch.get_absolute_url()).content.decode()
    actions = re.findall(r"<tr><td>\d+</td><td>([^<]*)</td>", html)
    assert sorted(actions) == ["新建", "更新"]


def test_the_register_reads_its_name_not_its_key(client, officer, batch):
    sign_in(client, officer)
    detail = client.get(batch.get_absolute_url()).content.decode()
    assert _dd(detail, "台账") == "企业"
    listed = client.get(reverse("exchange:importbatch_list")).content.decode()
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", listed.split("<tbody")[1])
    assert "企业" in cells and "enterprises" not in cells


def test_the_batch_list_filters_by_register_name(client, officer, batch):
    sign_in(client, officer)
    html = client.get(reverse("exchange:importbatch_list")).content.decode()
    assert '<option value="enterprises">企业</option>' in html
    filtered = client.get(reverse("exchange:importbatch_list"), {"register_key": "industries"})
    assert batch.file_name not in filtered.content.decode().split('id="object-table"')[1]


def test_an_active_accounts_status_reads_normal_not_current(client, park):
    admin = make_user(Role.SYSTEM_ADMIN)
    target = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, admin)
    listed = client.get(reverse("accounts:user_list")).content.decode()
    assert '<span class="badge bg-green-lt">正常</span>' in listed
    detail = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert _dd(detail, "状态") == "正常"
    assert "当前" not in detail


def test_the_home_card_still_marks_the_active_park_as_current(client, park, officer):
    sign_in(client, officer)
    html = client.get(reverse("core:home")).content.decode()
    assert '<span class="badge bg-green-lt ms-auto">当前</span>' in html


def test_the_menu_heading_and_home_card_use_one_name(client, park):
    make_unit(park)
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    home = client.get(reverse("core:home")).content.decode()
    menu = dict(
        re.findall(
            r'<a class="nav-link" href="([^"]+)">'
            r'<span class="nav-link-icon">.*?</span><span class="nav-link-title">([^<]+)</span>',
            home,
        )
    )
    menu.pop(reverse("core:home"))
    menu.pop(reverse("api:openapi-view"))
    assert {"企业", "招商体系", "招商单元", "产业", "导入记录"} <= set(menu.values())
    # One name names one page: the structure tree and the unit list are told apart.
    assert len(set(menu.values())) == len(menu), menu
    assert menu[reverse("promotion:structure")] == "招商体系"
    assert menu[reverse("promotion:promotionunit_list")] == "招商单元"
    for url, name in menu.items():
        assert _heading(client.get(url).content.decode()) == name, url
    card_labels = re.findall(r'<dt class="col-7">([^<]+)</dt>', home)
    assert "招商单元" in card_labels and "产业" in card_labels


def test_the_interface_addresses_the_user_politely():
    po = Path(settings.BASE_DIR, "parkops/locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    translations = re.findall(r'^msgstr "(.*)"$', po, re.M)
    assert not [line for line in translations if "你" in line]
    # Nor a 你 written straight into a template or the code.
    sources = [
        path
        for pattern in ("**/*.html", "**/*.py")
        for path in Path(settings.BASE_DIR, "parkops").glob(pattern)
        if "test" not in path.name
    ]
    assert not [path for path in sources if "你" in path.read_text(encoding="utf-8")]
