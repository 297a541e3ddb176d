"""The session engine: Django's database sessions, read without building an ORM query.

Every signed-in request loads its session; ``SessionStore`` reads the row with
one statement written once (``core.hotpath``) instead of a query built per
request. Writes, expiry and ``clearsessions`` are Django's own.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from parkops.core import hotpath


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # The key is one Django made or checked (``_validate_session_key``).
        found = hotpath.rows(self.model, session_key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
