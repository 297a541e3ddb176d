import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from parkops.accounts.models import User
from parkops.core.api_base import Schema, resolve_related, user_of
from parkops.core.api_routes import add_read_routes, add_write_routes
from parkops.core.models import Industry
from parkops.core.text import mask_phone
from parkops.enterprises import search_index, selectors, services
from parkops.enterprises.models import Enterprise

router = Router(tags=["enterprises"])


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone_masked: str

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


class EnterpriseOut(Schema):
    id: int
    park_id: int
    name: str
    former_names: str
    uscc: str
    registered_region: str
    industry_id: int | None
    status: str
    settled_on: datetime.date | None
    above_scale: bool
    above_scale_since: datetime.date | None
    above_scale_until: datetime.date | None
    commissioner_id: int | None


class EnterpriseDetailOut(EnterpriseOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj, context) -> list:
        """Only for roles that may read contacts (the pages hide them likewise)."""
        return list(selectors.contact_list(user=user_of(context["request"]), enterprise=obj))


class EnterpriseIn(Schema):
    """The fields a client may set; park, audit and search fields are not among them."""

    name: str
    former_names: str = ""
    uscc: str = ""
    registered_region: str = ""
    industry_id: int | None = None
    status: Enterprise.Status = Enterprise.Status.SETTLED
    settled_on: datetime.date | None = None
    above_scale: bool = False
    above_scale_since: datetime.date | None = None
    above_scale_until: datetime.date | None = None
    commissioner_id: int | None = None


class EnterprisePatch(Schema):
    name: str | None = None
    former_names: str | None = None
    uscc: str | None = None
    registered_region: str | None = None
    industry_id: int | None = None
    status: Enterprise.Status | None = None
    settled_on: datetime.date | None = None
    above_scale: bool | None = None
    above_scale_since: datetime.date | None = None
    above_scale_until: datetime.date | None = None
    commissioner_id: int | None = None


def _fields(request, data: dict, park) -> dict:
    """Body values with foreign-key ids resolved inside the user's scope."""
    fields = dict(data)
    if "industry_id" in fields:
        fields["industry"] = resolve_related(
            request, Industry, fields.pop("industry_id"), park=park, field="industry_id"
        )
    if "commissioner_id" in fields:
        # Any account may be named here; the service decides who may be
        # commissioner, with the same message as on the page.
        commissioner_id = fields.pop("commissioner_id")
        commissioner = None
        if commissioner_id is not None:
            commissioner = User.objects.filter(pk=commissioner_id).first()
            if commissioner is None:
                raise ValidationError({"commissioner_id": [_("No such record in this park.")]})
        fields["commissioner"] = commissioner
    return fields


add_read_routes(
    router,
    path="/enterprises",
    selector=selectors.enterprise_list,
    schema=EnterpriseOut,
    detail_schema=EnterpriseDetailOut,
    list_headers=lambda *, user, filters: (
        {"X-Search-Limited": "true"}
        if selectors.list_search_limited(user=user, filters=filters)
        else {}
    ),
    list_headers_doc={
        "X-Search-Limited": (
            f"`true` when `q` has fewer than {search_index.TRIGRAM} characters and "
            "some park of the list the other filters leave has more than "
            f"{search_index.SCAN_LIMIT:,} enterprises: names and credit codes starting "
            f"with `q` are all found, other matches only among the first "
            f"{search_index.SCAN_LIMIT:,} of each park in the list's order (by pinyin). "
            f"Absent otherwise. Type {search_index.TRIGRAM} characters or more to "
            "search the whole list; the export of such a search is refused."
        )
    },
)


add_write_routes(
    router,
    path="/enterprises",
    selector=selectors.enterprise_list,
    schema_in=EnterpriseIn,
    schema_patch=EnterprisePatch,
    schema_out=EnterpriseDetailOut,
    create=services.enterprise_create,
    update=lambda obj, *, actor, **fields: services.enterprise_update(
        enterprise=obj, actor=actor, **fields
    ),
    resolve=_fields,
)
