"""A real HTTP receiver for webhook tests: stdlib http.server on 127.0.0.1, a random port,
answering from a script (status and headers per request) and keeping what it was sent."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    url: str
    port: int
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def answer(self, *answers: int | tuple[int, dict[str, str]]) -> None:
        """The statuses (and headers) of the next requests; 200 once they run out."""
        self.script.extend(a if isinstance(a, tuple) else (a, {}) for a in answers)


@contextmanager
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            target = state["receiver"]
            with lock:
                target.received.append(Received(dict(self.headers.items()), body))
                status, headers = target.script.pop(0) if target.script else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{port}/hooks", port=port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
