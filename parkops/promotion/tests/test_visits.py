"""Visits and institutions: the shared register tests, the one-party rule on
every way in, staff rules, working-day due dates, distinct counting."""

import datetime

import pytest
from django.urls import reverse

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry
from parkops.core.periods import Period
from parkops.core.permissions import Role
from parkops.core.testing import (
    make_park,
    make_token,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.enterprises.testing import make_enterprise
from parkops.promotion import services
from parkops.promotion.figures import enterprises_visited, institutions_engaged
from parkops.promotion.models import Visit
from parkops.promotion.testing import (
    make_institution,
    make_institution_contact,
    make_officer,
    make_unit,
    make_visit,
)

ONE_PARTY = "拜访对象须为一家企业或一个机构，二者择一。"
H1 = Period.parse("2023-H1")


@pytest.fixture
def park(db):
    return make_park()


@pytest.fixture
def unit(park):
    return make_unit(park)


@pytest.fixture
def officer(park, unit):
    return make_officer(park, unit)


def log(park, officer, unit, **fields):
    data = {"date": datetime.date(2023, 3, 1), "purpose": "项目对接", "unit": unit}
    return services.visit_create(park=park, actor=officer, staff=[officer], **{**data, **fields})


# ---------------------------------------------------------- exactly one party
@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
def test_a_visit_names_exactly_one_of_enterprise_and_institution(park, officer, unit, both):
    from django.core.exceptions import ValidationError

    parties = (
        {"enterprise": make_enterprise(park), "institution": make_institution(park)} if both else {}
    )
    with pytest.raises(ValidationError) as caught:
        log(park, officer, unit, **parties)
    assert caught.value.message_dict["enterprise"] == [ONE_PARTY]
    assert not Visit.objects.unscoped().exists()


def test_the_page_refuses_a_visit_to_both_and_says_so_in_chinese(client, park, officer, unit):
    sign_in(client, officer)
    response = client.post(
        reverse("promotion:visit_add"),
        {
            "date": "2023-03-01",
            "unit": unit.pk,
            "staff": [officer.pk],
            "enterprise": make_enterprise(park).pk,
            "institution": make_institution(park).pk,
            "purpose": "对接",
            "country": "中国",
        },
    )
    assert response.status_code == 200
    assert ONE_PARTY in response.content.decode()
    assert not Visit.objects.unscoped().exists()


def test_the_api_refuses_a_visit_to_neither(client, park, officer, unit):
    token = make_token(officer)
    response = client.post(
        reverse("api:visit_list"),
        {"date": "2023-03-01", "unit_id": unit.pk, "staff_ids": [officer.pk], "purpose": "对接"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert ONE_PARTY in response.content.decode()
    assert not Visit.objects.unscoped().exists()


def test_an_import_row_naming_both_is_refused_with_the_rule(park, officer, unit):
    enterprise = make_enterprise(park, name="宿迁导入测试有限公司")
    institution = make_institution(park, name="苏州导入测试协会")
    officer.full_name = "王招商"
    officer.save()
    header = ["拜访日期", "招商单元", "拜访人员", "拜访企业", "拜访机构", "拜访事由"]
    good = ["2023-03-02", unit.code, "王招商", enterprise.name, "", "对接"]
    bad = ["2023-03-03", unit.code, "王招商", enterprise.name, institution.name, "对接"]
    outcome = run_import(
        spec=get_spec("visits"),
        actor=officer,
        park=park,
        data=xlsx_bytes([header, good, bad]),
        file_name="拜访.xlsx",
        commit=False,
    )
    messages = [problem.message for problem in outcome.problems]
    assert ONE_PARTY in messages
    assert [problem.row for problem in outcome.problems] == [3]


def test_an_import_logs_visits_with_their_staff(park, officer, unit):
    enterprise = make_enterprise(park, name="宿迁导入二号有限公司")
    officer.full_name = "王招商"
    officer.save()
    header = ["拜访日期", "招商单元", "拜访人员", "拜访企业", "拜访事由", "城市"]
    outcome = run_import(
        spec=get_spec("visits"),
        actor=officer,
        park=park,
        data=xlsx_bytes(
            [header, ["2023-03-02", unit.code, "王招商", enterprise.name, "对接", "苏州"]]
        ),
        file_name="拜访.xlsx",
        commit=True,
    )
    assert outcome.ok, outcome.problems
    visit = Visit.objects.unscoped().get(park=park)
    assert (visit.enterprise, visit.city, list(visit.staff.all())) == (
        enterprise,
        "苏州",
        [officer],
    )


def test_the_next_steps_owner_is_exported_and_imported_by_name(park, officer, unit):
    from parkops.core.exchange import writers

    officer.full_name = "王招商"
    officer.save()
    enterprise = make_enterprise(park, name="宿迁导入三号有限公司")
    header = ["拜访日期", "招商单元", "拜访企业", "拜访事由", "下一步工作", "下一步责任人"]
    row = ["2023-03-02", unit.code, enterprise.name, "对接", "寄送资料", "王招商"]
    spec = get_spec("visits")

    def imported(rows):
        return run_import(
            spec=spec,
            actor=officer,
            park=park,
            data=xlsx_bytes(rows),
            file_name="拜访.xlsx",
            commit=True,
        )

    refused = imported([header, [*row[:-1], "不存在的人"]])
    assert not refused.ok and not Visit.objects.unscoped().filter(park=park).exists()
    assert "下一步责任人" in str(refused.problems)
    outcome = imported([header, row])
    assert outcome.ok, outcome.problems
    visit = Visit.objects.unscoped().get(park=park)
    assert visit.next_step_owner == officer
    exported = list(
        writers.export_rows(spec, Visit.objects.unscoped().filter(pk=visit.pk), officer)
    )
    headers = [str(column.header) for column in spec.columns]
    assert exported[0][headers.index("下一步责任人")] == "王招商"


# ----------------------------------------------------------------------- staff
def test_staff_must_be_promotion_officers_of_the_park(park, officer, unit):
    from django.core.exceptions import ValidationError

    stranger = make_officer(make_park())
    service_officer = make_user(Role.SERVICE_OFFICER, park=park)
    for outsider in (stranger, service_officer):
        with pytest.raises(ValidationError) as caught:
            services.visit_create(
                park=park,
                actor=officer,
                staff=[officer, outsider],
                unit=unit,
                date=datetime.date(2023, 3, 1),
                purpose="对接",
                enterprise=make_enterprise(park),
            )
        assert "staff" in caught.value.message_dict


def test_the_next_steps_owner_must_be_a_promotion_officer(park, officer, unit):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        log(
            park,
            officer,
            unit,
            enterprise=make_enterprise(park),
            next_step="送项目资料",
            next_step_owner=make_user(Role.PARK_LEADER, park=park),
        )
    assert "next_step_owner" in caught.value.message_dict


def test_a_leader_reads_visits_but_cannot_log_one(client, park):
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    assert client.get(reverse("promotion:visit_list")).status_code == 200
    assert client.get(reverse("promotion:visit_add")).status_code == 403


def test_the_next_step_falls_due_n_working_days_later_across_the_national_day(park, officer, unit):
    # State Council 2023: 29 Sep – 6 Oct off, Saturday 7 and Sunday 8 Oct worked.
    visit = log(
        park,
        officer,
        unit,
        date=datetime.date(2023, 9, 28),
        enterprise=make_enterprise(park),
        next_step="报送项目可研",
        next_step_working_days=2,
    )
    assert visit.next_step_due == datetime.date(2023, 10, 8)


def test_the_visit_list_filters_by_who_visited_on_page_api_and_export(client, park, unit):
    import io
    import re

    from openpyxl import load_workbook

    wang = make_officer(park, unit)
    wang.full_name = "王招商"
    wang.save()
    li = make_officer(park, unit)
    li.full_name = "李招商"
    li.save()
    mine = make_visit(park, unit=unit, staff=[wang], purpose="王的拜访")
    make_visit(park, unit=unit, staff=[li], purpose="李的拜访")
    sign_in(client, wang)
    page = client.get(reverse("promotion:visit_list"))
    html = page.content.decode()
    assert "<th" in html and "拜访人员" in html
    # "All" when no one is chosen, as on every filter.
    assert re.search(r'<select name="staff"[^>]*>\s*<option value="" selected>全部</option>', html)
    assert "王招商" in html and "李招商" in html
    page = client.get(reverse("promotion:visit_list"), {"staff": wang.pk}).content.decode()
    assert "王的拜访" in page and "李的拜访" not in page
    assert re.search(r"<td[^>]*>\s*王招商\s*</td>", page)
    token = make_token(wang)
    response = client.get(
        reverse("api:visit_list"), {"staff": wang.pk}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]
    response = client.get(reverse("exchange:export", args=["visits"]), {"staff": wang.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    purpose = rows[0].index("拜访事由")
    assert [row[purpose] for row in rows[1:]] == ["王的拜访"]
    # Someone who is no promotion officer of the park is not among the choices.
    outsider = make_user(Role.PARK_LEADER, park=park)
    page = client.get(reverse("promotion:visit_list"), {"staff": outsider.pk}).content.decode()
    assert "王的拜访" not in page


def test_the_visit_forms_party_pickers_are_in_pinyin_order(park, officer, unit):
    from parkops.promotion.forms import VisitForm

    # Unicode order 北 < 张 < 阿; pinyin order a < bei < zhang.
    for name in ("张家港贸易有限公司", "阿特斯有限公司", "北方华创有限公司"):
        make_enterprise(park, name=name)
        make_institution(park, name=name.replace("有限公司", "协会"))
    form = VisitForm(user=officer, park=park)
    enterprises = [label for value, label in form.fields["enterprise"].choices if value]
    institutions = [label for value, label in form.fields["institution"].choices if value]
    assert enterprises == ["阿特斯有限公司", "北方华创有限公司", "张家港贸易有限公司"]
    assert institutions == ["阿特斯协会", "北方华创协会", "张家港贸易协会"]


BOTH_DUE = "下一步完成时限与工作日数只填一项。"


def test_a_due_date_and_working_days_together_are_refused_not_one_dropped(park, officer, unit):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        log(
            park,
            officer,
            unit,
            enterprise=make_enterprise(park),
            next_step="报送项目可研",
            next_step_due=datetime.date(2023, 3, 20),
            next_step_working_days=2,
        )
    assert caught.value.message_dict["next_step_due"] == [BOTH_DUE]
    assert not Visit.objects.unscoped().exists()
    visit = log(park, officer, unit, enterprise=make_enterprise(park))
    with pytest.raises(ValidationError) as caught:
        services.visit_update(
            visit=visit,
            actor=officer,
            next_step_due=datetime.date(2023, 3, 20),
            next_step_working_days=2,
        )
    assert caught.value.message_dict["next_step_due"] == [BOTH_DUE]
    visit.refresh_from_db()
    assert visit.next_step_due is None


def test_the_page_keeps_both_due_fields_and_says_why_it_refused(client, park, officer, unit):
    sign_in(client, officer)
    response = client.post(
        reverse("promotion:visit_add"),
        {
            "date": "2023-03-01",
            "unit": unit.pk,
            "staff": [officer.pk],
            "enterprise": make_enterprise(park).pk,
            "purpose": "对接",
            "country": "中国",
            "next_step": "报送项目可研",
            "next_step_due": "2023-03-20",
            "next_step_working_days": "2",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert BOTH_DUE in html and 'value="2023-03-20"' in html
    assert not Visit.objects.unscoped().exists()


def test_the_api_refuses_both_due_fields(client, park, officer, unit):
    token = make_token(officer)
    response = client.post(
        reverse("api:visit_list"),
        {
            "date": "2023-03-01",
            "unit_id": unit.pk,
            "staff_ids": [officer.pk],
            "enterprise_id": make_enterprise(park).pk,
            "purpose": "对接",
            "next_step_due": "2023-03-20",
            "next_step_working_days": 2,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert BOTH_DUE in response.content.decode()
    assert not Visit.objects.unscoped().exists()


@pytest.mark.parametrize("days", [-3, 0, 251, 100000])
def test_the_api_refuses_working_days_out_of_range_with_the_field(
    client, park, officer, unit, days
):
    """The form offers 1 to 250 working days; the service says so to the API
    too, by field (it answered 500 for -3 and 100000)."""
    token = make_token(officer)
    response = client.post(
        reverse("api:visit_list"),
        {
            "date": "2023-03-01",
            "unit_id": unit.pk,
            "staff_ids": [officer.pk],
            "enterprise_id": make_enterprise(park).pk,
            "purpose": "对接",
            "next_step": "报送项目可研",
            "next_step_working_days": days,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert "next_step_working_days" in response.json()["errors"]
    assert not Visit.objects.unscoped().exists()


# ------------------------------------------------------------ distinct counting
def test_two_visits_to_one_enterprise_count_once(park, officer, unit):
    first, second = make_enterprise(park), make_enterprise(park)
    log(park, officer, unit, enterprise=first, date=datetime.date(2023, 2, 1))
    log(park, officer, unit, enterprise=first, date=datetime.date(2023, 5, 1))
    log(park, officer, unit, enterprise=second, date=datetime.date(2023, 6, 30))
    log(park, officer, unit, enterprise=make_enterprise(park), date=datetime.date(2022, 12, 31))
    log(park, officer, unit, institution=make_institution(park), date=datetime.date(2023, 1, 1))
    result = enterprises_visited(parks=[park], period=H1)
    assert result.value == 2
    visits = Visit.objects.unscoped().filter(pk__in=result.record_ids)
    assert {visit.enterprise_id for visit in visits} == {first.pk, second.pk}
    assert institutions_engaged(parks=[park], period=H1).value == 1


def test_each_figure_lists_exactly_the_visits_it_counted(client, park, officer, unit):
    institution = make_institution(park)
    enterprise = make_enterprise(park)
    for day in (3, 9):
        log(park, officer, unit, institution=institution, date=datetime.date(2023, 4, day))
        log(park, officer, unit, enterprise=enterprise, date=datetime.date(2023, 4, day))
    other_park_visit = make_visit(make_park(), date=datetime.date(2023, 4, 3))
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    for compute in (enterprises_visited, institutions_engaged):
        result = compute(parks=[park], period=H1)
        assert result.value == len(result.record_ids) == 1
        listed = client.get(result.url).context["table"].data
        assert [row.pk for row in listed] == list(result.record_ids)
        assert listed[0].date == datetime.date(2023, 4, 3)
        assert other_park_visit.pk not in result.record_ids


# ------------------------------------------------------------------- pages
def test_the_structure_page_shows_the_tree_with_heads_and_members(client, park):
    office = make_unit(park, name="招商办", kind="office")
    bureau = make_unit(park, name="电子信息招商分局", parent=office)
    head = make_officer(park, bureau)
    head.full_name = "王分局长"
    head.save()
    bureau.head = head
    bureau.save()
    make_unit(make_park(), name="他园招商办", kind="office")
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    page = client.get(reverse("promotion:structure")).content.decode()
    assert page.index("招商办") < page.index("电子信息招商分局")
    assert "王分局长" in page
    assert "他园招商办" not in page


def test_institution_contacts_are_masked_and_history_lists_its_visits(client, park, officer, unit):
    contact = make_institution_contact(park, phone="13912345678")
    visit = log(park, officer, unit, institution=contact.institution, purpose="协会年会对接")
    sign_in(client, officer)
    page = client.get(contact.institution.get_absolute_url()).content.decode()
    assert "13912345678" not in page
    assert "139****5678" in page
    assert visit.purpose in page


def test_revealing_an_institution_contacts_phone_is_audited(client, park):
    contact = make_institution_contact(park, phone="13912345678")
    leader = make_user(Role.PARK_LEADER, park=park)
    leader.memberships.update(can_view_personal_data=True)
    sign_in(client, leader)
    response = client.get(reverse("promotion:institutioncontact_phone", args=[contact.pk]))
    assert "13912345678" in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW_PERSONAL, object_id=str(contact.pk), actor=leader
    ).exists()


def test_a_new_visit_form_starts_with_today_the_officers_unit_and_the_officer(
    client, park, officer, unit
):
    sign_in(client, officer)
    form = client.get(reverse("promotion:visit_add")).context["form"]
    assert form.initial["unit"] == unit.pk
    assert form.initial["staff"] == [officer.pk]


def test_an_institutions_industries_are_set_and_changed_within_its_park(park, officer):
    from django.core.exceptions import ValidationError

    from parkops.core.testing import make_industry
    from parkops.promotion.selectors import institution_industries

    chips, solar = make_industry(park), make_industry(park)
    institution = services.institution_create(
        park=park, actor=officer, name="江苏省测试协会", kind="association", industries=[chips]
    )
    services.institution_update(institution=institution, actor=officer, industries=[solar])
    shown = institution_industries(user=officer, institution=institution)
    assert list(shown) == [solar]
    with pytest.raises(ValidationError) as caught:
        services.institution_update(
            institution=institution, actor=officer, industries=[make_industry(make_park())]
        )
    assert "industries" in caught.value.message_dict


def test_an_imported_visit_without_staff_is_the_importing_officers(park, officer, unit):
    enterprise = make_enterprise(park, name="宿迁导入三号有限公司")
    header = ["拜访日期", "招商单元", "拜访企业", "拜访事由"]
    outcome = run_import(
        spec=get_spec("visits"),
        actor=officer,
        park=park,
        data=xlsx_bytes([header, ["2023-03-02", unit.code, enterprise.name, "对接"]]),
        file_name="拜访.xlsx",
        commit=True,
    )
    assert outcome.ok, outcome.problems
    assert list(Visit.objects.unscoped().get(park=park).staff.all()) == [officer]


def test_a_refused_institution_contact_keeps_what_was_typed_with_the_errors(client, park, officer):
    from parkops.promotion.models import InstitutionContact

    institution = make_institution(park)
    sign_in(client, officer)
    url = reverse("promotion:institutioncontact_add", args=[institution.pk])
    typed = {"name": "赵联系", "title": "秘书长", "phone": "12345", "email": "不是邮箱"}
    response = client.post(url, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="赵联系"' in html and 'value="秘书长"' in html and 'value="12345"' in html
    assert 'data-field="email">' in html and institution.name in html
    response = client.post(url, {**typed, "email": ""})
    assert response.status_code == 200
    assert 'data-field="phone">请输入 11 位手机号' in response.content.decode()
    assert not InstitutionContact.objects.unscoped().exists()
    response = client.post(url, {**typed, "email": "", "phone": "13812345678"})
    assert response.status_code == 302
    assert InstitutionContact.objects.unscoped().get().name == "赵联系"
