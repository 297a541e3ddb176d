"""Model fields shared by the apps."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkops.core import crypto


class EncryptedCharField(models.TextField):
    """Text encrypted at rest (AES-256-GCM or SM4-GCM, see ``core.crypto``); "" is stored as "".

    Not searchable or sortable in the database, by design: personal numbers are
    looked at one by one, never queried.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value)


CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def validate_code(value: str) -> None:
    """A code is ASCII letters, digits, ".", "_" and "-", starting with a letter
    or digit: codes go into URLs, file names and the option lists of every
    template, where a sign such as = or + would be read as a formula."""
    if not (isinstance(value, str) and CODE_PATTERN.fullmatch(value)):
        raise ValidationError(
            _(
                "A code starts with a letter or digit and contains only letters, digits, "
                "dots (.), underscores (_) and hyphens (-)."
            ),
            code="code_charset",
        )


class CodeField(models.CharField):
    """The short code of a park, an industry or a promotion unit (see ``validate_code``)."""

    default_validators = [validate_code]
