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


def test_login_link_is_one_time_asks_to_confirm_and_never_redirects_off_site(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    code = tokens.login_code(role_tokens["admin"])
    with make_client(store, tokens, None) as client:
        confirm = client.get(f"/login?code={code}&next=//evil.example/x")
        assert confirm.status_code == 200 and "您将以“<strong>测试-admin</strong>”（管理员）的身份登录" in confirm.text
        assert COOKIE not in confirm.cookies  # the GET alone signs nobody in (a link another site plants)
        signed_in = client.post("/login", data={"code": code, "next": "//evil.example/x"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        assert role_tokens["admin"] not in signed_in.headers["set-cookie"]  # the cookie holds a session, not the token
        assert client.get("/api/chains").status_code == 200
        again = client.post("/login", data={"code": code, "next": "/"}, headers={"Origin": "http://testserver"})
        assert again.status_code == 401 and "已被使用" in again.text
        old_style = client.get(f"/login?token={role_tokens['admin']}")
        assert old_style.status_code == 401 and "含令牌的登录链接已停用" in old_style.text


def test_a_session_ends_with_logout_revocation_and_expiry(store: EmbeddedStore, tokens: TokenRegistry) -> None:
    token = tokens.issue("viewer", "短期", expires_in_days=1)
    with make_client(store, tokens, None) as client:
        assert client.post("/login", data={"token": token}).status_code == 303
        assert client.get("/api/chains").status_code == 200
        info = next(item for item in tokens.list() if item.holder == "短期")
        assert info.last_used and info.expires and info.state == "有效"
        tokens._db.execute("UPDATE tokens SET expires = '2000-01-01T00:00:00+00:00' WHERE id = ?", (info.id,))
        assert client.get("/api/chains").status_code == 401 and tokens.role_of(token) is None
        assert next(item for item in tokens.list() if item.id == info.id).state == "已过期"
    again = tokens.issue("viewer", "再来")
    with make_client(store, tokens, None) as client:
        client.post("/login", data={"token": again})
        client.get("/logout")
        assert client.get("/api/chains").status_code == 401


@pytest.mark.parametrize(("headers", "refused"), [
    ({"Origin": "http://evil.example"}, True),
    ({"Origin": "http://testserver:8080"}, True),  # another port of the same host: another origin
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, True),
    ({"Sec-Fetch-Site": "same-site"}, True),
    ({"Referer": "http://evil.example/page"}, True),
    ({}, True),  # a cookie and no word of where the request comes from
    ({"Origin": "http://testserver"}, False),
    ({"Sec-Fetch-Site": "same-origin"}, False),
])
def test_state_changing_requests_with_the_cookie_must_come_from_this_origin(
    store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict, headers: dict, refused: bool,
) -> None:
    with make_client(store, tokens, None) as client:
        client.post("/login", data={"token": role_tokens["admin"]})
        response = client.post("/api/imports", files=[("files", ("x.csv", b"a,b\n", "text/csv"))], headers=headers)
        assert (response.status_code == 403 and "跨站请求被拒绝" in response.json()["error"]) == refused, response.text


def test_bearer_clients_and_login_csrf(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    with make_client(store, tokens, role_tokens["admin"]) as client:  # a script with its token: no browser, no CSRF
        response = client.post("/api/imports", files=[("files", ("x.csv", b"a,b\n", "text/csv"))], headers={"Origin": "http://evil.example"})
        assert response.status_code != 403
    with make_client(store, tokens, None) as client:  # another site posting its own token into our login form
        forged = client.post("/login", data={"token": role_tokens["viewer"]}, headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403 and COOKIE not in forged.cookies


def test_secure_cookies_behind_https(store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict) -> None:
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings(CHAINATLAS_SECURE_COOKIES=True), store=store, tokens=tokens)
    with TestClient(app, follow_redirects=False) as client:
        cookie = client.post("/login", data={"token": role_tokens["viewer"]}).headers["set-cookie"]
        assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()


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
