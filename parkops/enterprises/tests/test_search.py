"""Enterprise search through its index finds exactly the rows a scan finds, and
the index follows every way enterprises are written."""

import pytest
from django.db import connection
from django.db.models import Q

from parkops.core.testing import make_park
from parkops.core.text import pinyin_keys
from parkops.enterprises import search_index, selectors
from parkops.enterprises.models import Enterprise
from parkops.enterprises.selectors import enterprise_search
from parkops.enterprises.testing import make_enterprise
from parkops.enterprises.uscc import looks_like_prefix, make_uscc, normalise

pytestmark = pytest.mark.django_db

NAMES = [
    ("苏州宿迁电子有限公司", "宿迁电子厂\n苏宿电子"),
    ("泗洪精密机械有限公司", ""),
    ("骆马湖光电科技有限公司", "骆马湖光学"),
    ("ABC Robotics 宿迁有限公司", "abc机器人"),
    ("宿迁50%折扣贸易有限公司", ""),
    ("沭阳_花木有限公司", "沭阳花卉"),
]


def scanned(queryset, text):
    """Search without the indexes, the user's rule: every column scanned with
    %x%, the credit code included (a code containing the text anywhere, such
    as its last six characters), the initials with x% (typed initials are the
    start of a name's). (Below three characters the search looks anywhere only
    among the list's first rows: these lists are shorter than that.)"""
    text = (text or "").strip()
    if not text:
        return queryset
    lowered = text.lower().replace(" ", "")
    code = normalise(text)
    condition = (
        Q(name__icontains=text)
        | Q(former_names__icontains=text)
        | (Q(uscc__contains=code) if code else Q(pk__in=[]))
    )
    if lowered.isascii() and lowered.isalnum():
        condition |= Q(name_initials__startswith=lowered) | Q(name_pinyin__contains=lowered)
    else:
        full, _initials = pinyin_keys(text)
        if full:
            condition |= Q(name_pinyin__contains=full)
    return queryset.filter(condition)


@pytest.fixture
def enterprises():
    park = make_park()
    return [
        make_enterprise(
            park,
            name=name,
            former_names=former,
            uscc=make_uscc(f"913213005{i}{i * 7 % 10}4{i}8{i * 3 % 10}2{i}"),
        )
        for i, (name, former) in enumerate(NAMES)
    ]


def queries(enterprises):
    uscc = enterprises[0].uscc
    return [
        "宿迁电子",  # name
        uscc[:12].lower(),  # credit code, its start
        uscc[1:8],  # credit code, from its second character: a fragment
        "苏宿电子",  # former name
        "骆马湖光学",  # former name, not in the name
        uscc[2:12],  # credit code
        uscc[2:12].lower(),  # credit code, lower case
        uscc[:10].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),  # full width
        "luomahu",  # full pinyin
        "LuoMaHu",  # full pinyin, any case
        "szsq",  # initials
        "sqdz",  # initials inside a name's: not its start
        uscc[-6:],  # credit code, its last six characters
        uscc[:3],  # credit code, its first three characters
        "913",  # the start every code of the park shares
        "91",  # below a trigram
        "sh",  # initials, two letters
        "s",  # initials, one letter
        "宿",  # one character
        "宿迁",  # two characters
        "abc",  # ASCII in a name, any case
        "ROBOTICS",
        "50%",  # a LIKE wildcard typed by the user
        "_花木",
        "没有这家企业",
        "zzzzzz",
    ]


def test_search_finds_the_rows_a_scan_finds(enterprises):
    everyone = Enterprise.objects.unscoped()
    for text in queries(enterprises):
        expected = sorted(scanned(everyone, text).values_list("pk", flat=True))
        found = sorted(enterprise_search(everyone, text).values_list("pk", flat=True))
        assert found == expected, text
    # The cases above find something where they should.
    assert enterprise_search(everyone, "苏宿电子").get() == enterprises[0]
    assert enterprise_search(everyone, "luomahu").get() == enterprises[2]
    assert enterprise_search(everyone, "szsq").get() == enterprises[0]
    assert enterprise_search(everyone, "shjm").get() == enterprises[1]


