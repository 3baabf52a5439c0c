"""Every HTTP response carries the security headers: pages, JSON, errors and static files."""

from __future__ import annotations

from app.main import CONTENT_SECURITY_POLICY
from app.security.tokens import TokenRegistry
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client


def test_security_headers_on_every_kind_of_response(tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    with make_client(store, tokens, role_tokens["viewer"]) as client:
        for path, status in [("/api/chains", 200), ("/api/enterprises/ent:absent", 404), ("/static/style.css", 200),
                             ("/login", 200), ("/api/search?q=", 422)]:
            response = client.get(path)
            assert response.status_code == status, path
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
            assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["Referrer-Policy"] == "no-referrer"
    store.close()
