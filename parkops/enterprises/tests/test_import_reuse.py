"""A commit reuses the rows its preview validated, and only them.

The preview of a clean file keeps its validated rows beside the held upload,
sealed with the server's key; the commit of the same file by the same user in
the same park writes them without parsing and validating every row again, once
it has checked that nothing they were validated against changed: the records
the rows matched, the records their references name, the user's rights, the
register's rules. If anything did, the file is validated in full, so the commit
does and says exactly what it would have without the preview.
"""

import pytest
from django.core.exceptions import PermissionDenied

from parkops.accounts.models import Membership, User
from parkops.core.exchange import bulk, importer
from parkops.core.exchange import services as exchange
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportItem
from parkops.core.permissions import Role
from parkops.core.testing import make_industry, make_park, make_user, xlsx_bytes
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise, random_uscc

pytestmark = pytest.mark.django_db
HEADER = ["企业名称", "统一社会信用代码", "状态", "产业", "是否规上"]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


@pytest.fixture
def validations(monkeypatch):
    """How many rows were validated in full (``bulk.validate`` calls)."""
    calls = []
    real = bulk.validate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "validate", counting)
    return calls


def sheet(*rows):
    return xlsx_bytes([HEADER, *rows])


def row(name, uscc=None, industry=""):
    return [name, uscc or random_uscc(), "在园企业", industry, "否"]


def preview(park, officer, data):
    held = exchange.import_preview(
        spec=get_spec("enterprises"), actor=officer, park=park, data=data, file_name="企业.xlsx"
    )
    assert held.outcome.ok and held.token
    return held.token


def commit(officer, token):
    return exchange.import_commit(token=token, actor=officer, register="enterprises")


def state():
    return (
        sorted(Enterprise.objects.unscoped().values_list("uscc", "name", "industry_id")),
        AuditEntry.objects.count(),
        ImportItem.objects.unscoped().count(),
    )


def test_the_commit_writes_the_previews_rows_without_validating_them_again(
    park, officer, validations
):
    industry = make_industry(park, code="EI", name="电子信息")
    existing = make_enterprise(park, name="旧名有限公司")
    same = make_enterprise(park, name="不变有限公司")
    data = sheet(
        row("新建一号有限公司", industry="EI"),
        row("新名有限公司", existing.uscc),
        [same.name, same.uscc, "在园企业", "", "否"],
    )
    token = preview(park, officer, data)
    assert len(validations) == 3 and exchange.validated_load(token) is not None
    entries = AuditEntry.objects.count()
    outcome = commit(officer, token)
    assert len(validations) == 3  # none validated again
    assert outcome.ok and [r.action for r in outcome.rows] == ["create", "update", "unchanged"]
    created = Enterprise.objects.unscoped().get(name="新建一号有限公司")
    assert created.industry == industry and created.name_pinyin
    existing.refresh_from_db()
    assert existing.name == "新名有限公司" and existing.name_pinyin.startswith("xin")
    # One audit entry per written row, the batch's, and an item per written row.
    assert AuditEntry.objects.count() == entries + 3
    assert list(
        ImportItem.objects.unscoped()
        .filter(batch=outcome.batch)
        .order_by("row")
        .values_list("row", "action")
    ) == [
        (2, "create"),
        (3, "update"),
    ]
    assert exchange.validated_load(token) is None  # gone with the held file


def test_a_reference_deleted_since_the_preview_refuses_the_commit_with_the_rows_message(
    park, officer, validations
):
    industry = make_industry(park, code="EI", name="电子信息")
    token = preview(park, officer, sheet(row("甲有限公司"), row("乙有限公司", industry="EI")))
    before = state()
    industry.delete()
    outcome = commit(officer, token)
    assert outcome.batch is None and state() == before
    [problem] = outcome.problems
    assert (problem.row, problem.column, problem.header) == (3, "D", "产业")
    assert problem.message == "No 产业 “EI” in this park."


def test_a_credit_code_registered_since_the_preview_is_matched_not_duplicated(
    park, officer, validations
):
    code = random_uscc()
    token = preview(park, officer, sheet(row("甲有限公司"), row("乙有限公司", code)))
    colleague = make_enterprise(park, name="同事登记有限公司", uscc=code)
    outcome = commit(officer, token)
    assert len(validations) == 4  # the file was validated again
    assert [r.action for r in outcome.rows] == ["create", "update"]
    assert Enterprise.objects.unscoped().filter(uscc=code).count() == 1
    colleague.refresh_from_db()
    assert colleague.name == "乙有限公司"


def test_a_record_changed_since_the_preview_is_validated_again(park, officer, validations):
    existing = make_enterprise(park, name="旧名有限公司")
    token = preview(park, officer, sheet(row("新名有限公司", existing.uscc)))
    colleague = make_user(Role.STATISTICS_OFFICER, park=park)
    services.enterprise_update(enterprise=existing, actor=colleague, former_names="更早的名字")
    outcome = commit(officer, token)
    assert len(validations) == 2 and outcome.ok
    existing.refresh_from_db()
    # The file's values over the colleague's: as without the preview.
    assert (existing.name, existing.former_names) == ("新名有限公司", "更早的名字")


