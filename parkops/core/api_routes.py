"""Read routes (paginated, filtered list + detail) every register's API shares.

Kept apart from ``api_base`` because ninja reads the handlers' annotations at
definition time, so this module must not use postponed annotations.
"""

from ninja import Query, Router
from ninja.pagination import paginate

from parkops.core import permissions
from parkops.core.api_base import filter_schema, get_scoped, user_of
from parkops.core.pagination import ListPagination


def add_read_routes(
    router: Router,
    *,
    path: str,
    selector,
    schema,
    detail_schema=None,
    prefetch_related: tuple[str, ...] = (),
) -> None:
    """Add ``GET path`` (operation ``<model>_list``) and ``GET path/{pk}``
    (``<model>_detail``), both scoped by ``restrict``. The list is ``selector``'s
    (the app's ``<entity>_list``: the rows, filters and order of the list page and
    the export), over all the user's parks; filters that do not validate are a 422.
    ``prefetch_related`` fetches what ``schema`` reads of each row.

    As on the pages: the list is a 403 for a user who may view the model
    nowhere, and an object outside the user's scope is a 404 (audited), whether
    they may view the model elsewhere or nowhere.

    Operation ids (and URL names under ``api:``) are the model's name and the
    action, as the pages' URL names are, so tests derive them from the model."""
    model = selector.model
    name = model._meta.model_name
    query_schema = filter_schema(selector.filterset_class)

    def list_view(request, filters: query_schema = Query(...)):  # type: ignore[valid-type]
        permissions.require(user_of(request), model, permissions.VIEW)
        data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
        queryset = selector(user=user_of(request), filters=data)
        return queryset.prefetch_related(*prefetch_related) if prefetch_related else queryset

    def detail_view(request, pk: int):
        return get_scoped(model, request, pk)

    list_view.__name__ = f"{name}_list"
    list_view.selector = selector  # how the shared tests find the list's selector
    detail_view.__name__ = f"{name}_detail"
    router.get(path, response=list[schema], operation_id=f"{name}_list", url_name=f"{name}_list")(
        paginate(ListPagination)(list_view)
    )
    router.get(
        f"{path}/{{pk}}",
        response=detail_schema or schema,
        operation_id=f"{name}_detail",
        url_name=f"{name}_detail",
    )(detail_view)
