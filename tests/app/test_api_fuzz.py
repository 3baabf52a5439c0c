"""schemathesis against the OpenAPI document: generated requests to every operation, zero server errors, and
every status code answered is one the document lists for the operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from app.main import create_app
from app.security.tokens import TokenRegistry
from app.settings import Settings
from loaders.reference import load_reference
from stores.embedded import EmbeddedStore
from tests.contract.sample import sample_batch


@pytest.fixture(scope="module")
def admin_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = EmbeddedStore(tmp_path_factory.mktemp("fuzz") / "s.sqlite")
    store.ensure_schema()
    load_reference(store)
    batch = sample_batch()
    batch.nodes = [node for node in batch.nodes if node.label in ("Enterprise", "Cluster", "Park")]
    batch.relationships = [rel for rel in batch.relationships if rel.type in ("SUPPLIES", "MEMBER_OF", "LOCATED_IN")]
    store.write(batch)
    registry = TokenRegistry(":memory:")
    headers = {"Authorization": f"Bearer {registry.issue('admin', 'fuzz')}"}
    yield create_app(Settings(), store=store, tokens=registry), headers
    store.close()


@pytest.fixture(scope="module")
def api_schema(admin_app):  # type: ignore[no-untyped-def]
    app, headers = admin_app
    return schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)


def test_no_server_errors(api_schema, admin_app) -> None:  # type: ignore[no-untyped-def]
    """Every operation, ~25 generated cases each (schemathesis' pytest plugin does not support pytest 9 yet,
    so operations are walked here and each gets its own Hypothesis run)."""
    _, headers = admin_app
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance])

        run()
