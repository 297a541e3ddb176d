"""Gunicorn settings for ``make serve`` (production settings, TLS in front).

The bind address comes from the command line (``make serve HOST=… PORT=…``).
"""

from gunicorn.http import wsgi

workers = 3
# Threads, so that a request that waits (a paused answer to a slowed-down
# address, a slow upload) holds one thread and not a whole worker.
worker_class = "gthread"
threads = 4

# Do not tell clients which server software and version answer (issue #8): a
# "Server: gunicorn" header only helps an attacker pick exploits. Gunicorn has no
# setting for it, and its Response writes the header itself; this file is read by
# the master before it forks the workers, so every worker answers without it.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
