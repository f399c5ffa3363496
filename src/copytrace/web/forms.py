"""Refuse HTML-form bodies whose text is not in their declared encoding.

Starlette decodes a multipart text field that is not valid in its charset as
Latin-1, and percent-escapes that are not UTF-8 as replacement characters, so
such a form used to be answered (200) as if it held some other text. This
middleware reads a form body whole (the body limit applies first), checks it,
and answers 400 with a message naming the field; a body that passes goes on
to the app unchanged.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def form_text_problem(content_type: str, body: bytes) -> str | None:
    """Why ``body`` holds a form field that is not text in its encoding, or None.

    File parts of a multipart body are not checked (uploads are decoded, and
    refused when undecodable, by the routes). A body too malformed to parse is
    left to Starlette's own parser, which refuses it.

    Example:
        >>> form_text_problem(URLENCODED, b"text=caf%C3%A9") is None
        True
        >>> form_text_problem(URLENCODED, b"text=caf%E9")
        "form field 'text' is not UTF-8 text (byte 0xe9 at byte 3)"
    """
    kind, params = parse_options_header(content_type)
    if kind == URLENCODED.encode():
        return _urlencoded_problem(body)
    if kind == MULTIPART.encode():
        return _multipart_problem(params, body)
    return None


def _urlencoded_problem(body: bytes) -> str | None:
    try:
        query = body.decode("ascii")
    except UnicodeDecodeError as exc:
        return (
            f"form data holds a raw non-ASCII byte (0x{body[exc.start]:02x} at byte "
            f"{exc.start}); URL-encoded forms carry percent-escaped UTF-8"
        )
    for field in query.split("&"):
        name = field.split("=", 1)[0]
        try:
            parse_qsl(field, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            shown = name.encode("ascii", "replace").decode()[:40]
            return (
                f"form field {shown!r} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                f"at byte {exc.start})"
            )
    return None


def _multipart_problem(params: dict[bytes, bytes], body: bytes) -> str | None:
    boundary = params.get(b"boundary")
    if not boundary:
        return None
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        codecs.lookup(charset)
    except LookupError:
        return f"form data in an unknown charset {charset[:40]!r}"
    problems: list[str] = []
    part = {"disposition": b"", "field": b"", "value": b""}
    data = bytearray()

    def on_part_begin() -> None:
        part["disposition"] = b""
        data.clear()

    def on_header_field(buf: bytes, start: int, end: int) -> None:
        part["field"] += buf[start:end]

    def on_header_value(buf: bytes, start: int, end: int) -> None:
        part["value"] += buf[start:end]

    def on_header_end() -> None:
        if part["field"].lower() == b"content-disposition":
            part["disposition"] = part["value"]
        part["field"] = part["value"] = b""

    def on_part_data(buf: bytes, start: int, end: int) -> None:
        data.extend(buf[start:end])

    def on_part_end() -> None:
        _, options = parse_options_header(part["disposition"])
        if b"filename" in options or problems:
            return
        name = options.get(b"name", b"")
        for what, raw in (("name", name), ("text", bytes(data))):
            try:
                raw.decode(charset)
            except UnicodeDecodeError as exc:
                shown = name.decode("ascii", "replace")[:40]
                problems.append(
                    f"form field {shown!r}: its {what} is not {charset} "
                    f"(byte 0x{raw[exc.start]:02x} at byte {exc.start})"
                )
                return

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except Exception:  # malformed: Starlette's parser refuses it with its own message
        return None
    return problems[0] if problems else None


class FormTextMiddleware:
    """Answers 400 to a form body (POST) whose text fields are not in its encoding.

    Sits inside the body-limit middleware; a 413 raised while reading is
    answered here the same way the app answers it.
    """

    def __init__(self, app: ASGIApp, refuse: Callable[[Request, int, str], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = Headers(scope=scope).get("content-type", "")
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind not in (URLENCODED, MULTIPART):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":  # the client went away
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        except HTTPException as exc:  # the body limit
            await self.refuse(Request(scope), exc.status_code, str(exc.detail))(
                scope, receive, send
            )
            return
        body = b"".join(chunks)
        problem = form_text_problem(content_type, body)
        if problem is not None:
            await self.refuse(Request(scope), 400, problem)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
