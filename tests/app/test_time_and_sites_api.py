"""as_of, diff, facilities, the enterprise filters and the near-duplicate names over the API and CLI, on the Apple lists (reference from the CSV)."""

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


COUNTRY_ZH = {  # the CSV's English country names as the app names them (the reference's own table)
    "China": "中国", "Japan": "日本", "USA": "美国", "Taiwan": "中国台湾", "Korea": "韩国", "Malaysia": "马来西亚",
    "Philippines": "菲律宾", "Thailand": "泰国", "Vietnam": "越南", "Singapore": "新加坡", "Germany": "德国", "India": "印度",
    "Mexico": "墨西哥", "Indonesia": "印度尼西亚", "United Kingdom": "英国", "France": "法国", "Israel": "以色列", "Brazil": "巴西",
    "Netherlands": "荷兰", "Austria": "奥地利", "Czech": "捷克", "Belgium": "比利时", "Italy": "意大利", "Ireland": "爱尔兰",
    "Costa Rica": "哥斯达黎加", "Malta": "马耳他", "Cambodia": "柬埔寨", "Morocco": "摩洛哥", "Norway": "挪威", "Portugal": "葡萄牙",
    "Australia": "澳大利亚", "Hungary": "匈牙利", "Hong Kong": "中国香港", "Finland": "芬兰", "Canada": "加拿大", "Poland": "波兰",
    "Mauritius": "毛里求斯", "Puerto Rico": "波多黎各", "Spain": "西班牙",
}


def places_by_country(year: int) -> dict[str, tuple[int, int]]:
    """Country → (suppliers with a facility there, facilities there) in ``year``'s list, straight from
    the CSV: a facility is a (supplier, country, address) triple, names and addresses compared as
    ``tests.loaders.test_apple_years`` compares them."""
    firms: dict[str, set[str]] = {}
    sites: dict[str, set[tuple[str, str]]] = {}
    path = realdata_path("apple-suppliers", "apple-supplier-list.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if int(row["year"]) != year:
                continue
            country, key = row["country"].strip(), reference_key(row["supplier_name"])
            address = "".join(ch for ch in row["supplier_address"].casefold() if ch.isalnum())
            firms.setdefault(country, set()).add(key)
            sites.setdefault(country, set()).add((key, address))
    return {COUNTRY_ZH[country]: (len(firms[country]), len(sites[country])) for country in firms}


@pytest.mark.parametrize("year", sorted(REFERENCE_SUPPLIERS))
def test_facilities_report_by_country_every_year(apple_store: EmbeddedStore, tokens: TokenRegistry,
                                                 role_tokens: dict[str, str], year: int) -> None:
    """/api/facilities as of each list's date: every country's suppliers and facilities, as the CSV has them."""
    with make_client(apple_store, tokens, role_tokens["viewer"]) as client:
        rows = client.get("/api/facilities", params={"as_of": f"{year}-12-31", "size": 200}).json()["items"]
    assert {row["国家/地区"]: (row["企业数"], row["设施数"]) for row in rows} == places_by_country(year)
    assert sum(row["设施数"] for row in rows) == sum(REFERENCE_FACILITIES[year].values())


ISSUE_SPELLINGS = [  # issue 15: each became two firms; legal forms (and a missing one) must join them unaided
    ("STMicroelectronics N.V.", "STMicroelectronics NV", "STMicroelectronics"), ("NXP Semiconductor NV", "NXP Semiconductor N.V."),
    ("Lumileds Holding B.V.", "Lumileds Holding BV"), ("Solvay S.A.", "Solvay SA"), ("Trinseo S.A.", "Trinseo LLC"),
]
NEEDS_A_HUMAN = [  # close names that differ beyond their legal form: listed for a merge or keep-apart decision
    ("NXP Semiconductors N.V.", "NXP Semiconductor NV"), ("Broadcom Limited", "Broadcomm Limited"),
    ("Lens One Technology Co., Ltd.", "Lens Technology Company Limited"),
]


def test_legal_forms_join_the_apple_suppliers_and_only_real_doubts_are_listed(apple_store: EmbeddedStore) -> None:
    """Every spelling of one supplier that differs only in legal form, case, punctuation or a
    "(continued)" marker is one firm without any decision (the CSV's resolved keys: one firm per key);
    the near-duplicate list (``chainatlas names duplicates``) holds no such pair, only pairs a person
    must judge."""
    from loaders.name_decisions import DecisionBook, near_duplicates
    from loaders.realdata import APPLE_NAME

    firms = [node for node in apple_store.list_nodes("Enterprise") if node["name"] != APPLE_NAME]
    spellings = {node["id"]: {str(node["name"]), *node.get("aliases", [])} for node in firms}
    keys = {firm: {reference_key(name) for name in names} for firm, names in spellings.items()}
    assert all(len(found) == 1 for found in keys.values()), {f: k for f, k in keys.items() if len(k) > 1}
    every_key = set().union(*REFERENCE_SUPPLIERS.values())
    assert sorted(key for found in keys.values() for key in found) == sorted(every_key)  # one firm per key
    firm_of = {name: firm for firm, names in spellings.items() for name in names}
    for names in ISSUE_SPELLINGS:
        assert len({firm_of[name] for name in names}) == 1, names
    pairs = near_duplicates(apple_store, DecisionBook(None))
    assert all(reference_key(pair.first_name) != reference_key(pair.second_name) for pair in pairs)
    listed = {frozenset((pair.first_name, pair.second_name)) for pair in pairs}
    assert {frozenset(pair) for pair in NEEDS_A_HUMAN} <= listed
    assert not any(len({firm_of[name] for name in pair}) == 1 for pair in listed)


def test_names_duplicates_command_on_the_apple_lists(tmp_path: Path) -> None:
    """``chainatlas import-realdata apple`` then ``chainatlas names duplicates`` in a scratch data folder."""
    from typer.testing import CliRunner

    from app.cli.main import cli

    env = {"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path)}
    imported = CliRunner().invoke(cli, ["import-realdata", "apple"], env=env)
    assert imported.exit_code == 0, imported.output
    listed = CliRunner().invoke(cli, ["names", "duplicates"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "NXP Semiconductor NV" in listed.output and "Broadcomm Limited" in listed.output
    assert "STMicroelectronics" not in listed.output and "Trinseo" not in listed.output and "Lumileds" not in listed.output