def test_initials_are_matched_from_their_start(enterprises):
    """What a user types as initials is the start of a name's: "sqdz" (宿迁电子,
    the middle of 苏州宿迁电子有限公司's) is no match, "szsq" and "sz" are."""
    everyone = Enterprise.objects.unscoped()
    assert not enterprise_search(everyone, "sqdz").exists()
    assert enterprise_search(everyone, "szsq").get() == enterprises[0]
    assert enterprises[0] in enterprise_search(everyone, "sz")
    # Full pinyin is still matched anywhere.
    assert enterprise_search(everyone, "suqiandianzi").get() == enterprises[0]
    assert enterprise_search(everyone, enterprises[0].uscc[2:12].lower()).get() == enterprises[0]


def test_the_index_follows_creates_updates_bulk_writes_and_deletes(enterprises):
    everyone = Enterprise.objects.unscoped()
    renamed = enterprises[1]
    full, initials = pinyin_keys("洋河酒业有限公司")
    Enterprise.objects.unscoped().filter(pk=renamed.pk).update(
        name="洋河酒业有限公司", name_pinyin=full, name_initials=initials
    )
    assert list(enterprise_search(everyone, "洋河酒业")) == [
        Enterprise.objects.unscoped().get(pk=renamed.pk)
    ]
    assert not enterprise_search(everyone, "泗洪精密").exists()
    bulk = Enterprise.objects.bulk_create(
        [Enterprise(park=renamed.park, name="批量导入企业甲", uscc="")]
    )
    assert enterprise_search(everyone, "批量导入").get().name == bulk[0].name
    enterprises[2].delete()
    assert not enterprise_search(everyone, "骆马湖").exists()


def test_the_index_is_rebuilt_when_its_triggers_were_lost(enterprises):
    """Django rebuilds a SQLite table to alter it, and its triggers go with it:
    after ``migrate`` (``ensure``) the index holds what was written meanwhile."""
    everyone = Enterprise.objects.unscoped()
    search_index.drop()
    make_enterprise(enterprises[0].park, name="索引重建测试有限公司")
    search_index.ensure()
    assert enterprise_search(everyone, "索引重建").get().name == "索引重建测试有限公司"
    make_enterprise(enterprises[0].park, name="重建之后写入有限公司")
    assert enterprise_search(everyone, "之后写入").exists()


@pytest.mark.sqlite_fts  # SQLite's FTS tables: the SQLite leg only (parkops/conftest.py)
def test_an_index_of_the_earlier_shape_is_made_anew(enterprises):
    """Before the credit codes had their own FTS table, one table held all five
    columns: ``ensure`` (after ``migrate``) replaces it and its triggers."""
    everyone = Enterprise.objects.unscoped()
    fts, table = search_index.FTS, search_index.TABLE
    search_index.drop()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(name, former_names, uscc, name_pinyin, "
            f"name_initials, content='{table}', content_rowid='id', tokenize='trigram')"
        )
        for trigger in search_index.TRIGGERS:
            event = trigger.rsplit("_", 1)[1].upper()
            cursor.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} BEGIN SELECT 1; END")
    search_index.ensure()
    assert enterprise_search(everyone, enterprises[0].uscc[9:16]).get() == enterprises[0]
    assert enterprise_search(everyone, "苏宿电子").get() == enterprises[0]
    renamed = make_enterprise(enterprises[0].park, name="形状更新之后有限公司")
    assert enterprise_search(everyone, "更新之后").get() == renamed


