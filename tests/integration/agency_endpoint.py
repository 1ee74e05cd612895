"""A local agency endpoint for the webhook tests: records every request, refuses or lingers on demand."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from courier.domain.webhooks import EVENT_ID_HEADER


class AgencyEndpoint:
    """Records each POST as (headers, body); answers 503 to the first `refuse`, then 200, after `delay` s."""

    def __init__(self, refuse: int = 0, delay: float = 0.0, path: str = "/hooks/courier"):
        self.refuse, self.received, self.lock = refuse, [], threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with endpoint.lock:
                    endpoint.received.append((dict(self.headers), body))
                    status = 503 if len(endpoint.received) <= endpoint.refuse else 200
                time.sleep(delay)  # e.g. so that a worker's work takes long enough to be cut in the middle
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the worker that sent it was killed

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def event_ids(self) -> list[str]:
        """The event id of each request, in the order they came."""
        with self.lock:
            return [headers[EVENT_ID_HEADER] for headers, _ in self.received]

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
