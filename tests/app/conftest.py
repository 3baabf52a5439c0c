"""Web test fixtures: an app over a store, and tokens of every role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security.tokens import ROLES, TokenRegistry
from app.settings import Settings
from stores.base import GraphStore


@pytest.fixture
def tokens() -> Iterator[TokenRegistry]:
    registry = TokenRegistry(":memory:")
    yield registry
    registry.close()


@pytest.fixture
def role_tokens(tokens: TokenRegistry) -> dict[str, str]:
    """One token per role."""
    return {role: tokens.issue(role, f"测试-{role}") for role in ROLES}


def make_client(store: GraphStore, tokens: TokenRegistry, token: str | None) -> TestClient:
    """A TestClient whose requests carry ``token`` (or none)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(create_app(Settings(), store=store, tokens=tokens), headers=headers, follow_redirects=False)