def plan(queryset) -> str:
    """The query plan of ``queryset``'s ids (sequential scans priced out on
    PostgreSQL, as for a big table)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_search_uses_the_index(enterprises):
    # A search for a former name, in Chinese: name, former names and full pinyin
    # (no credit code holds a Chinese character), in one query.
    found = plan(enterprise_search(Enterprise.objects.unscoped(), "骆马湖光学"))
    if connection.vendor == "postgresql":
        assert "BitmapOr" in found
        for column in ("name", "former_names", "name_pinyin"):
            assert f"Bitmap Index Scan on enterprise_trgm_{column}" in found
        assert "Seq Scan" not in found
    else:
        assert "VIRTUAL TABLE INDEX" in found
        assert search_index.FTS in found


def test_a_credit_code_is_searched_by_prefix_or_by_trigram(enterprises):
    """What reads as the start of a code (authority, type, division) is matched
    from the start through a btree; any other run of code characters anywhere,
    through the codes' own trigram index."""
    everyone = Enterprise.objects.unscoped()
    uscc = enterprises[0].uscc
    start, fragment = uscc[:12].lower(), uscc[9:16]
    assert looks_like_prefix(normalise(start)) and not looks_like_prefix(fragment)
    assert enterprise_search(everyone, fragment).get() == enterprises[0]
    assert enterprises[0] in enterprise_search(everyone, start)
    by_prefix = plan(enterprise_search(everyone, start))
    by_trigram = plan(enterprise_search(everyone, fragment))
    if connection.vendor == "postgresql":
        assert "Bitmap Index Scan on enterprise_park_uscc_like" in by_prefix
        assert "~>=~" in by_prefix
        # ... and anywhere too, from three characters on: both branches.
        assert "Bitmap Index Scan on enterprise_trgm_uscc" in by_prefix
        assert "Bitmap Index Scan on enterprise_trgm_uscc" in by_trigram
    else:
        # (A range of it on a table with statistics: see bench/pages.md.)
        assert "INDEX enterprise_unique_uscc" in by_prefix
        assert search_index.FTS_CODE in by_prefix
        assert search_index.FTS_CODE in by_trigram


def test_a_code_fragment_is_found_whatever_it_looks_like():
    """The last six characters of 91321300MA1X923207 read like the start of a
    code (9, 2, then a division's digits) and are still found in the middle."""
    park = make_park()
    wanted = make_enterprise(park, name="片段测试有限公司", uscc="91321300MA1X923207")
    make_enterprise(park, name="另一家有限公司", uscc=make_uscc("91321300MA1X12345"))
    everyone = Enterprise.objects.unscoped()
    assert looks_like_prefix("923207")
    assert list(enterprise_search(everyone, "923207")) == [wanted]
    assert list(enterprise_search(everyone, "x923207")) == [wanted]
    assert set(enterprise_search(everyone, "9132")) == set(everyone)


def test_a_short_text_is_searched_by_prefix_and_in_the_first_rows(enterprises, monkeypatch):
    """Below three characters no trigram index narrows: names starting with the
    text are all found (an index), other matches among the first rows of the
    list only, and the search says it was limited. A list no longer than the
    limit is searched whole (the test above)."""
    everyone = Enterprise.objects.unscoped()
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    first_two = list(everyone.order_by("name_pinyin", "name", "pk")[:2])
    starts = make_enterprise(enterprises[0].park, name="宿豫新材料有限公司")  # pinyin: suyu…
    found = set(enterprise_search(everyone, "宿"))
    expected = {e for e in first_two if "宿" in e.name or "宿" in e.former_names} | {starts}
    expected |= {e for e in everyone if e.name.startswith("宿")}
    assert found == expected
    assert enterprises[0] not in first_two and enterprises[0] not in found  # 苏州宿迁…
    assert selectors.search_limited(everyone, "宿")
    assert not selectors.search_limited(everyone, "宿迁电")
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 100)
    assert not selectors.search_limited(everyone, "宿")
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    if connection.vendor == "postgresql":
        short = plan(enterprise_search(everyone, "宿"))
        # The window's branch is an index range of the park's rows (on a big
        # table ``enterprise_park_order``'s: see bench/pages.md).
        assert "Bitmap Index Scan on enterprise_park_name_like" in short, short
        assert "Seq Scan" not in short


