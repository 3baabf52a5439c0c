"""Answers of a new revision prepared in the background, on both stores: after an import the API
answers 202 正在准备 (Retry-After) and the pages 数据正在准备，请稍候 (refreshing themselves) until
the analysis is computed, then the real answer — the one an app computing within the request gives.
Also the paged JSON answers (links, totals, the whole summary) and their encoded bytes kept per revision."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.main import create_app
from app.readmodel.preparing import PREPARING
from app.security.tokens import TokenRegistry
from app.settings import Settings
from graph_schema import Enterprise, Produces, Supplies
from queries.examples import example_batch
from stores.base import GraphStore, WriteBatch

RISKS = "/api/risks?chain=chain:ev"
GAPS = "/api/chains/chain:ev/gaps"
PAGES = ("/risks?chain=chain:ev", "/chains/chain:ev")


def a_local_motor_maker() -> WriteBatch:
    """An import that changes chain:ev's answers: its 驱动电机 gets a local producer supplying the 链主."""
    batch = WriteBatch()
    batch.extend([
        Enterprise(id="ent:nc-motor", name="南昌电机（示例）", local=True, province="江西省", district="南昌县", revenue_yi=8, synthetic=True),
        Produces(src="ent:nc-motor", dst="product:motor"),
        Supplies(src="ent:nc-motor", dst="ent:lead", product="product:motor", share=1.0),
    ])
    return batch


@pytest.fixture
def reviewer(tokens: TokenRegistry) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue('reviewer', '准备测试')}"}


@pytest.fixture
def apps(store: GraphStore, tokens: TokenRegistry, reviewer: dict[str, str]) -> Iterator[tuple[TestClient, TestClient]]:
    """The app as served (long work in the background; waiting 0 s for it, so the first answer of a
    new revision is always 正在准备) and an app that computes within each request, over one store."""
    store.write(example_batch())
    background = TestClient(create_app(Settings(), store=store, tokens=tokens, prepare_wait=0.0), headers=reviewer)
    inline = TestClient(create_app(Settings(), store=store, tokens=tokens), headers=reviewer)
    with background, inline:
        yield background, inline


def answered_after_preparing(client: TestClient, path: str, limit: float = 60.0) -> Response:
    """The answer to ``path`` once prepared; the first one must say 正在准备 (202, Retry-After)."""
    first = client.get(path)
    assert first.status_code == 202, (path, first.status_code, first.text[:200])
    assert int(first.headers["retry-after"]) > 0
    if path.startswith("/api/"):
        assert first.json() == {"preparing": True, "message": PREPARING, "retry_after": int(first.headers["retry-after"])}
    else:
        assert "数据正在准备，请稍候" in first.text
        assert f'<meta http-equiv="refresh" content="{first.headers["retry-after"]}">' in first.text
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        response = client.get(path)
        if response.status_code != 202:
            return response
        time.sleep(0.05)
    pytest.fail(f"{path} was still being prepared after {limit:.0f} s")


def test_a_new_revision_is_prepared_in_the_background_then_answered(store: GraphStore, apps: tuple[TestClient, TestClient]) -> None:
    background, inline = apps
    for path in (RISKS, GAPS):
        answer = answered_after_preparing(background, path)
        assert answer.status_code == 200 and answer.json() == inline.get(path).json()
    motor = {row["产品ID"]: row["状态"] for row in background.get(GAPS).json()["items"]}["product:motor"]
    assert motor == "缺链"

    store.write(a_local_motor_maker())  # a new revision: what was computed is of the old data
    for path in (RISKS, GAPS):
        answer = answered_after_preparing(background, path)
        assert answer.status_code == 200 and answer.json() == inline.get(path).json()
    assert {row["产品ID"]: row["状态"] for row in background.get(GAPS).json()["items"]}["product:motor"] == "弱链"
    assert "南昌电机（示例）" in background.get(RISKS).text  # the 链主's new sole motor supplier

    unknown = answered_after_preparing(background, "/api/risks?chain=chain:nothing")  # errors come through too
    assert unknown.status_code == 404 and "chain:nothing" in unknown.json()["error"]