def test_a_user_who_lost_the_role_since_the_preview_is_refused(park, officer):
    token = preview(park, officer, sheet(row("甲有限公司")))
    before = state()
    Membership.objects.filter(user=officer).delete()
    with pytest.raises(PermissionDenied):
        commit(User.objects.get(pk=officer.pk), token)  # as the next request loads them
    assert state() == before


def test_another_file_is_validated_in_full(park, officer, validations):
    """What a preview kept is for its own file only (its SHA-256), park and user."""
    spec = get_spec("enterprises")
    first = importer.run_import(
        spec=spec,
        actor=officer,
        park=park,
        data=sheet(row("甲有限公司")),
        file_name="a.xlsx",
        commit=False,
    )
    kept = first.validated
    other = sheet(row("乙有限公司"), row("丙有限公司"))
    outcome = importer.run_import(
        spec=spec,
        actor=officer,
        park=park,
        data=other,
        file_name="b.xlsx",
        commit=True,
        validated=kept,
    )
    assert len(validations) == 3 and outcome.batch.created_count == 2
    assert not Enterprise.objects.unscoped().filter(name="甲有限公司").exists()
    colleague = make_user(Role.STATISTICS_OFFICER, park=park)
    elsewhere = importer.run_import(
        spec=spec,
        actor=colleague,
        park=park,
        data=sheet(row("丁有限公司")),
        file_name="a.xlsx",
        commit=False,
    )
    assert importer._still_valid(kept, spec, colleague, park, b"") is None
    assert importer._still_valid(elsewhere.validated, spec, officer, park, b"") is None
    assert importer._still_valid(kept, spec, officer, make_park(), b"") is None


def test_kept_rows_not_sealed_by_this_server_are_ignored(park, officer, validations):
    token = preview(park, officer, sheet(row("甲有限公司")))
    path = exchange.upload_dir() / f"{token}.checked"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1  # one bit changed in the rows
    path.write_bytes(bytes(blob))
    assert exchange.validated_load(token) is None
    outcome = commit(officer, token)
    assert len(validations) == 2 and outcome.batch.created_count == 1


def test_a_preview_with_errors_keeps_nothing(park, officer):
    outcome = importer.run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=sheet(row("甲有限公司", "123")),
        file_name="a.xlsx",
        commit=False,
    )
    assert not outcome.ok and outcome.validated is None


@pytest.mark.parametrize(
    "values",
    [
        {"name": "某公司", "uscc": "", "status": Enterprise.Status.SETTLED},
        {"name": "某公司", "industry": "INDUSTRY", "above_scale": True, "commissioner": None},
        {"name": "某公司", "industry_id": "INDUSTRY_ID", "former_names": "旧名"},
        {"name": "某公司", "industry": "INDUSTRY", "industry_id": "INDUSTRY_ID"},
        {"name": "某公司", "not_a_field": 1},
    ],
)
def test_a_row_object_made_for_a_bulk_import_is_the_one_init_makes(park, values):
    industry = make_industry(park)
    values = {
        name: industry if value == "INDUSTRY" else industry.pk if value == "INDUSTRY_ID" else value
        for name, value in values.items()
    }
    try:
        slow = Enterprise(park=park, **values)
    except TypeError:
        with pytest.raises(TypeError):
            bulk.instance(Enterprise, {"park": park, **values})
        return
    fast = bulk.instance(Enterprise, {"park": park, **values})
    assert {k: v for k, v in vars(fast).items() if k != "_state"} == {
        k: v for k, v in vars(slow).items() if k != "_state"
    }
    assert fast._state.fields_cache == slow._state.fields_cache
    assert (fast._state.adding, fast._state.db) == (slow._state.adding, slow._state.db)


def test_the_commit_names_ignored_columns_in_the_language_of_the_commit(park, officer, validations):
    from django.utils import translation

    data = xlsx_bytes([[*HEADER, "备注"], [*row("甲有限公司"), "随便写写"]])
    token = preview(park, officer, data)
    with translation.override("zh-hans"):
        outcome = commit(officer, token)
    assert outcome.batch is not None and len(outcome.warnings) == 1
    assert len(validations) == 1  # the preview's rows, reused
    assert "F" in outcome.warnings[0] and "备注" in outcome.warnings[0]
    assert "is not a column" not in outcome.warnings[0]  # said in Chinese


# What the preview keeps is plain JSON under a versioned, algorithm-named seal.


def kept(token):
    seal, _newline, payload = (
        (exchange.upload_dir() / f"{token}.checked").read_bytes().partition(b"\n")
    )
    return seal.decode(), payload


def reseal(token, payload, seal):
    (exchange.upload_dir() / f"{token}.checked").write_bytes(seal.encode() + b"\n" + payload)


