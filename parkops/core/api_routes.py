"""Read routes (paginated, filtered list + detail) and write routes (create,
update) every register's API shares.

Kept apart from ``api_base`` because ninja reads the handlers' annotations at
definition time, so this module must not use postponed annotations.
"""

from collections.abc import Callable

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from parkops.core import permissions
from parkops.core.api_base import column_keys, filter_schema, get_scoped, resolve_park, user_of
from parkops.core.pagination import ListPagination


def add_read_routes(
    router: Router,
    *,
    path: str,
    selector,
    schema,
    detail_schema=None,
    prefetch_related: tuple[str, ...] = (),
    list_headers: Callable[..., dict] | None = None,
    list_headers_doc: dict[str, str] | None = None,
) -> None:
    """Add ``GET path`` (operation ``<model>_list``) and ``GET path/{pk}``
    (``<model>_detail``), both scoped by ``restrict``. The list is ``selector``'s
    (the app's ``<entity>_list``: the rows, filters and order of the list page and
    the export), over all the user's parks; filters that do not validate are a 422.
    ``prefetch_related`` fetches what ``schema`` reads of each row;
    ``list_headers(user=, filters=)`` gives headers the list answers with (what
    the page says beside the rows, e.g. that a search was limited), each
    described in the list's OpenAPI response by ``list_headers_doc`` (header →
    description), so that clients find them in the contract.

    As on the pages: the list is a 403 for a user who may view the model
    nowhere, and an object outside the user's scope is a 404 (audited), whether
    they may view the model elsewhere or nowhere.

    Operation ids (and URL names under ``api:``) are the model's name and the
    action, as the pages' URL names are, so tests derive them from the model."""
    model = selector.model
    name = model._meta.model_name
    query_schema = filter_schema(selector.filterset_class)
    # A schema of the record's own columns reads no related row: the joins the
    # selector asks for (for the page and the export) would be read for nothing.
    reads_related = bool(column_keys(schema, model)[1])

    def list_view(request, response: HttpResponse, filters: query_schema = Query(...)):  # type: ignore[valid-type]
        permissions.require(user_of(request), model, permissions.VIEW)
        data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
        queryset = selector(user=user_of(request), filters=data)
        if not reads_related:
            queryset = queryset.select_related(None)
        if list_headers is not None:
            for header, value in list_headers(user=user_of(request), filters=data).items():
                response[header] = value
        return queryset.prefetch_related(*prefetch_related) if prefetch_related else queryset

    def detail_view(request, pk: int):
        return get_scoped(model, request, pk)

    list_view.__name__ = f"{name}_list"
    list_view.selector = selector  # how the shared tests find the list's selector
    detail_view.__name__ = f"{name}_detail"
    headers = {
        header: {"description": description, "schema": {"type": "string"}}
        for header, description in (list_headers_doc or {}).items()
    }
    router.get(
        path,
        response=list[schema],
        operation_id=f"{name}_list",
        url_name=f"{name}_list",
        openapi_extra={"responses": {200: {"headers": headers}}} if headers else None,
    )(paginate(ListPagination)(list_view))
    router.get(
        f"{path}/{{pk}}",
        response=detail_schema or schema,
        operation_id=f"{name}_detail",
        url_name=f"{name}_detail",
    )(detail_view)


def _as_given(request, data: dict, park) -> dict:
    return data


def add_write_routes(
    router: Router,
    *,
    path: str,
    schema_in,
    schema_patch,
    schema_out,
    create: Callable,
    update: Callable,
    model=None,
    selector=None,
    resolve: Callable = _as_given,
) -> None:
    """Add ``POST path`` (operation ``<model>_add``, answering 201) and
    ``PATCH path/{pk}`` (``<model>_edit``), both calling the app's services.

    ``create(*, park, actor, **fields)`` and ``update(obj, *, actor, **fields)``
    are the services, as a ``RegisterSpec`` names them. The park of a new object
    is the ``?park=`` given or the user's only one (``resolve_park``: refused
    where the user may not add); the object to update is looked up in the user's
    scope (``get_scoped``: 404 outside it), and the service refuses if the user
    may see but not change it. A PATCH passes only the fields the body sets.
    ``resolve(request, data, park)`` turns body values into fields (foreign-key
    ids into objects, with ``api_base.resolve_related``); by default the body's
    values are the fields. ``model`` is ``selector.model`` if not given; the
    operation ids, like the pages' URL names, are derived from it."""
    model = model if model is not None else selector.model
    name = model._meta.model_name

    def create_view(request, payload: schema_in, park: int | None = None):  # type: ignore[valid-type]
        target = resolve_park(request, park, model)
        fields = resolve(request, payload.dict(), target)
        return Status(201, create(park=target, actor=user_of(request), **fields))

    def update_view(request, pk: int, payload: schema_patch):  # type: ignore[valid-type]
        obj = get_scoped(model, request, pk)
        fields = resolve(request, payload.dict(exclude_unset=True), obj.park)
        return update(obj, actor=user_of(request), **fields)

    create_view.__name__ = f"{name}_add"
    update_view.__name__ = f"{name}_edit"
    router.post(
        path, response={201: schema_out}, operation_id=f"{name}_add", url_name=f"{name}_add"
    )(create_view)
    router.patch(
        f"{path}/{{pk}}",
        response=schema_out,
        operation_id=f"{name}_edit",
        url_name=f"{name}_edit",
    )(update_view)