def test_a_short_search_looks_at_the_first_rows_of_each_park(monkeypatch):
    """A user of two parks (alliance, province): the window is the first rows of
    each park in the list's order, not the first rows of the lowest park only."""
    from parkops.core.permissions import Role
    from parkops.core.testing import grant, make_user

    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    parks = [make_park(name="甲园区"), make_park(name="乙园区")]
    rows = {}
    for park in parks:
        # By pinyin: anhua…, bohai…, then the one with 宿 in the middle (zhong…).
        rows[park] = [
            make_enterprise(park, name="安华宿舍管理有限公司"),
            make_enterprise(park, name="渤海贸易有限公司"),
            make_enterprise(park, name="中宿物流有限公司"),
        ]
    user = make_user(Role.PARK_LEADER, park=parks[0])
    grant(user, Role.PARK_LEADER, park=parks[1])
    listed = selectors.enterprise_list(user=user)
    assert set(listed) == {e for park in parks for e in rows[park]}
    found = set(enterprise_search(listed, "宿"))
    # Each park's first two rows looked at: 安华宿舍… of both parks; 中宿… (third
    # of each park) is not, and nothing starts with 宿.
    assert found == {rows[parks[0]][0], rows[parks[1]][0]}
    assert selectors.search_limited(listed, "宿")
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 3)
    assert set(enterprise_search(listed, "宿")) == {
        e for park in parks for e in rows[park] if "宿" in e.name
    }
    assert not selectors.search_limited(listed, "宿")


def test_initials_are_searched_through_the_prefix_index(enterprises):
    """Latin letters: all five columns, the initials through the btree on
    ``(park, name_initials)`` by prefix, from one letter on (PostgreSQL)."""
    for text in ("szsq", "sz"):
        found = plan(enterprise_search(Enterprise.objects.unscoped(), text))
        if connection.vendor == "postgresql":
            assert "Bitmap Index Scan on enterprise_park_initials_like" in found, (text, found)
            assert "~>=~" in found, text  # the prefix as an index range
        elif len(text) >= search_index.TRIGRAM:
            assert search_index.FTS in found, text


def test_the_list_says_when_a_short_search_was_limited(enterprises, client, monkeypatch):
    """Under the search field, on the page and on its htmx update alike."""
    from django.urls import reverse

    from parkops.core.permissions import Role
    from parkops.core.testing import make_user, sign_in

    reader = make_user(Role.PARK_LEADER, park=enterprises[0].park)
    sign_in(client, reader)
    url = reverse("enterprises:enterprise_list")
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    notice = "其余仅查每个园区前2家"  # zh_Hans, the default language
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, {"q": "宿"}, headers=headers)
        page = response.content.decode()
        assert notice in page
        # A note (form-text), not an error: the search ran, the field is valid.
        assert not response.context["filter"].form.errors
        assert response.context["filter"].form.cleaned_data["q"] == "宿"
        assert 'id="filter-note-q" class="form-text' in page
        assert "is-invalid" not in page
        assert notice not in client.get(url, {"q": "宿迁电"}, headers=headers).content.decode()
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 100)
    assert "其他匹配只在列表" not in client.get(url, {"q": "宿"}).content.decode()


def test_the_api_and_the_export_say_when_a_short_search_was_limited(
    enterprises, client, monkeypatch
):
    """The API list answers with ``X-Search-Limited: true``; the export of a
    limited search is refused (it would be silently partial), back to the list
    with a message; a search of three characters or more exports."""
    from django.urls import reverse

    from parkops.core.permissions import Role
    from parkops.core.testing import make_token, make_user, sign_in

    reader = make_user(Role.PARK_LEADER, park=enterprises[0].park)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(reader)}"}
    api = reverse("api:enterprise_list")
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    limited = client.get(api, {"q": "宿"}, **auth)
    assert limited.status_code == 200
    assert limited["X-Search-Limited"] == "true"
    whole = client.get(api, {"q": "宿迁电"}, **auth)
    assert whole.status_code == 200 and "X-Search-Limited" not in whole
    assert [row["id"] for row in whole.json()["items"]] == [enterprises[0].pk]

    sign_in(client, reader)
    export = reverse("exchange:export", args=["enterprises"])
    refused = client.get(export, {"q": "宿"}, follow=True)
    assert refused.redirect_chain[0][0].startswith(reverse("enterprises:enterprise_list"))
    assert "未导出：少于3个字符的搜索只查找了列表的一部分" in refused.content.decode()
    exported = client.get(export, {"q": "宿迁电"})
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 100)
    assert client.get(export, {"q": "宿"}).status_code == 200


