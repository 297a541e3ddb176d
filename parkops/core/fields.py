"""Model fields shared by the apps."""

from django.db import models

from parkops.core import crypto


class EncryptedCharField(models.TextField):
    """Text encrypted at rest (AES-GCM, see ``core.crypto``); "" is stored as "".

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
