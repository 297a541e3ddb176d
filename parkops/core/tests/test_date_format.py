"""Every date reads 2023-06-17: a table's date column, a detail page's value and
a template's ``{{ date }}`` alike, in Chinese and English."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from parkops.core.tables import BaseTable


class DatedTable(BaseTable):
    import django_tables2 as tables

    on = tables.Column()
    on_date = tables.DateColumn()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_render_in_one_format(language, rf):
    day = datetime.date(2023, 6, 17)
    with translation.override(language):
        assert Template("{{ day }}|{{ day|date }}").render(Context({"day": day})) == (
            "2023-06-17|2023-06-17"
        )
        table = DatedTable([{"on": day, "on_date": day}])
        html = table.as_html(rf.get("/"))
    assert "2023-06-17" in html and "年" not in html and "June" not in html
