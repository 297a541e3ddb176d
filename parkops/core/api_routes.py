"""Read routes (paginated, filtered list + detail) every register's API shares.

Kept apart from ``api_base`` because ninja reads the handlers' annotations at
definition time, so this module must not use postponed annotations.
"""

from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from parkops.core.api_base import filter_schema, filtered, get_scoped


def add_read_routes(
    router: Router,
    *,
    path: str,
    model,
    filterset_class,
    schema,
    detail_schema=None,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple[str, ...] = (),
    guard=None,
) -> None:
    """Add ``GET path`` (operation ``<model>_list``) and ``GET path/{pk}``
    (``<model>_detail``), both scoped by ``restrict`` and filtered by the same
    FilterSet as the list page. ``guard(request)`` may raise before listing.

    Operation ids (and URL names under ``api:``) are the model's name and the
    action, as the pages' URL names are, so tests derive them from the model."""
    name = model._meta.model_name
    query_schema = filter_schema(filterset_class)

    def list_view(request, filters: query_schema = Query(...)):  # type: ignore[valid-type]
        if guard is not None:
            guard(request)
        queryset = filtered(request, model, filterset_class, filters, select_related=select_related)
        return queryset.prefetch_related(*prefetch_related) if prefetch_related else queryset

    def detail_view(request, pk: int):
        if guard is not None:
            guard(request)
        return get_scoped(model, request, pk)

    list_view.__name__ = f"{name}_list"
    detail_view.__name__ = f"{name}_detail"
    router.get(path, response=list[schema], operation_id=f"{name}_list", url_name=f"{name}_list")(
        paginate(PageNumberPagination)(list_view)
    )
    router.get(
        f"{path}/{{pk}}",
        response=detail_schema or schema,
        operation_id=f"{name}_detail",
        url_name=f"{name}_detail",
    )(detail_view)
