"""Typed dependencies handed to the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from stores.base import GraphStore


def get_store(request: Request) -> GraphStore:
    """The store opened in the app's lifespan."""
    return request.app.state.store


StoreDep = Annotated[GraphStore, Depends(get_store)]
