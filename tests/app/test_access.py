"""Access by role: tokens, login page, and what anonymous users may see."""

from __future__ import annotations

import pytest

from app.security.tokens import COOKIE, TokenRegistry
from graph_schema.errors import ChainAtlasError
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client


@pytest.fixture
def store(tmp_path):  # the embedded store suffices: access control does not touch the graph
    embedded = EmbeddedStore(tmp_path / "s.sqlite")
    embedded.ensure_schema()
    yield embedded
    embedded.close()


def test_anonymous_sees_only_health_and_login(store: EmbeddedStore, tokens: TokenRegistry) -> None:
    with make_client(store, tokens, None) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/login").status_code == 200
        assert client.get("/api/chains").status_code == 401
        assert client.get("/openapi.json").status_code == 401
        page = client.get("/chains/chain:aviation")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/chains/chain:aviation"
        assert client.get("/").headers["location"] == "/login?next=/"


def test_login_form_sets_cookie_and_goes_back(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    with make_client(store, tokens, None) as client:
        bad = client.post("/login", data={"token": "nonsense", "next": "/"})
        assert bad.status_code == 401 and "令牌无效" in bad.text
        good = client.post("/login", data={"token": role_tokens["viewer"], "next": "/chains/chain:aviation"})
        assert good.status_code == 303 and good.headers["location"] == "/chains/chain:aviation"
        assert COOKIE in good.cookies
        assert client.get("/api/chains").status_code == 200  # the cookie now carries the token
        client.get("/logout")
        assert client.get("/api/chains").status_code == 401


def test_login_link_and_open_redirects(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    with make_client(store, tokens, None) as client:
        link = client.get(f"/login?token={role_tokens['admin']}&next=//evil.example/x")
        assert link.status_code == 303 and link.headers["location"] == "/"


def test_revoked_token_is_refused(store: EmbeddedStore, tokens: TokenRegistry) -> None:
    token = tokens.issue("viewer", "临时")
    with make_client(store, tokens, token) as client:
        assert client.get("/api/chains").status_code == 200
        tokens.revoke(tokens.list()[-1].id)
        assert client.get("/api/chains").status_code == 401


def test_issue_refuses_unknown_roles(tokens: TokenRegistry) -> None:
    with pytest.raises(ChainAtlasError, match="unknown role"):
        tokens.issue("superuser", "x")
    with pytest.raises(ChainAtlasError, match="holder"):
        tokens.issue("viewer", "  ")


def test_admin_issues_lists_and_revokes_tokens(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    with make_client(store, tokens, role_tokens["admin"]) as admin:
        issued = admin.post("/api/tokens", json={"role": "viewer", "holder": "招商局 王五"})
        assert issued.status_code == 201 and issued.json()["role"] == "viewer"
        new_token = issued.json()["token"]
        listed = admin.get("/api/tokens").json()
        assert listed[-1]["holder"] == "招商局 王五" and all("token" not in row for row in listed)
        with make_client(store, tokens, new_token) as colleague:
            assert colleague.get("/api/chains").status_code == 200
            assert colleague.get("/api/tokens").status_code == 403
            assert admin.delete(f"/api/tokens/{listed[-1]['id']}").status_code == 204
            assert colleague.get("/api/chains").status_code == 401
        assert admin.delete("/api/tokens/9999").status_code == 404
        assert admin.post("/api/tokens", json={"role": "root", "holder": "x"}).status_code == 422
