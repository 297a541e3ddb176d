"""Sign-in by username and password (Django's ``ModelBackend``), with the
signed-in user read on each request without building an ORM query."""

from django.contrib.auth import backends, get_user_model

from parkops.core import hotpath


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        found = hotpath.rows(get_user_model(), pk=user_id)
        if found and self.user_can_authenticate(found[0]):
            return found[0]
        return None
