"""API plumbing every app's router shares: auth, errors, scoped lookups, filters.

Routers are thin: they parse, call ``restrict``-based helpers and services, and
return schemas. Errors are JSON: ``{"detail": ..., "errors": {field: [..]}}``.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from typing import Optional

import ninja
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer, django_auth
from pydantic import create_model, model_validator

from parkops.core import permissions, text
from parkops.core.generic import get_scoped_or_404
from parkops.core.models import Park

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    openapi_description = "Personal API token (Bearer)"

    def authenticate(self, request, token):
        from parkops.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            return None
        # A token request has no session, so UserPreferencesMiddleware saw an
        # anonymous user: answer in the user's saved language here, not in
        # whatever Accept-Language the client sent (or did not send).
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
        if user.api_token.read_only and request.method not in SAFE_METHODS:
            permissions.deny(_("This API token is read-only."))
        return user


class Encoder(NinjaJSONEncoder):
    """Datetimes in ISO 8601 with the China Standard Time offset
    (``2026-03-01T05:43:00+08:00``), the time the pages show; never UTC ``Z``."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return text.to_cst(o).isoformat(timespec="milliseconds" if o.microsecond else "seconds")
        return super().default(o)


class Renderer(JSONRenderer):
    """JSON with Chinese characters as they are, not as \\u escapes, and China time."""

    encoder_class = Encoder
    json_dumps_params = {"ensure_ascii": False}


class Schema(ninja.Schema):
    """ninja's ``Schema``, reading a model instance's columns as plain attributes.

    ninja reads every field of every object through its ``DjangoGetter``, in
    Python: a resolver, a dotted name, a manager (a list), a method (called), a
    file (its URL). Profiled, that was a fifth of an API list request, ten
    times what reading the same attributes costs. Of a model instance, fields
    named after one of its own columns (a foreign key's id, not the object) are
    read as they are, and only the rest through ninja's getter: the same values.
    A schema choosing among names (``chooses_names``) is read by ninja's own
    path. Every API schema derives from this one."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        config = cls.model_config
        if (
            not isinstance(values, models.Model)
            or config.get("extra") == "forbid"  # ninja validates the object itself too
            or config.get("validate_assignment")
            or chooses_names(cls)
        ):
            return super()._run_root_validator(values, handler, info)
        columns, others = column_keys(cls, type(values))
        data = {key: getattr(values, key) for key in columns}
        if others:
            getter = DjangoGetter(values, cls, info.context)
            for key in others:
                # Missing (AttributeError): the field's default, as with ninja's getter.
                with contextlib.suppress(AttributeError):
                    data[key] = getattr(getter, key)
        return handler(data)


@functools.cache
def chooses_names(schema: type[ninja.Schema]) -> bool:
    """Does ``schema`` read a field by one of several names (``AliasChoices``,
    ``AliasPath``; an alias, or the field's name if that is missing, under
    ``validate_by_name``/``populate_by_name``)? Then ninja's getter reads it:
    pydantic chooses among the names as it does for ninja's own schemas."""
    config = schema.model_config
    if config.get("validate_by_name") or config.get("populate_by_name"):
        return True
    return any(
        not isinstance(field.validation_alias or field.alias or name, str)
        for name, field in schema.model_fields.items()
    )


@functools.cache
def column_keys(schema: type[ninja.Schema], model: type[models.Model]):
    """``(columns, others)``: the keys ``schema`` reads of a ``model`` instance
    that are its own columns' values (no resolver, not a file), and the rest."""
    columns = {
        field.attname
        for field in model._meta.concrete_fields
        if not isinstance(field, models.FileField)
    }
    keys = [
        field.validation_alias or field.alias or name for name, field in schema.model_fields.items()
    ]
    plain = [
        key
        for key in keys
        if isinstance(key, str) and key in columns and key not in schema._ninja_resolvers
    ]
    return tuple(plain), tuple(key for key in keys if key not in plain)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def create_api(**kwargs) -> NinjaAPI:
    api = NinjaAPI(
        title="ParkOps API",
        version="1",
        description=_(
            "ParkOps API. Authenticate with a personal API token "
            "(Authorization: Bearer <token>) or the browser session. "
            "Times are ISO 8601 in China Standard Time, with their offset (+08:00)."
        ),
        auth=[TokenAuth(), django_auth],
        renderer=Renderer(),
        urls_namespace="api",
        **kwargs,
    )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = (
            {field: list(messages) for field, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"__all__": list(exc.messages)}
        )
        return api.create_response(
            request, {"detail": _("The data is not valid."), "errors": errors}, status=422
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        from parkops.core.audit import record_denied

        record_denied(request, actor=getattr(request, "auth", None))
        detail = str(exc) or _("You do not have permission to do this.")
        return api.create_response(request, {"detail": detail, "errors": {}}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return not_found(request, exc)

    return api


def user_of(request):
    """The acting user: the token's owner or the session user."""
    return request.auth


def get_scoped(model, request, pk, action: str = permissions.VIEW):
    """The object if the user may ``action`` it, else 404 (never 403: no leak)."""
    return get_scoped_or_404(model, user_of(request), pk, action)


def resolve_park(request, park_id: int | None, model) -> Park:
    """The park a new object goes into: the given one, or the user's only park."""
    user = user_of(request)
    allowed = permissions.park_ids_for(user, model, permissions.ADD)
    if park_id is None:
        if len(allowed) != 1:
            raise ValidationError({"park": [_("Say which park (query parameter park).")]})
        park_id = next(iter(allowed))
    if park_id not in allowed:
        permissions.deny()
    return Park.objects.get(pk=park_id)


def resolve_related(request, model, pk, *, park, field: str):
    """A foreign key from a request body, only if it is in scope and in ``park``."""
    if pk is None:
        return None
    found = model.objects.restrict(user_of(request)).filter(pk=pk, park=park).first()
    if found is None:
        raise ValidationError({field: [_("No such record in this park.")]})
    return found


def filter_schema(filterset_class) -> type[Schema]:
    """A query-parameter schema with one optional field per FilterSet filter, so the
    API filters with the same FilterSet as the list page and documents it."""
    fields = dict.fromkeys(filterset_class.base_filters, (Optional[str], None))  # noqa: UP045
    return create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)