@pytest.fixture
def long_list_with_prospects(monkeypatch):
    """A park whose list is longer than the window (two rows here), with three
    prospects: 长青宿迁… is a prospect, third in the park's order, and has 宿 in
    the middle of its name (not at its start)."""
    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)
    park = make_park()
    make_enterprise(park, name="安华宿舍管理有限公司")
    make_enterprise(park, name="渤海贸易有限公司")
    wanted = make_enterprise(park, name="长青宿迁物流有限公司", status="prospect")
    make_enterprise(park, name="大华贸易有限公司", status="prospect")
    return park, wanted


def test_a_short_search_looks_at_the_first_rows_the_other_filters_leave(
    long_list_with_prospects, monkeypatch
):
    """With a filter, the window is the first rows of the filtered list: a
    filter that leaves no park more rows than the window is searched whole,
    and the search says it was not limited; one that leaves more says it was."""
    from parkops.core.permissions import Role
    from parkops.core.testing import make_user

    park, wanted = long_list_with_prospects
    user = make_user(Role.PARK_LEADER, park=park)
    short = {"q": "宿", "status": "prospect"}
    assert list(selectors.enterprise_list(user=user, filters=short)) == [wanted]
    assert not selectors.list_search_limited(user=user, filters=short)
    # Without the filter the list is over the window, and 长青… (third) is not looked at.
    assert wanted not in selectors.enterprise_list(user=user, filters={"q": "宿"})
    assert selectors.list_search_limited(user=user, filters={"q": "宿"})
    # Over the window with the filter too: limited, said so, and 长青… now third
    # of the prospects (baiyun, beifang, changqing…) is not looked at.
    make_enterprise(park, name="白云贸易有限公司", status="prospect")
    make_enterprise(park, name="北方贸易有限公司", status="prospect")
    assert selectors.list_search_limited(user=user, filters=short)
    assert wanted not in selectors.enterprise_list(user=user, filters=short)


def test_the_page_and_the_api_say_what_a_filtered_short_search_looked_at(
    long_list_with_prospects, client
):
    from django.urls import reverse

    from parkops.core.permissions import Role
    from parkops.core.testing import make_token, make_user, sign_in

    park, wanted = long_list_with_prospects
    reader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, reader)
    url = reverse("enterprises:enterprise_list")
    api = reverse("api:enterprise_list")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(reader)}"}
    short = {"q": "宿", "status": "prospect"}
    # The prospects fit in the window: searched whole, no note, no header.
    response = client.get(url, short)
    assert response.context["table"].paginator.count == 1
    assert "仅查每个园区" not in response.content.decode()
    listed = client.get(api, short, **auth)
    assert [row["id"] for row in listed.json()["items"]] == [wanted.pk]
    assert "X-Search-Limited" not in listed
    export = reverse("exchange:export", args=["enterprises"])
    assert client.get(export, short).status_code == 200
    # More prospects than the window: the note says it looked among the
    # filtered rows, the API says it was limited, and the export is refused.
    make_enterprise(park, name="白云贸易有限公司", status="prospect")
    page = client.get(url, short).content.decode()
    assert "少于3个字：筛选结果中以“宿”开头的名称、代码已全部列出，其余仅查每个园区前2家" in page
    assert client.get(api, short, **auth)["X-Search-Limited"] == "true"
    assert client.get(export, short).status_code == 302


def test_the_api_schema_documents_the_limited_search_header(client):
    """X-Search-Limited is part of the enterprise list's contract (openapi.json),
    on that operation only."""
    schema = client.get("/api/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path in schema["paths"].values()
        for operation in path.values()
    }
    headers = operations["enterprise_list"]["responses"]["200"]["headers"]
    assert set(headers) == {"X-Search-Limited"}
    assert headers["X-Search-Limited"]["schema"] == {"type": "string"}
    assert "fewer than 3 characters" in headers["X-Search-Limited"]["description"]
    assert "headers" not in operations["park_list"]["responses"]["200"]
    # Added to the page of rows the 200 answers with, not in its place.
    assert "application/json" in operations["enterprise_list"]["responses"]["200"]["content"]
