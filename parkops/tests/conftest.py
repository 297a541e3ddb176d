"""Tests that only mean something on one database are collected only there."""

import os

_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

collect_ignore = ["test_audit_sqlite.py"] if _POSTGRES else ["test_audit_postgres.py"]
