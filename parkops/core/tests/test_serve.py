"""``make serve`` starts (issue #8): production static files collect, and the
production server does not announce itself."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time

from parkops.core.tests.test_settings import PRODUCTION, ROOT, run_django


def test_production_collectstatic_succeeds(tmp_path):
    # STATIC_ROOT is PARKOPS_VAR_DIR/static; run_django points that at tmp_path.
    result = run_django(tmp_path, "collectstatic", "--noinput", "-v0", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "vendor/leaflet/leaflet.js" in manifest["paths"]


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _first_response(port: int, deadline: float) -> http.client.HTTPResponse:
    """The response to GET / once the server listens, trying until ``deadline``."""
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            return connection.getresponse()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_production_server_sends_no_server_header(tmp_path):
    port = _free_loopback_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARKOPS_", "DATABASE_URL"))}
    env.update(
        PRODUCTION,
        PARKOPS_ALLOWED_HOSTS="127.0.0.1",
        PARKOPS_VAR_DIR=str(tmp_path),
        # Plain HTTP on loopback: no redirect to https, so / answers with the login redirect.
        PARKOPS_SSL_REDIRECT="0",
    )
    command = [
        *(sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"),
        *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"),
        "parkops.wsgi:application",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        response = _first_response(port, deadline=time.monotonic() + 30)
        assert response.status == 302
        assert response.getheader("Location") == "/accounts/login/?next=/"
        assert response.getheader("Server") is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_make_serve_runs_gunicorn_with_the_config_file():
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn --config gunicorn.conf.py" in serve
