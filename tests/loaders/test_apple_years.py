"""The Apple supplier lists 2012–2022, year by year, against a reference read straight from the CSV.

The reference never goes through the project's import or projection: it reads the CSV with ``csv``
and resolves names with its own rule — drop "(continued)", brackets and commas, read "&" as "and"
and "Aktiengesellschaft" as "AG", strip legal forms with cleanco's ``basename`` (prefix, middle and
suffix) and a dangling "and" until none is left, keep letters and digits, case folded. A facility is a
(supplier, country, address) triple, the address compared the same way (letters and digits).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from cleanco import basename  # type: ignore[import-untyped]

from loaders.names import normalise_name
from loaders.realdata import import_apple, realdata_path
from queries.changes import diff_as_of, members_of
from queries.view import chain_view
from stores.base import GraphStore
from stores.embedded import EmbeddedStore

COUNTRY_ZH = {"China": "中国", "Japan": "日本", "USA": "美国", "Taiwan": "中国台湾", "Korea": "韩国"}


def reference_key(name: str) -> str:
    text = re.sub(r"\(\s*continued\s*\)", " ", " ".join(name.split()), flags=re.IGNORECASE)
    text = re.sub(r"[(),]", " ", text).replace("&", " and ")
    text = re.sub(r"\baktiengesellschaft\b", "AG", text, flags=re.IGNORECASE)
    while True:
        shorter = re.sub(r"\s+and$", "", basename(text, prefix=True, middle=True, suffix=True), flags=re.IGNORECASE)
        if not shorter or shorter == text:
            break
        text = shorter
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def reference() -> tuple[dict[int, set[str]], dict[int, Counter[str]]]:
    """Suppliers listed (resolved keys) and facilities by country (English names), per year."""
    suppliers: dict[int, set[str]] = defaultdict(set)
    facilities: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
    path = realdata_path("apple-suppliers", "apple-supplier-list.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            year, key = int(row["year"]), reference_key(row["supplier_name"])
            suppliers[year].add(key)
            facilities[year].add((key, row["country"].strip(), alnum(row["supplier_address"])))
    by_country = {year: Counter(country for _, country, _ in found) for year, found in facilities.items()}
    return dict(suppliers), by_country


REFERENCE_SUPPLIERS, REFERENCE_FACILITIES = reference()
YEARS = sorted(REFERENCE_SUPPLIERS)


@pytest.fixture(scope="module")
def apple_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, object]]:
    store = EmbeddedStore(Path(tmp_path_factory.mktemp("apple")) / "apple.db")
    store.ensure_schema()
    assert import_apple(store).ok
    yield store, store.project()
    store.close()


def test_reference_rule_merges_legal_forms_and_continuations() -> None:
    assert reference_key("STMicroelectronics N.V.") == reference_key("STMicroelectronics NV")
    assert reference_key("IDEMIA Group (continued)") == reference_key("IDEMIA Group")
    # and the project's rule agrees on the spellings the issue names
    for one, other in [("STMicroelectronics N.V.", "STMicroelectronics NV"), ("Trinseo S.A.", "Trinseo LLC"),
                       ("Lumileds Holding B.V.", "Lumileds Holding BV"), ("Solvay SA", "Solvay S.A."),
                       ("NXP Semiconductors N.V.", "NXP Semiconductors NV"), ("Foo GmbH", "FOO"), ("Bar AG", "bar"),
                       ("Murata Manufacturing Co., Ltd.", "MURATA MANUFACTURING CO LTD"), ("村田製作所株式会社", "株式会社村田製作所"),
                       ("江西某某锂业股份有限公司", "江西某某锂业有限公司"), ("Renesas Electronics Corporation (continued)",
                                                               "Renesas Electronics Corporation")]:
        assert normalise_name(one) == normalise_name(other), (one, other)
    assert normalise_name("NXP Semiconductors N.V.") != normalise_name("Philips Lumileds Lighting Company")


@pytest.mark.parametrize("year", YEARS)
def test_suppliers_listed_each_year(apple_graph: tuple[GraphStore, object], year: int) -> None:
    _, graph = apple_graph
    view = chain_view(graph, as_of=f"{year}-12-31")  # type: ignore[arg-type]
    listed = {link.supplier for link in view.links}
    assert len(listed) == len(REFERENCE_SUPPLIERS[year])
    names = {reference_key(view.name(firm)) for firm in listed}
    assert names == REFERENCE_SUPPLIERS[year]


@pytest.mark.parametrize("year", YEARS)
def test_facilities_by_country_each_year(apple_graph: tuple[GraphStore, object], year: int) -> None:
    _, graph = apple_graph
    members = members_of(chain_view(graph, as_of=f"{year}-12-31"))  # type: ignore[arg-type]
    expected = {COUNTRY_ZH.get(country, country): n for country, n in REFERENCE_FACILITIES[year].items()}
    assert {country: members.countries[country] for country in COUNTRY_ZH.values()} == {
        country: expected.get(country, 0) for country in COUNTRY_ZH.values()}
    assert sum(members.countries.values()) == sum(REFERENCE_FACILITIES[year].values())
    assert len(members.countries) == len(REFERENCE_FACILITIES[year])


@pytest.mark.parametrize("before, after", list(zip(YEARS[:-1], YEARS[1:], strict=True)))
def test_suppliers_added_and_dropped_against_the_previous_list(apple_graph: tuple[GraphStore, object],
                                                               before: int, after: int) -> None:
    _, graph = apple_graph
    report = diff_as_of(graph, f"{before}-12-31", f"{after}-12-31")  # type: ignore[arg-type]
    added = {reference_key(m.name) for m in report.members if m.member == "供应商" and m.change == "新增"}
    dropped = {reference_key(m.name) for m in report.members if m.member == "供应商" and m.change == "退出"}
    assert added == REFERENCE_SUPPLIERS[after] - REFERENCE_SUPPLIERS[before]
    assert dropped == REFERENCE_SUPPLIERS[before] - REFERENCE_SUPPLIERS[after]
    tally = report.tally()
    assert (tally.links_added, tally.links_lost) == (len(added), len(dropped))


def test_2021_to_2022_is_about_20_added_and_23_dropped(apple_graph: tuple[GraphStore, object]) -> None:
    _, graph = apple_graph
    tally = diff_as_of(graph, "2021-12-31", "2022-12-31").tally()  # type: ignore[arg-type]
    assert (tally.suppliers_added, tally.suppliers_dropped) == (20, 23)
    assert (tally.links_added, tally.links_lost) == (20, 23)


def test_a_year_between_lists_is_the_earlier_list(apple_graph: tuple[GraphStore, object]) -> None:
    _, graph = apple_graph
    no_list_2019 = {link.supplier for link in chain_view(graph, as_of="2019-12-31").links}  # type: ignore[arg-type]
    assert no_list_2019 == {link.supplier for link in chain_view(graph, as_of="2018-12-31").links}  # type: ignore[arg-type]
    assert chain_view(graph, as_of="2011-12-31").links == ()  # type: ignore[arg-type]
    latest = {link.supplier for link in chain_view(graph).links}  # type: ignore[arg-type]
    assert len(latest) == len(REFERENCE_SUPPLIERS[2022])


def test_yearly_imports_add_up_and_repeat_without_change(store: GraphStore, tmp_path: Path) -> None:
    """Importing the lists one year at a time ends where the whole import does; a year again changes nothing."""
    for year in (2021, 2022):
        assert import_apple(store, years=[year]).ok
    counts = store.counts()
    projected = store.project()
    assert import_apple(store, years=[2022]).ok
    assert store.counts() == counts
    again = store.project()
    assert {(u, v, k): d.get("seen") for u, v, k, d in again.edges(keys=True, data=True)} == {
        (u, v, k): d.get("seen") for u, v, k, d in projected.edges(keys=True, data=True)}
    tally = diff_as_of(again, "2021-12-31", "2022-12-31").tally()
    assert (tally.suppliers_added, tally.suppliers_dropped) == (20, 23)
    whole = EmbeddedStore(tmp_path / "whole.db")
    whole.ensure_schema()
    assert import_apple(whole, years=[2021, 2022]).ok
    assert whole.counts() == counts
    whole.close()


def test_export_and_import_again_keeps_the_observations(apple_graph: tuple[GraphStore, object], tmp_path: Path) -> None:
    from loaders.export import export_graph
    from loaders.importer import import_files

    store, _ = apple_graph
    files = export_graph(store, "csv", tmp_path / "apple.csv")
    fresh = EmbeddedStore(tmp_path / "fresh.db")
    fresh.ensure_schema()
    assert import_files(fresh, files).ok
    tally = diff_as_of(fresh.project(), "2021-12-31", "2022-12-31").tally()
    assert (tally.suppliers_added, tally.suppliers_dropped) == (20, 23)
    fresh.close()
