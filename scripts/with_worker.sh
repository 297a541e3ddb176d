#!/usr/bin/env bash
# Run a command (the web server) with the background-task worker beside it, and
# stop the worker when the command ends. Large imports are done by the worker.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --interval 1 --no-startup-delay &
worker=$!
# The worker may run itself in a child process (autoreload): stop both.
trap 'pkill -TERM -P "$worker" 2>/dev/null || true; kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$@"
