"""What a walk through the spreadsheet exchange in a browser found: a batch's
rows paged, exports refusing filters that do not validate, the template's
example row flagged, batches of registers the user cannot read not found, and
import errors in column order, joined once, saying when a cell is a formula."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from parkops.core.exchange import writers
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in, xlsx_bytes
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import IMPORT_HEADER, make_enterprise, random_uscc
from parkops.promotion.testing import make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (the UI default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


def run(park, user, data, *, commit, name="企业.xlsx"):
    return run_import(
        spec=get_spec("enterprises"),
        actor=user,
        park=park,
        data=data,
        file_name=name,
        commit=commit,
    )


def enterprise_rows(n):
    return [IMPORT_HEADER] + [
        [f"宿迁翻页{i:04d}有限公司", random_uscc(), "在园企业", "321300", "", "否", ""]
        for i in range(n)
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# ------------------------------------------------------------ 1. batch pages
def test_a_batch_of_more_than_one_page_pages_its_rows(client, park, officer):
    batch = run(park, officer, xlsx_bytes(enterprise_rows(520)), commit=True).batch
    sign_in(client, officer)
    url = reverse("exchange:importbatch_detail", args=[batch.pk])
    client.get(url)  # the process's first page fills its caches (content types…)

    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url).content.decode()
    assert "宿迁翻页0000有限公司" in first and "宿迁翻页0499有限公司" in first
    assert "宿迁翻页0500有限公司" not in first
    assert "第 2–501 行，共 520 行" in first
    assert 'href="?page=2"' in first

    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, {"page": 2}).content.decode()
    assert "宿迁翻页0500有限公司" in second and "宿迁翻页0519有限公司" in second
    assert "宿迁翻页0499有限公司" not in second
    assert "第 502–521 行，共 520 行" in second
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second
    assert len(second_queries) == len(first_queries)


def test_a_batch_of_one_page_shows_no_pages(client, park, officer):
    batch = run(park, officer, xlsx_bytes(enterprise_rows(3)), commit=True).batch
    sign_in(client, officer)
    page = client.get(reverse("exchange:importbatch_detail", args=[batch.pk])).content.decode()
    assert "宿迁翻页0002有限公司" in page
    assert "data-rows-pages" not in page


# ------------------------------------------------- 2. exports of bad filters
@pytest.mark.parametrize(
    ("address", "query", "named"),
    [
        ("exchange:export", {"status": "bogus"}, "（状态："),
        ("exchange:export", {"industry": "99999"}, "（产业："),
        ("exchange:export_csv", {"settled_on_before": "notadate"}, "（入园日期不晚于："),
    ],
)
def test_an_export_with_a_filter_that_does_not_validate_is_refused(
    client, park, officer, address, query, named
):
    make_enterprise(park)
    sign_in(client, officer)
    response = client.get(reverse(address, args=["enterprises"]), query)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("enterprises:enterprise_list") + "?")
    assert all(name in response["Location"] for name in query)  # the same filters
    [message] = messages_of(response)
    # The page answers in the user's language (Chinese): it names the filter.
    assert message.startswith("筛选条件有误（") and named in message
    assert message.endswith("），无法导出。")


def test_an_export_with_valid_filters_still_exports(client, park, officer):
    make_enterprise(park, name="在园有限公司")
    sign_in(client, officer)
    response = client.get(
        reverse("exchange:export_csv", args=["enterprises"]), {"status": "settled"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "在园有限公司" in content.decode("utf-8-sig")


def test_a_filter_hidden_from_the_user_refuses_their_export(client, park):
    project_officer = make_user(Role.PROJECT_OFFICER, park=park)
    visit = make_visit(park)
    sign_in(client, project_officer)
    response = client.get(reverse("exchange:export", args=["projects"]), {"visit": visit.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("projects:project_list") + "?")
    [message] = messages_of(response)
    assert message.startswith("筛选条件有误（") and message.endswith("），无法导出。")


# --------------------------------------------------- 3. the example row
def test_the_template_as_downloaded_warns_of_its_example_row(client, park, officer):
    sign_in(client, officer)
    template = client.get(reverse("exchange:template", args=["enterprises"])).content
    with translation.override("en"):  # the page's request left Chinese on
        preview = run(park, officer, template, commit=False, name="企业-导入模板.xlsx")
    assert preview.ok and preview.counts["create"] == 1  # a warning, not a refusal
    assert preview.warnings == [
        "Row 2 is the same as the template's example row; make sure you mean to import it."
    ]


def test_a_real_row_in_the_template_is_not_warned_of(client, park, officer):
    sign_in(client, officer)
    template = load_workbook(
        io.BytesIO(client.get(reverse("exchange:template", args=["enterprises"])).content)
    )
    sheet = template.worksheets[0]
    sheet["A2"] = "宿迁真实科技有限公司"
    sheet["B2"] = random_uscc()
    buffer = io.BytesIO()
    template.save(buffer)
    preview = run(park, officer, buffer.getvalue(), commit=False)
    assert preview.ok and preview.warnings == []


# ------------------------------------------- 4. batches of unreadable registers
def test_batches_of_registers_the_user_cannot_read_are_not_found(client, park, officer):
    enterprises = run(park, officer, xlsx_bytes(enterprise_rows(2)), commit=True).batch
    park_admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, park_admin)

    detail = client.get(reverse("exchange:importbatch_detail", args=[enterprises.pk]))
    assert detail.status_code == 404
    listed = client.get(reverse("exchange:importbatch_list")).content.decode()
    assert enterprises.file_name not in listed
    assert not ImportBatch.objects.restrict(park_admin).filter(pk=enterprises.pk).exists()
    # The 台账 filter offers the registers they may read (industries), not 企业.
    assert 'value="industries"' in listed and 'value="enterprises"' not in listed

    # A project officer reads enterprises: the same batch is theirs to open.
    client.logout()
    sign_in(client, make_user(Role.PROJECT_OFFICER, park=park))
    assert client.get(enterprises.get_absolute_url()).status_code == 200
    listed = client.get(reverse("exchange:importbatch_list")).content.decode()
    assert 'value="enterprises"' in listed and 'value="industries"' in listed


def test_a_project_officer_does_not_see_a_visits_batch(client, park):
    unit_batch = ImportBatch.objects.create(
        park=park,
        register="visits",
        actor=make_user(Role.PARK_ADMIN, park=park),
        file_name="走访.xlsx",
        sha256="0" * 64,
    )
    project_officer = make_user(Role.PROJECT_OFFICER, park=park)
    sign_in(client, project_officer)
    assert client.get(unit_batch.get_absolute_url()).status_code == 404
    assert "走访.xlsx" not in client.get(reverse("exchange:importbatch_list")).content.decode()


# ----------------------------------------------- 5. wording and order of errors
def test_a_rows_errors_are_listed_in_column_order(park, officer):
    rows = [IMPORT_HEADER, ["", "91321300MA1XXXXX0X", "不存在", "99", "无此产业", "也许", "去年"]]
    preview = run(park, officer, xlsx_bytes(rows), commit=False)
    columns = [problem.column for problem in preview.problems]
    assert len(columns) > 3
    assert columns == sorted(columns, key=lambda letter: (len(letter), letter))
    assert "B" in columns  # the credit code's check, found after the cells were read


def test_the_error_sheet_ends_each_message_once(park, officer):
    rows = [IMPORT_HEADER, ["", random_uscc(), "不存在", "", "", "否", ""]]
    preview = run(park, officer, xlsx_bytes(rows), commit=False)
    assert len(preview.problems) == 2
    sheet = load_workbook(io.BytesIO(writers.error_workbook(preview))).active
    errors = sheet.cell(row=2, column=len(IMPORT_HEADER) + 1).value
    assert "；" in errors
    assert ".；" not in errors and "。；" not in errors
    assert errors.endswith(".")


def test_a_formula_without_a_value_is_said_to_be_a_formula(park, officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_HEADER)
    # openpyxl saves formulas without a calculated value, as programs do.
    sheet.append(['=CONCAT("宿迁","公式有限公司")', random_uscc(), "在园企业", "", "", "否", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = run(park, officer, buffer.getvalue(), commit=False)
    [problem] = preview.problems
    assert problem.column == "A"
    assert problem.message.startswith("The cell holds a formula with no value")
    assert not Enterprise.objects.unscoped().filter(park=park).exists()


def test_an_empty_required_cell_is_still_said_to_need_filling(park, officer):
    rows = [IMPORT_HEADER, ["", random_uscc(), "在园企业", "", "", "否", ""]]
    [problem] = run(park, officer, xlsx_bytes(rows), commit=False).problems
    assert problem.message == "This column must be filled in."
