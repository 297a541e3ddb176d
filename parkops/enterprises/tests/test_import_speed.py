"""The import speed table (issue #11) is produced by a command; here at a small
size, for its table and its clean-up, never for a time."""

from io import StringIO

import pytest
from django.core.management import call_command

from parkops.core import audit
from parkops.core.models import ImportBatch
from parkops.enterprises.models import Enterprise


@pytest.mark.django_db
def test_the_speed_command_prints_its_table_and_leaves_no_enterprises():
    out = StringIO()
    call_command("import_speed", rows=30, stdout=out)
    table = out.getvalue()
    assert "30 rows" in table
    for step in ("bare read (python-calamine)", "preview", "commit", "undo", "peak MB"):
        assert step in table
    assert ImportBatch.objects.unscoped().get().status == ImportBatch.Status.UNDONE
    assert not Enterprise.objects.unscoped().exists()  # the undo removed them
    assert audit.audit_verify().ok
