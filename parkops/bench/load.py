"""The load generator of the page benchmark: a second process that sends GET
requests to one URL from a few threads, each on its own keep-alive
connection, until ``--requests`` are answered or ``--seconds`` have passed;
prints one JSON object (requests, seconds, per second, statuses).

    python -m parkops.bench.load --port 8123 --path /bench/hello/ --cookie "sessionid=…"

No Django here: the process only measures the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time


def load(*, host, port, path, cookie, threads, requests, seconds) -> dict:
    lock = threading.Lock()
    state = {"issued": 0, "done": 0, "statuses": {}}
    deadline = time.perf_counter() + seconds

    def take() -> bool:
        with lock:
            if state["issued"] >= requests or time.perf_counter() > deadline:
                return False
            state["issued"] += 1
            return True

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {"Cookie": cookie, "Host": host} if cookie else {"Host": host}
        while take():
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            with lock:
                state["done"] += 1
                state["statuses"][status] = state["statuses"].get(status, 0) + 1
        connection.close()

    started = time.perf_counter()
    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": state["done"],
        "seconds": elapsed,
        "per_second": state["done"] / elapsed if elapsed else 0.0,
        "statuses": state["statuses"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    result = load(
        host=args.host,
        port=args.port,
        path=args.path,
        cookie=args.cookie,
        threads=args.threads,
        requests=args.requests,
        seconds=args.seconds,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
