"""A small OpenAI-compatible HTTP server on 127.0.0.1 for driving the real client in tests.

The test sets ``server.behaviour`` and ``server.reply`` before each call:

- ``"answer"``: a normal completion of ``reply``; JSON, or SSE chunks when the request asks to stream.
- ``"slow"``: waits ``delay`` seconds before answering (set the client timeout below it).
- ``"stall"``: streams the first chunk of ``reply``, then waits ``delay`` seconds mid-stream.
- ``"error500"``: HTTP 500 with an OpenAI-style error body.
- ``"malformed"``: HTTP 200 whose body (or SSE data line) is not valid JSON.
- ``"wrong_shape"``: HTTP 200 with valid JSON that is not a chat completion.

Every request is recorded in ``server.requests`` (path, headers, parsed JSON body) so tests can
check the prompt that was sent and the Authorization header.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BEHAVIOURS = ("answer", "slow", "stall", "error500", "malformed", "wrong_shape")


@dataclass
class RecordedRequest:
    """One request the stub received."""

    path: str
    headers: dict[str, str]
    body: dict = field(default_factory=dict)

    @property
    def messages(self) -> list[dict]:
        """The chat messages of the request."""
        return self.body.get("messages", [])

    def message(self, role: str) -> str:
        """The content of the first message with this role ('' when absent)."""
        return next((m.get("content", "") for m in self.messages if m.get("role") == role), "")


class StubServer(ThreadingHTTPServer):
    """The HTTP server plus the script it follows and what it received."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.release = threading.Event()  # set on shutdown so sleeping handlers return at once
        self.reset()

    def reset(self) -> None:
        """Back to a normal answer and an empty request log."""
        self.behaviour = "answer"
        self.reply = "好的[1]。"
        self.delay = 3.0
        self.chunk_size = 4
        self.requests: list[RecordedRequest] = []

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL clients should use."""
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: StubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        """Stay quiet: tests capture output."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        """Record the request, then act out the current behaviour."""
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"unparsed": raw.decode("utf-8", "replace")}
        self.server.requests.append(RecordedRequest(self.path, dict(self.headers.items()), body))
        if not self.path.endswith("/chat/completions"):
            return self._send(404, "application/json", json.dumps({"error": {"message": "not found"}}))
        behaviour, stream = self.server.behaviour, bool(body.get("stream"))
        model = body.get("model", "stub")
        if behaviour == "slow":
            self.server.release.wait(self.server.delay)
        if behaviour == "error500":
            return self._send(500, "application/json", json.dumps({"error": {"message": "internal", "type": "server"}}))
        if behaviour == "wrong_shape":
            return self._send(200, "application/json", json.dumps({"result": "ok", "choices": None}))
        if behaviour == "malformed" and not stream:
            return self._send(200, "application/json", '{"id": "x", "choices": [{"message": {"content": "半截')
        if stream:
            return self._stream(model, behaviour)
        return self._send(200, "application/json", json.dumps(_completion(model, self.server.reply)))

    def _send(self, status: int, content_type: str, text: str) -> None:
        data = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout)

    def _stream(self, model: str, behaviour: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if behaviour == "malformed":
            self._event('{"id": "x", "choices": [{"delta": {"content": "半截')
            self._event("[DONE]")
            return
        reply, size = self.server.reply, self.server.chunk_size
        pieces = [reply[i : i + size] for i in range(0, len(reply), size)]
        for i, piece in enumerate(pieces):
            self._event(json.dumps(_chunk(model, {"content": piece}, None)))
            if behaviour == "stall" and i == 0:
                self.server.release.wait(self.server.delay)
        self._event(json.dumps(_chunk(model, {}, "stop")))
        self._event("[DONE]")
        self.close_connection = True

    def _event(self, data: str) -> None:
        try:
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def _completion(model: str, content: str) -> dict:
    """A chat.completion object."""
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict, finish: str | None) -> dict:
    """A chat.completion.chunk object."""
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def start_stub() -> tuple[StubServer, threading.Thread]:
    """Start a stub server on a free port in a daemon thread."""
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, name="openai-stub", daemon=True)
    thread.start()
    return server, thread


def stop_stub(server: StubServer, thread: threading.Thread) -> None:
    """Wake sleeping handlers, stop serving and close the socket."""
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
