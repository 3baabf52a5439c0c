"""as_of, diff, facilities and the enterprise filters over the API, on the Apple lists (reference from the CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.security.tokens import TokenRegistry
from loaders.realdata import import_apple, realdata_path
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client
from tests.loaders.test_apple_years import REFERENCE_FACILITIES, REFERENCE_SUPPLIERS, reference_key


def china_suppliers(year: int) -> set[str]:
    """Suppliers of ``year`` with a facility in China, straight from the CSV."""
    path = realdata_path("apple-suppliers", "apple-supplier-list.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {reference_key(row["supplier_name"]) for row in csv.DictReader(handle)
                if int(row["year"]) == year and row["country"].strip() == "China"}


@pytest.fixture(scope="module")
def apple_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(Path(tmp_path_factory.mktemp("apple-api")) / "apple.db")
    store.ensure_schema()
    assert import_apple(store).ok
    yield store
    store.close()


def test_changes_facilities_and_filters(apple_store: EmbeddedStore, tokens: TokenRegistry,
                                        role_tokens: dict[str, str]) -> None:
    with make_client(apple_store, tokens, role_tokens["viewer"]) as client:
        changes = client.get("/api/changes", params={"before": "2021-12-31", "after": "2022-12-31"}).json()
        assert (changes["summary"].get("chain_id"), "名单变化" in changes["tables"]) == (None, True)
        summary = client.get("/api/changes", params={"before": "2021-12-31", "after": "2022-12-31",
                                                       "table": "概要"}).json()["items"][0]
        assert (summary["新增供应商"], summary["退出供应商"]) == (20, 23)
        for year in (2014, 2022):
            found = client.get("/api/facilities", params={"as_of": f"{year}-12-31", "size": 200}).json()
            china = next(row for row in found["items"] if row["国家/地区"] == "中国")
            assert china["设施数"] == REFERENCE_FACILITIES[year]["China"]
            assert china["企业数"] == len(china_suppliers(year))
            listed = client.get("/api/enterprises", params={"year": year, "site_country": "中国", "size": 500}).json()
            assert {reference_key(row["name"]) for row in listed["items"]} == china_suppliers(year)
        every = client.get("/api/enterprises", params={"year": 2019, "size": 500}).json()
        assert every["total"] == 0  # no list was published for 2019
        assert client.get("/api/enterprises", params={"year": 2022, "size": 500}).json()["total"] == len(REFERENCE_SUPPLIERS[2022])
        assert client.get("/api/facilities", params={"as_of": "2022-13-01"}).status_code == 422


def test_every_table_downloads_as_one_workbook(apple_store: EmbeddedStore, tokens: TokenRegistry,
                                               role_tokens: dict[str, str]) -> None:
    """Sheet titles may not hold "/": every table of the new reports goes into one xlsx."""
    with make_client(apple_store, tokens, role_tokens["viewer"]) as client:
        for path, params in (("/api/facilities", {"as_of": "2022-12-31"}),
                             ("/api/changes", {"before": "2021-12-31", "after": "2022-12-31"})):
            response = client.get(path, params={**params, "format": "xlsx", "table": "all"})
            assert response.status_code == 200 and response.content[:2] == b"PK", path
