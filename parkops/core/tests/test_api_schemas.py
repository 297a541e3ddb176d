"""The project's API ``Schema`` reads a record's own columns directly and the rest
through ninja's getter: what a schema answers is what ninja's answers."""

import datetime

import ninja
import pytest
from ninja import Field
from pydantic import AliasChoices, ConfigDict

from parkops.api import api
from parkops.core.api_base import Schema, column_keys
from parkops.core.models import Industry
from parkops.core.testing import make_industry, make_park

pytestmark = pytest.mark.django_db


class IndustryByNinja(ninja.Schema):
    id: int
    park_id: int  # a foreign key's id: a column
    parent_id: int | None
    code: str
    name: str
    level: int
    parent: int | None  # the related object's id (through ninja's getter)
    parent_code: str | None = Field(None, alias="parent.code")  # a dotted name
    absolute_url: str = Field(alias="get_absolute_url")  # a method, called
    park_name: str  # a resolver, with the request's context
    note: str = "无"  # on no record: the default
    on: datetime.date | None = None

    @staticmethod
    def resolve_park_name(obj, context) -> str:
        return f"{obj.park.name}（{context['request']}）"

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id


class IndustryByParkOps(Schema, IndustryByNinja):
    """The same fields, read by the project's ``Schema``."""


def test_a_schema_answers_what_ninjas_answers():
    park = make_park(name="宿迁示例园区")
    parent = make_industry(park, code="C39", name="电子信息")
    industry = make_industry(park, code="C3971", name="电子元件", parent=parent, level=2)
    context = {"request": "请求"}

    ours = IndustryByParkOps.model_validate(industry, context=context).model_dump()
    assert ours == IndustryByNinja.model_validate(industry, context=context).model_dump()
    assert ours["parent_code"] == "C39"
    assert ours["park_name"] == "宿迁示例园区（请求）"
    assert ours["absolute_url"] == industry.get_absolute_url()
    assert ours["note"] == "无"
    # Only the plain columns are read directly.
    columns, _others = column_keys(IndustryByParkOps, Industry)
    assert set(columns) == {"id", "park_id", "parent_id", "code", "name", "level"}


class ChoosingByNinja(ninja.Schema):
    # The first of the names the record has.
    title: str = Field(validation_alias=AliasChoices("title", "name"))
    code: str


class ChoosingByParkOps(Schema, ChoosingByNinja):
    pass


class ByNameByNinja(ninja.Schema):
    # ``label`` is no attribute of an industry: read by the field's own name.
    model_config = ConfigDict(validate_by_name=True)
    name: str = Field(alias="label")


class ByNameByParkOps(Schema, ByNameByNinja):
    pass


class PopulatedByNameByNinja(ninja.Schema):
    model_config = ConfigDict(populate_by_name=True)
    code: str = Field(alias="industry_code")


class PopulatedByNameByParkOps(Schema, PopulatedByNameByNinja):
    pass


@pytest.mark.parametrize(
    ("ours", "ninjas"),
    [
        (ChoosingByParkOps, ChoosingByNinja),
        (ByNameByParkOps, ByNameByNinja),
        (PopulatedByNameByParkOps, PopulatedByNameByNinja),
    ],
    ids=["alias-choices", "validate-by-name", "populate-by-name"],
)
def test_a_schema_choosing_among_names_answers_what_ninjas_answers(ours, ninjas):
    industry = make_industry(make_park(), code="C39", name="电子信息")
    expected = ninjas.model_validate(industry).model_dump()
    assert ours.model_validate(industry).model_dump() == expected
    assert "电子信息" in expected.values() or "C39" in expected.values()


def _schemas(annotation):
    """The schema classes an annotation names, however nested (lists, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, ninja.Schema):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _schemas(field.annotation)
    for argument in getattr(annotation, "__args__", ()):
        yield from _schemas(argument)


def test_every_api_answer_is_read_by_the_projects_schema():
    """A new app's schema on ninja's base would be read field by field in Python."""
    found = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if isinstance(model, type) and issubclass(model, ninja.Schema):
                        found.update(_schemas(model.model_fields["response"].annotation))
    # ninja's own wrappers of a paginated list (its items are checked above).
    ours = {schema for schema in found if schema.__module__.startswith("parkops.")}
    assert {schema.__name__ for schema in ours} >= {"ParkOut", "IndustryOut", "ErrorOut"}
    assert [schema.__name__ for schema in ours if not issubclass(schema, Schema)] == []
