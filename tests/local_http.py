"""A real HTTP server on 127.0.0.1, in a thread, for the tests that fetch."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LocalHTTPServer:
    """Serves ``handler`` (a ``BaseHTTPRequestHandler`` subclass) at ``url`` until ``stop()``."""

    def __init__(self, handler) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
