"""One way to refuse and one way to bypass scoping, so that a reader (and the
audit trail) finds every refusal and every bypass by one name."""

import re
from pathlib import Path

import parkops

ROOT = Path(parkops.__file__).parent


def project_files(*, with_tests: bool):
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        if not with_tests and ("/tests/" in relative or "/e2e/" in relative):
            continue
        yield relative, path.read_text(encoding="utf-8")


def offenders(pattern: str, *, allowed: str | tuple[str, ...], with_tests: bool) -> list[str]:
    allowed = (allowed,) if isinstance(allowed, str) else allowed
    found = re.compile(pattern)
    return [
        f"{relative}:{number}"
        for relative, text in project_files(with_tests=with_tests)
        if relative not in (*allowed, "core/tests/test_one_way.py")
        for number, line in enumerate(text.splitlines(), 1)
        if found.search(line)
    ]


def test_code_refuses_only_through_permissions_deny():
    assert (
        offenders(r"raise PermissionDenied", allowed="core/permissions.py", with_tests=False) == []
    )


def test_code_bypasses_scoping_only_through_unscoped():
    assert (
        offenders(r"\.unguarded\b|\"unguarded\"", allowed="core/scoping.py", with_tests=True) == []
    )


def test_code_reaches_all_rows_only_through_unscoped():
    # Django's plain managers skip the park guard: only the scoping module and the
    # bulk writer (rows already checked) and the audit chain (no park rows) name them.
    allowed = ("core/scoping.py", "core/inserts.py", "core/audit.py")
    assert (
        offenders(r"\b_base_manager\b|\b_default_manager\b", allowed=allowed, with_tests=False)
        == []
    )
