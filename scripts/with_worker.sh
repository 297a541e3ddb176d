#!/usr/bin/env bash
# Run a command (the web server) with the background-task worker beside it, and
# stop the worker when the command ends. Large imports and undos are done by
# the worker: should it ever die, it is started again after two seconds (it
# already waits out a busy database itself, see manage.py run_worker).
set -euo pipefail
cd "$(dirname "$0")/.."
# Job control: the worker loop gets a process group of its own, so that one
# signal stops the loop, the worker and its autoreload child together.
set -m
(
	while true; do
		.venv/bin/python manage.py run_worker --interval 1 --no-startup-delay || true
		echo "with_worker.sh: the background worker stopped; starting it again in 2 s" >&2
		sleep 2
	done
) &
workers=$!
set +m
trap 'kill -TERM -- "-$workers" 2>/dev/null || true' EXIT INT TERM
"$@"