def test_kept_rows_read_back_exactly_decimal_date_none_and_references(park, officer):
    import datetime
    import decimal
    import json

    industry = make_industry(park, code="EI", name="电子信息")
    data = xlsx_bytes(
        [
            [*HEADER, "入园日期"],
            [*row("甲有限公司", industry="EI"), "2023-05-06"],
            [*row("乙有限公司"), ""],
        ]
    )
    held = exchange.import_preview(
        spec=get_spec("enterprises"), actor=officer, park=park, data=data, file_name="企业.xlsx"
    )
    seal, payload = kept(held.token)
    assert seal.startswith("v2:hmac-sha256:")
    json.loads(payload)  # plain JSON, nothing else
    loaded = exchange.validated_load(held.token)
    assert loaded == held.outcome.validated
    values = [dict(zip(loaded.attnames, w[2], strict=True)) for w in loaded.writes]
    assert values[0]["settled_on"] == datetime.date(2023, 5, 6)
    assert type(values[0]["settled_on"]) is datetime.date
    assert (values[0]["industry_id"], values[1]["industry_id"]) == (industry.pk, None)
    assert values[1]["settled_on"] is None

    # Every kind of value a row's object holds comes back as the same type and value.
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=datetime.UTC)
    odd = [
        decimal.Decimal("1234.50"),
        datetime.date(2024, 2, 29),
        moment,
        datetime.time(8, 30),
        None,
        7,
        True,
        0.1,
        "文本",
        Enterprise.Status.SETTLED,
    ]
    validated = importer.Validated(
        **{
            **vars(loaded),
            "attnames": tuple(f"f{i}" for i in range(len(odd))),
            "writes": [(2, "create", tuple(odd), None), (3, "update", (None,) * len(odd), {})],
        }
    )
    back = importer.Validated.loads(validated.dumps())
    assert back == validated
    assert [type(value) for value in back.writes[0][2][:4]] == [
        decimal.Decimal,
        datetime.date,
        datetime.datetime,
        datetime.time,
    ]
    assert str(back.writes[0][2][0]) == "1234.50"  # the same digits, not only equal


def test_rows_json_cannot_hold_exactly_are_not_kept(park, officer, validations):
    token = preview(park, officer, sheet(row("甲有限公司")))
    validated = exchange.validated_load(token)
    odd = importer.Validated(
        **{
            **vars(validated),
            "writes": [(2, "create", (b"bytes",) * len(validated.attnames), None)],
        }
    )
    exchange.upload_discard(token)
    exchange.validated_keep(token, odd)
    assert not (exchange.upload_dir() / f"{token}.checked").exists()


@pytest.mark.parametrize(
    "forge",
    [
        "unknown algorithm",
        "bare digest",
        "another key",
        "no seal line",
    ],
)
def test_a_forged_seal_is_refused_and_the_commit_validates_in_full(
    park, officer, validations, forge
):
    import hashlib
    import hmac

    token = preview(park, officer, sheet(row("甲有限公司")))
    seal, payload = kept(token)
    digest = seal.rsplit(":", 1)[1]
    if forge == "unknown algorithm":
        reseal(token, payload, f"v2:hmac-md5:{digest}")
    elif forge == "bare digest":
        reseal(token, payload, hashlib.sha256(payload).hexdigest())
    elif forge == "another key":
        mac = hmac.new(b"k" * 32, b"exchange.validated\x00" + payload, "sha256").hexdigest()
        reseal(token, payload, f"v2:hmac-sha256:{mac}")
    else:
        (exchange.upload_dir() / f"{token}.checked").write_bytes(payload)
    assert exchange.validated_load(token) is None
    outcome = commit(officer, token)
    assert outcome.ok and outcome.batch.created_count == 1
    assert len(validations) == 2  # validated again, no error shown


def test_a_seal_made_for_another_purpose_is_refused(park, officer, validations):
    from parkops.core import audit_seal

    token = preview(park, officer, sheet(row("甲有限公司")))
    _seal, payload = kept(token)
    reseal(token, payload, audit_seal.seal("entry", payload))
    assert exchange.validated_load(token) is None


def test_a_pickle_sealed_with_a_stolen_key_runs_nothing(park, officer, tmp_path, validations):
    """Even someone who has the key can only make the commit validate in full."""
    import pickle

    from parkops.core import audit_seal

    token = preview(park, officer, sheet(row("甲有限公司")))
    witness = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (witness.write_text, ("code ran",))

    forged = pickle.dumps(Payload())
    reseal(token, forged, audit_seal.seal("exchange.validated", forged))
    assert exchange.validated_load(token) is None
    outcome = commit(officer, token)
    assert outcome.ok and not witness.exists()


def test_rows_sealed_with_sm3_are_reused_whichever_algorithm_is_configured(
    park, officer, validations, settings
):
    settings.PARKOPS_AUDIT_MAC = "hmac-sm3"
    token = preview(park, officer, sheet(row("甲有限公司")))
    assert kept(token)[0].startswith("v2:hmac-sm3:")
    settings.PARKOPS_AUDIT_MAC = "hmac-sha256"
    outcome = commit(officer, token)
    assert outcome.ok and len(validations) == 1  # reused: seals name their algorithm
