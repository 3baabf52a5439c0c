"""JSON bodies encoded in one step by pydantic-core (Rust), for lookups served from caches.

A route that returns a ``Response`` skips FastAPI's per-item validation of its ``response_model``
and the pure-Python ``jsonable_encoder``; the model still documents the shape. Only plain data
(dicts, lists, strings, numbers, booleans, None) goes in.

>>> json_response({"name": "南昌", "items": [1, None]}).body.decode()
'{"name":"南昌","items":[1,null]}'
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic_core import to_json


def json_response(content: Any = None, *, body: bytes | None = None) -> Response:
    """A 200 ``application/json`` response of ``content`` (or of an already encoded ``body``)."""
    return Response(to_json(content) if body is None else body, media_type="application/json")