def test_pages_say_they_are_being_prepared_then_show_the_analysis(store: GraphStore, apps: tuple[TestClient, TestClient]) -> None:
    background, _ = apps
    store.write(a_local_motor_maker())
    risks, chain = (answered_after_preparing(background, path) for path in PAGES)
    assert risks.status_code == 200 and "南昌电机（示例）" in risks.text and "数据正在准备" not in risks.text
    assert chain.status_code == 200 and "驱动电机" in chain.text and "数据正在准备" not in chain.text


def test_serve_recomputes_after_an_import_without_being_asked(store: GraphStore, tokens: TokenRegistry, reviewer: dict[str, str]) -> None:
    store.write(example_batch())
    app = create_app(Settings(), store=store, tokens=tokens, warm=True, prepare_wait=0.0)
    with TestClient(app, headers=reviewer) as client:
        app.state.rewarm.join(120)
        before = client.get(RISKS)
        assert before.status_code == 200  # warmed at start
        store.write(a_local_motor_maker())
        deadline = time.monotonic() + 60
        while not app.state.graphs.ready(("risks", "chain:ev", None)) and time.monotonic() < deadline:
            time.sleep(0.1)  # the health probe sees the new revision and the caches are filled again; no request asked
        answer = client.get(RISKS)
        assert answer.status_code == 200 and "南昌电机（示例）" in answer.text


def test_pages_of_an_answer_link_to_each_other_and_keep_the_whole_summary(apps: tuple[TestClient, TestClient]) -> None:
    _, client = apps
    whole = client.get("/api/risks", params={"chain": "chain:ev", "size": 1000}).json()
    assert whole["total"] == len(whole["items"]) > 3 and whole["pages"] == 1 and whole["next"] is None
    rows, path, seen = [], f"{RISKS}&size=2", 0
    while path:
        page = client.get(path).json()
        assert page["summary"] == whole["summary"] and page["total"] == whole["total"] and page["size"] == 2
        rows += page["items"]
        seen += 1
        assert page["previous"] == (None if seen == 1 else f"/api/risks?chain=chain%3Aev&size=2&page={seen - 1}")
        path = page["next"]
    assert rows == whole["items"] and seen == -(-whole["total"] // 2)
    past = client.get(f"{RISKS}&size=2&page=99").json()
    assert past["items"] == [] and past["next"] is None and past["previous"].endswith(f"page={seen}")
    assert client.get(f"{RISKS}&size=1001").status_code == 422
    csv_lines = client.get(f"{RISKS}&format=csv&size=1").content.decode("utf-8-sig").strip().splitlines()
    assert len(csv_lines) == whole["total"] + 1  # a download is complete, whatever the page size
    document = client.get("/openapi.json").json()
    responses = document["paths"]["/api/risks"]["get"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AnalysisPage")
    assert {"next", "previous", "pages", "total", "summary"} <= set(document["components"]["schemas"]["AnalysisPage"]["properties"])
    assert "正在准备" in responses["202"]["description"]


def test_an_answer_is_encoded_once_per_revision(store: GraphStore, apps: tuple[TestClient, TestClient]) -> None:
    _, client = apps
    cache = client.app.state.graphs  # type: ignore[attr-defined]
    first = client.get(GAPS, params={"size": 3})
    held = cache.encoded_size
    assert client.get(GAPS, params={"size": 3}).content == first.content and cache.encoded_size == held  # the same bytes again
    client.get(GAPS, params={"size": 3, "page": 2})
    assert cache.encoded_size[0] == held[0] + 1  # another page is another answer
    store.write(a_local_motor_maker())
    after = client.get(GAPS, params={"size": 3})
    assert after.content != first.content and cache.encoded_size[0] == 1  # the old revision's answers are gone


def test_waiting_0_s_answers_preparing_even_when_the_work_is_instant() -> None:
    """``wait=0`` never hands back a result the background made meanwhile: the first answer of work
    that was not prepared is 正在准备, however quickly the worker thread finished it (CI saw a 200)."""
    from app.readmodel.graph_cache import GraphCache
    from app.readmodel.preparing import Preparation, Preparing
    from stores.embedded import EmbeddedStore

    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    cache = GraphCache(store)
    preparation = Preparation(cache, wait=0.0)
    for attempt in range(50):
        key = ("instant", attempt)
        with pytest.raises(Preparing):
            preparation.run(key, lambda key=key: cache.memo(key, lambda: 1))
        preparation.finish(key, timeout=5)
        assert preparation.run(key, lambda key=key: cache.memo(key, lambda: 2)) == 1  # kept from the background
