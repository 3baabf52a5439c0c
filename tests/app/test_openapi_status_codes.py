"""Every status code an API operation answers is in the OpenAPI document (``app.openapi()``).

The document is walked and each operation called anonymously, with a viewer's and an admin's
token, with each of its query parameters refused, with a body over the limit and — when it changes
data — from another site; every answer's code must be documented for that operation. The codes
the operations' own code raises are documented too, and every operation under /api documents 503.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from app.api.imports import MAX_UPLOAD_BYTES
from app.main import MAX_FORM_BYTES
from app.security.tokens import TokenRegistry
from queries.examples import example_batch
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client

SAMPLE_PATH_VALUES = {"chain_id": "chain:ev", "token_id": "1", "enterprise_id": "ent:cell", "node_id": "ent:cell",
                      "product_id": "product:cell", "park_id": "park:nope", "cluster_id": "cluster:nope"}
REFUSED = "§§§"  # fails every pattern, enum and number of the API


@pytest.fixture(scope="module")
def app_and_tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    store = EmbeddedStore(tmp_path_factory.mktemp("openapi") / "s.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    registry = TokenRegistry(":memory:")
    tokens = {role: registry.issue(role, f"测试-{role}") for role in ("viewer", "admin")}
    with make_client(store, registry, None) as client:
        yield client, tokens
    store.close()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


def test_every_answer_of_every_operation_is_documented(app_and_tokens: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = app_and_tokens
    document = client.app.openapi()  # type: ignore[attr-defined]
    undocumented: list[str] = []
    seen: set[int] = set()

    def check(method: str, path: str, operation: dict[str, Any], how: str, **kwargs: Any) -> int:
        answer = client.request(method, concrete(path), **kwargs)
        seen.add(answer.status_code)
        if str(answer.status_code) not in operation["responses"]:
            undocumented.append(f"{method} {path} {how}: {answer.status_code} {answer.text[:80]}")
        return answer.status_code

    for method, path, operation in operations(document):
        bearer = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
        anonymous = check(method, path, operation, "anonymous")
        assert anonymous == 401 or not path.startswith("/api/"), (method, path, anonymous)
        check(method, path, operation, "viewer", headers=bearer["viewer"])
        check(method, path, operation, "admin", headers=bearer["admin"])
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                check(method, path, operation, f"{parameter['name']}={REFUSED}", headers=bearer["admin"],
                      params={parameter["name"]: REFUSED})
        limit = MAX_UPLOAD_BYTES if path.startswith("/api/imports") else MAX_FORM_BYTES
        too_large = check(method, path, operation, "body over the limit",  # declared: refused before it is read
                          headers={**bearer["admin"], "Content-Length": str(limit + 1)}, content=b"x")
        assert too_large == 413, (method, path, too_large)
        if method != "GET":
            foreign = check(method, path, operation, "cross-site", headers={"Origin": "http://evil.example"})
            assert foreign == 403, (method, path, foreign)
    assert not undocumented, "\n".join(undocumented)
    assert {200, 401, 403, 404, 413, 422} <= seen  # the walk provoked what it is meant to


def test_codes_raised_in_the_operations_are_documented(app_and_tokens: tuple[TestClient, dict[str, str]]) -> None:
    """The status codes written in an operation's function and in the helpers of its module it calls."""
    client, _ = app_and_tokens
    document = client.app.openapi()  # type: ignore[attr-defined]
    missing = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        original = route.original_route
        if not isinstance(original, APIRoute) or not route.include_in_schema:
            continue
        function = inspect.unwrap(original.endpoint)
        module = inspect.getmodule(function)
        source = inspect.getsource(function)
        helpers = {name for name in re.findall(r"\b(_?[a-z]\w*)\(", source)
                   if inspect.isfunction(getattr(module, name, None)) and getattr(module, name).__module__ == module.__name__}
        texts = [source, *(inspect.getsource(getattr(module, name)) for name in helpers)]
        raised = {int(code) for text in texts for code in re.findall(r"status_code=([45]\d\d)", text)}
        for method in route.methods:
            documented = document["paths"][route.path_format][method.lower()]["responses"]
            missing += [f"{method} {route.path_format}: {code}" for code in sorted(raised) if str(code) not in documented]
    assert not missing, missing


def test_every_api_operation_documents_the_store_being_down(app_and_tokens: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app_and_tokens
    document = client.app.openapi()  # type: ignore[attr-defined]
    for method, path, operation in operations(document):
        if path.startswith("/api/") or path == "/health":
            assert "503" in operation["responses"], (method, path)
            assert "暂不可用" in operation["responses"]["503"]["description"] or path == "/health"
