"""A local HTTP fake of the Bedrock Runtime endpoint: Converse and ConverseStream with AWS
event-stream framing, AWS error responses, a stream that stalls and a slow first byte.

botocore and langchain-aws talk to it through `endpoint_url` exactly as they talk to AWS, so the
real client code (signing, retries, event-stream decoding, error parsing) runs in the tests.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + n + bytes([7]) + len(v).to_bytes(2, "big") + v


def event(event_type: str, payload: dict[str, Any]) -> bytes:
    """One message of the AWS event-stream encoding (prelude, headers, payload, CRC32s)."""
    headers = (
        _header(":event-type", event_type)
        + _header(":content-type", "application/json")
        + _header(":message-type", "event")
    )
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = total.to_bytes(4, "big") + len(headers).to_bytes(4, "big")
    message = prelude + zlib.crc32(prelude).to_bytes(4, "big") + headers + body
    return message + zlib.crc32(message).to_bytes(4, "big")


def stream_events(text: str, pieces: int = 4) -> list[bytes]:
    size = max(1, len(text) // pieces)
    deltas = [text[i : i + size] for i in range(0, len(text), size)]
    return [
        event("messageStart", {"role": "assistant"}),
        *(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": d}}) for d in deltas),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "end_turn"}),
        event("metadata", {"usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15}, "metrics": {}}),
    ]


@dataclass
class Behaviour:
    """What the next requests get: an answer, an AWS error, a stall, or a slow start."""

    text: str = "SageMaker assumes the execution role [1]."
    error: tuple[int, str, str] | None = None  # (HTTP status, AWS error code, message)
    stall_after: int | None = None  # events sent before the stream goes silent
    first_byte_delay: float = 0.0
    requests: list[str] = field(default_factory=list)


class BedrockFake:
    def __init__(self) -> None:
        self.behaviour = Behaviour()
        self.release = threading.Event()  # ends every stall when the test is over
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                fake.behaviour.requests.append(self.path)
                fake.respond(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        b = self.behaviour
        if b.first_byte_delay and self.release.wait(b.first_byte_delay):
            return
        if b.error is not None:
            status, code, text = b.error
            body = json.dumps({"message": text}).encode()
            handler.send_response(status)
            handler.send_header("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/")
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body)
            return
        if handler.path.endswith("/converse-stream"):
            # as AWS sends it: HTTP/1.1 chunked transfer, one event-stream message per chunk
            handler.send_response(200)
            handler.send_header("Content-Type", "application/vnd.amazon.eventstream")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.send_header("Connection", "close")
            handler.end_headers()
            for n, chunk in enumerate(stream_events(b.text)):
                if b.stall_after is not None and n >= b.stall_after:
                    self.release.wait(120)
                    return
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                handler.wfile.flush()
            handler.wfile.write(b"0\r\n\r\n")
            return
        body = json.dumps({
            "output": {"message": {"role": "assistant", "content": [{"text": b.text}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
            "metrics": {"latencyMs": 5},
        }).encode()  # fmt: skip
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def running_fake() -> Iterator[BedrockFake]:
    fake = BedrockFake()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        fake.server.shutdown()
        fake.server.server_close()
