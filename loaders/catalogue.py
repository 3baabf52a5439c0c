"""What an import may refer to: the plan's chains, clusters and places and the product maps' products.

Names are matched after folding (full-width brackets, spaces, case) and with a trailing
``产业链`` / ``产业集群`` / ``集群`` dropped; an unknown name comes back with the closest known
names (RapidFuzz), for the message.

>>> catalogue = Catalogue.from_reference()
>>> catalogue.resolve("chain", "新能源产业链")
('chain:new-energy', [])
>>> catalogue.resolve("chain", "新能原")[1][:1]
['新能源']
>>> catalogue.resolve("product", "汽车电子控制单元(ECU)")[0]
'product:ecu'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from loaders.names import fold
from loaders.reference import read_plan, read_product_maps

Kind = Literal["chain", "product", "park", "cluster"]
KIND_NAMES = {"chain": "产业链", "product": "产品", "park": "园区/区县", "cluster": "产业集群"}
NANCHANG = "南昌市"
JIANGXI = "江西省"
_SUFFIXES = {"chain": ("产业链", "链"), "cluster": ("产业集群", "集群"), "park": (), "product": ()}


# Official and older names of the plan's places, as 名录 write them, reduced to the plan's short forms.
_PLACE_FORMS = (
    (re.compile(r"^(?:江西省?)?(?:南昌市)?"), ""),                       # 江西省南昌市南昌县 → 南昌县
    (re.compile(r"^南昌(?=高新|经济|经开|国家|小蓝|红谷滩|青山湖|青云谱|新建|进贤|安义|湾里)"), ""),  # 南昌高新区, 南昌小蓝…
    (re.compile(r"^国家级?"), ""),
    (re.compile(r"高新技术产业开发区$|高新技术开发区$|高新开发区$"), "高新区"),
    (re.compile(r"经济技术开发区$|经济开发区$"), "经开区"),
    (re.compile(r"^红谷滩新区$"), "红谷滩区"),                            # its name before 2019
    (re.compile(r"^湾里区$"), "湾里管理局"),                              # since 2019
)


def place_key(text: str) -> str:
    """A place name reduced to the plan's short form: official names and prefixes dropped.

    >>> [place_key(t) for t in ("南昌高新技术产业开发区", "南昌小蓝经济技术开发区", "江西赣江新区", "南昌市南昌县", "红谷滩新区")]
    ['高新区', '小蓝经开区', '赣江新区', '南昌县', '红谷滩区']
    """
    folded = re.sub(r"\s+", "", fold(text))
    for pattern, replacement in _PLACE_FORMS:
        folded = pattern.sub(replacement, folded)
    return folded.lower()


def name_key(kind: str, text: str) -> str:
    """``text`` folded for matching a ``kind``'s names: a place by ``place_key``, a chain or cluster
    without its trailing 产业链 / 产业集群.

    >>> name_key("chain", "新能源产业链"), name_key("park", "南昌小蓝经济技术开发区"), name_key("product", "ＢＭＳ")
    ('新能源', '小蓝经开区', 'bms')
    """
    if kind == "park":
        return place_key(text)
    folded = re.sub(r"\s+", "", fold(text)).lower()
    for suffix in _SUFFIXES.get(kind, ()):
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)]
            break
    return folded


@dataclass
class Place:
    id: str
    name: str
    kind: str
    parent: str | None


@dataclass
class Catalogue:
    """Names and ids of chains, products, parks and clusters, with lookups and suggestions."""

    names: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # kind → id → name
    places: dict[str, Place] = field(default_factory=dict)
    product_chains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cluster_chain: dict[str, str] = field(default_factory=dict)
    _lookup: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def from_reference(cls) -> Catalogue:
        """The catalogue of ``data/reference/plan_8810.json`` and ``data/product_maps/*.json``."""
        plan, maps = read_plan(), read_product_maps()
        catalogue = cls()
        for chain in plan["chains"]:
            catalogue._add("chain", chain["id"], chain["name"])
        for place in plan["places"]:
            catalogue._add("park", place["id"], place["name"])
            catalogue.places[place["id"]] = Place(place["id"], place["name"], place["kind"], place.get("parent"))
        for cluster in plan["clusters"]:
            catalogue._add("cluster", cluster["id"], cluster["name"])
            catalogue.cluster_chain[cluster["id"]] = cluster["chain"]
        for product_map in maps:
            for product in product_map["products"]:
                catalogue._add("product", product["id"], product["name"])
                catalogue.product_chains[product["id"]].add(product_map["chain"])
        return catalogue

    def _add(self, kind: Kind, node_id: str, name: str) -> None:
        self.names[kind][node_id] = name
        for text in (node_id, node_id.split(":", 1)[1], name):  # 'chain:new-energy', 'new-energy', '新能源'
            self._lookup[kind].setdefault(name_key(kind, text), node_id)
            self._lookup[kind].setdefault(text, node_id)  # the exact text: no folding needed

    def resolve(self, kind: Kind, text: str) -> tuple[str | None, list[str]]:
        """(id, []) for a known name or id; (None, up to three closest known names) otherwise."""
        found = self._lookup[kind].get(text) or self._lookup[kind].get(name_key(kind, text))
        if found:
            return found, []
        return None, self.suggest(kind, text)

    def suggest(self, kind: Kind, text: str, limit: int = 3) -> list[str]:
        """The known names closest to ``text``."""
        choices = list(self.names[kind].values())
        matches = process.extract(fold(text), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=30)
        return [match[0] for match in matches]

    def name(self, kind: Kind, node_id: str) -> str:
        return self.names[kind].get(node_id, node_id)

    def enclosing(self, place_id: str) -> Iterator[Place]:
        """The place itself, then the places it lies in, following LOCATED_IN parents."""
        seen = set()
        current: str | None = place_id
        while current and current not in seen:
            seen.add(current)
            place = self.places.get(current)
            if place is None:
                return
            yield place
            current = place.parent

    def district_of(self, place_id: str) -> str | None:
        """The 区县/开发区 a place lies in (itself when it is one), following LOCATED_IN parents."""
        return next((place.name for place in self.enclosing(place_id) if place.kind in ("区县", "开发区")), None)

    def nested(self, one: str, other: str) -> bool:
        """Whether one of two places lies in (or is) the other.

        >>> catalogue = Catalogue.from_reference()
        >>> catalogue.nested("park:nanchang-county", "park:xiaolan-edz"), catalogue.nested("park:xinjian", "park:xiaolan-edz")
        (True, False)
        """
        return any(p.id == other for p in self.enclosing(one)) or any(p.id == one for p in self.enclosing(other))

    def clusters_of(self, chain_id: str) -> list[str]:
        return sorted(cluster for cluster, chain in self.cluster_chain.items() if chain == chain_id)
