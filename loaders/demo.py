"""A deterministic demo generator: fictitious enterprises and supply relations for every chain.

Everything generated is **synthetic** (``synthetic=True`` on every node and relationship, shown in
the UI as 示例数据（虚构）): enterprise names are invented, contain a made-up 字号 and end with
``（示例）``, ids are ``ent:demo-<seed>-<n>``, and no supply relation is attached to a real company.

What it builds, from the plan's chains, clusters and places and the curated product maps:

- **local enterprises** (南昌) in the districts, development zones and platforms where the plan
  bases each chain's clusters (LOCATED_IN), members of those clusters (MEMBER_OF); **in-province**
  ones in other 江西 cities; **external** ones in other provinces and abroad;
- every enterprise PRODUCES one product of its chain's map, or two neighbouring ones (one a
  direct input of the other, e.g. 生猪 and 冷鲜猪肉), and its **name says what it makes and where**:
  ``<city or country><invented 字号><short product names><company form>（示例）``, e.g.
  ``南昌灏睿隔膜有限公司（示例）``, ``南昌琨衡电解液碳酸锂有限公司（示例）`` (see
  :func:`short_product_name`);
- it **buys the inputs** of what it makes from producers of those inputs (SUPPLIES with
  ``product`` = the input, ``share``, ``amount_wan``, ``as_of`` spread over 2023–2026,
  ``confidence="inferred"``);
- **heavy tails**: lognormal revenues; suppliers are picked with probability rising with their
  size, so a few suppliers serve many customers;
- **revenue on the plan's path**: each chain's local revenue (the sum over the local firms in its
  scope, what the dashboard shows against the 2026 target) is a set share of that target, between
  60 % and 94 % (:data:`COMPLETION_RANGE`; see :func:`completion_shares`), whatever the scale;
- a few **链主** per chain (large local firms, tag 链主, LEADS the chain);
- the **imperfections** the analyses must find, in every chain: products with no local producer,
  local firm–input pairs with exactly one supplier, chokepoint suppliers feeding every local firm
  that needs their product, and a product whose suppliers sit mostly in one province or country.
  :func:`plan_demo` says which.

Memory stays bounded: enterprises are streamed out in batches as they are made, and only compact
arrays (products, class and size per enterprise; producer ids per product) are kept to pick
suppliers. To hit the revenue shares exactly, a first pass draws the firms' chains, products and
local sizes (a few sums are kept, no records) and the second pass scales the local revenues.
``scale`` is the number of enterprises: a few thousand for the demo, 100k or 1M for benchmarks.

>>> batches = list(generate(600, seed=7, batch_size=10000, include_reference=False))
>>> enterprises = [n for b in batches for n in b.nodes if n.label == "Enterprise"]
>>> len(enterprises), all(n.synthetic and n.name.endswith("（示例）") for n in enterprises)
(600, True)
>>> [n.id for n in enterprises[:2]]
['ent:demo-7-0000000', 'ent:demo-7-0000001']
>>> [n.name for n in enterprises if "隔膜" in n.name]
['济南烨灏隔膜有限公司（示例）', '南昌沅淇隔膜有限公司（示例）']
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import re
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from graph_schema import Enterprise, Leads, LocatedIn, MemberOf, Produces, Supplies
from loaders.catalogue import Catalogue
from loaders.defaults import DEMO_BATCH_SIZE, DEMO_ROW_BATCH_SIZE, DEMO_SCALE, DEMO_SEED
from loaders.reference import read_plan, read_product_maps, reference_batch
from stores.background import write_batches
from stores.base import GraphStore, WriteBatch, batched
from stores.embedded_rows import RowBatch
from stores.imports import atomic_import

T = TypeVar("T")
DEFAULT_SCALE = DEMO_SCALE
DEFAULT_SEED = DEMO_SEED
EXPECTED_ITEMS_PER_ENTERPRISE = 5  # nodes + relationships per enterprise, about (5.6 at 100k): a bulk-load hint
BATCH_SIZE = DEMO_BATCH_SIZE
SYNTHETIC_LABEL = "示例数据（虚构）"
NODE_AS_OF = dt.date(2025, 12, 31)
AS_OF_DATES = tuple(dt.date(year, month, day) for year in (2023, 2024, 2025) for month, day in ((6, 30), (12, 31))) + (
    dt.date(2026, 6, 30),
)

LOCAL, IN_PROVINCE, DOMESTIC, FOREIGN = 0, 1, 2, 3
CLASS_WEIGHTS = (0.42, 0.13, 0.33, 0.12)
STAGE_WEIGHTS = {"上游": 0.25, "中游": 0.45, "下游": 0.30}
JIANGXI_CITIES = ("九江市", "赣州市", "宜春市", "上饶市", "吉安市", "抚州市", "新余市", "萍乡市", "景德镇市", "鹰潭市")
PROVINCES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("广东省", ("深圳市", "东莞市", "广州市", "佛山市"), 0.20),
    ("江苏省", ("苏州市", "无锡市", "常州市", "南京市"), 0.18),
    ("浙江省", ("宁波市", "杭州市", "嘉兴市"), 0.14),
    ("上海市", ("上海市",), 0.10),
    ("福建省", ("厦门市", "宁德市"), 0.07),
    ("湖南省", ("长沙市", "株洲市"), 0.06),
    ("湖北省", ("武汉市", "襄阳市"), 0.06),
    ("安徽省", ("合肥市", "芜湖市"), 0.06),
    ("山东省", ("青岛市", "济南市"), 0.05),
    ("四川省", ("成都市",), 0.04),
    ("北京市", ("北京市",), 0.04),
)
COUNTRIES: tuple[tuple[str, float], ...] = (
    ("日本", 0.25), ("韩国", 0.22), ("美国", 0.20), ("德国", 0.18), ("新加坡", 0.08), ("法国", 0.07),
)
CONCENTRATION_REGIONS = ("韩国", "日本", "德国", "美国", "广东省", "江苏省")
# 64 characters for invented 字号 (trade names); an enterprise's number is written in this alphabet.
_ZIHAO = "澜栩珩曜翎溯沅芃昱珈霁琮砚筠岚烨璟淇骁钧瑜衡朗宸灏峻煜铭锐泓晟睿逸嘉瀚舜驰拓航鼎臻誉锦恒瑞丰博裕泰隆源弘蔚澄钰琪璞琨珺蓁芮槿炜旻"
assert len(_ZIHAO) == 64 and len(set(_ZIHAO)) == 64
_SUPPLIER_COUNTS = (1, 2, 3, 4, 5, 6, 8)
_SUPPLIER_COUNT_CUMULATIVE = tuple(itertools.accumulate((0.34, 0.28, 0.17, 0.10, 0.06, 0.03, 0.02)))
_CLASS_CUMULATIVE = tuple(itertools.accumulate(CLASS_WEIGHTS))
_OUTSIDE_CLASSES = (IN_PROVINCE, DOMESTIC, FOREIGN)
_OUTSIDE_CUMULATIVE = tuple(itertools.accumulate((0.2, 0.55, 0.25)))  # a product's first, non-local producer
_PROVINCE_CUMULATIVE = tuple(itertools.accumulate(weight for *_, weight in PROVINCES))
_COUNTRY_NAMES = tuple(country for country, _ in COUNTRIES)
_COUNTRY_CUMULATIVE = tuple(itertools.accumulate(weight for _, weight in COUNTRIES))
SECOND_PRODUCT_RATE = 0.2  # share of the random firms that make a second, neighbouring product
MAX_PRODUCT_WORDS = 10  # a two-product firm's short product names together, at most (characters)
# A chain's local revenue (the base year's, 2025) as a share of its 2026 target: the eight chains get
# evenly spaced shares from this range, in an order shuffled by the seed. On the plan's 10 %-a-year
# path a chain stands at 1 / 1.1 = 90.9 % of its target in 2025: one chain (94 %) is just past that
# mark, the others behind it (89 % down to 60 %: they need 12–67 % growth in 2026).
COMPLETION_RANGE = (0.60, 0.94)
LEADER_REVENUE_SHARE = 0.4  # the 链主 together: this share of their chain's local revenue


class Firm(NamedTuple):
    """One generated enterprise: what is written of it and of its links to products, places, clusters."""

    id: str
    name: str
    where: dict[str, Any]       # country, and province, city, district, place where known
    local: bool
    revenue: float              # 营业收入 (亿元)
    tags: list[str]
    products: list[str]         # PRODUCES, one or two
    place: str | None           # LOCATED_IN (local firms)
    clusters: list[str]         # MEMBER_OF
    leads: str | None           # LEADS: the chain of a 链主


@dataclass(frozen=True)
class ChainDesign:
    """The deliberate imperfections of one chain's demo data."""

    chain: str
    no_local: tuple[str, ...]          # products no local enterprise makes
    concentrated: str                  # a product whose producers sit mostly in one region
    region: str                        # that region: a country or a province
    chokepoints: tuple[str, ...]       # inputs with one dominant supplier (see DemoPlan.chokepoint_suppliers)
    leaders: int                       # how many 链主
    completion: float                  # local revenue as a share of the 2026 target (COMPLETION_RANGE)


@dataclass
class DemoPlan:
    """What :func:`generate` will build for ``scale`` and ``seed`` (the answers the analyses should find)."""

    scale: int
    seed: int
    chains: dict[str, ChainDesign]
    chokepoint_suppliers: dict[str, str] = field(default_factory=dict)  # product → enterprise id

    @property
    def no_local_products(self) -> frozenset[str]:
        """Products no local enterprise makes, in any chain (a product may belong to two chains)."""
        return frozenset(p for design in self.chains.values() for p in design.no_local)

    @property
    def minimum_scale(self) -> int:
        """Enterprises needed for the 链主 and one producer of every product (plus a local one where allowed)."""
        excluded = self.no_local_products
        total = sum(design.leaders for design in self.chains.values())
        for product_map in read_product_maps():
            total += sum(1 if p["id"] in excluded else 2 for p in product_map["products"])
        return total


def completion_shares(chains: list[str], seed: int) -> dict[str, float]:
    """Each chain's local revenue as a share of its 2026 target: evenly spaced over
    :data:`COMPLETION_RANGE`, assigned in an order shuffled by ``seed``.

    >>> shares = completion_shares(["a", "b", "c"], seed=1)
    >>> sorted(shares.values())
    [0.6, 0.77, 0.94]
    """
    low, high = COMPLETION_RANGE
    steps = max(len(chains) - 1, 1)
    values = [round(low + (high - low) * k / steps, 4) for k in range(len(chains))]
    random.Random(f"completion-{seed}").shuffle(values)
    return dict(zip(chains, values, strict=True))


def short_product_name(name: str) -> str:
    """The product as a firm's name says it: no bracketed part, the head of an “A及B” name, the
    last of “A/B” alternatives, no spaces.

    >>> [short_product_name(n) for n in ("仲钨酸铵（APT）", "储能电池模组及PACK", "Mini/Micro LED显示模组", "隔膜")]
    ['仲钨酸铵', '储能电池模组', 'MicroLED显示模组', '隔膜']
    """
    short = re.sub(r"[（(][^）)]*[）)]", "", name).split("及")[0]
    return short.rsplit("/", 1)[-1].replace(" ", "")


def weighted_choice(rng: random.Random, population: Sequence[T], cumulative: Sequence[float]) -> T:
    """``rng.choices(population, cum_weights=cumulative)[0]``: the same draw (one ``random()``, the
    same bisection), without building a list.

    >>> weighted_choice(random.Random(3), "abc", [1, 3, 6]) == random.Random(3).choices("abc", cum_weights=[1, 3, 6])[0]
    True
    """
    return population[bisect.bisect_right(cumulative, rng.random() * (cumulative[-1] + 0.0), 0, len(population) - 1)]


def enterprise_demo_id(seed: int, number: int) -> str:
    """``ent:demo-<seed>-<n>`` with ``n`` zero-padded to seven digits."""
    return f"ent:demo-{seed}-{number:07d}"


def plan_demo(scale: int = DEFAULT_SCALE, seed: int = DEFAULT_SEED) -> DemoPlan:
    """The per-chain design (no-local products, concentration, chokepoints, 链主) for ``seed``.

    Among a chain's no-local products there is a raw material (a product without inputs) where the
    chain has one, so the chain keeps a 缺链 whatever its other products' status (a no-local
    product whose inputs are all 强链 is a 延链 opportunity instead). Each chain's revenue share
    (``completion``) comes from :func:`completion_shares`.

    The chokepoint suppliers are the first external producers of the chokepoint inputs, whose
    numbers follow from the design alone (leaders first, then one producer per product).
    """
    rng = random.Random(f"plan-{seed}")
    maps = read_product_maps()
    leaders = max(2, min(5, round(scale / 1500)))
    drafts = {}
    outputs: dict[str, dict[str, list[str]]] = {}
    for product_map in maps:
        chain = product_map["chain"]
        products = product_map["products"]
        outputs[chain] = defaultdict(list)
        for link in product_map["links"]:
            outputs[chain][link["input"]].append(link["output"])
        upstream = [p["id"] for p in products if p["stage"] in ("上游", "中游") and outputs[chain][p["id"]]]
        count = max(2, round(len(products) * 0.18))
        sampled = rng.sample(upstream, min(count, len(upstream)))
        made_of = {link["output"] for link in product_map["links"]}
        raw = [p for p in upstream if p not in made_of]  # no inputs: stays 缺链, never 延链
        if raw and not set(sampled) & set(raw):
            sampled[-1] = rng.choice(raw)
        no_local = tuple(sorted(sampled))
        widest = max(len(outputs[chain][p]) for p in no_local)
        concentrated = rng.choice([p for p in no_local if len(outputs[chain][p]) == widest])
        drafts[chain] = (upstream, no_local, concentrated, rng.choice(CONCENTRATION_REGIONS))
    excluded = {p for _, no_local, _, _ in drafts.values() for p in no_local}
    regions: dict[str, str] = {}
    designs = {}
    for chain, (upstream, no_local, concentrated, region) in drafts.items():
        region = regions.setdefault(concentrated, region)  # a product shared by two chains: one region
        # chokepoints: inputs of something made locally, so that local firms depend on them
        candidates = [p for p in upstream if p != concentrated and set(outputs[chain][p]) - excluded]
        chokepoints = tuple(sorted(rng.sample(candidates, min(2, len(candidates)))))
        designs[chain] = ChainDesign(chain, no_local, concentrated, region, chokepoints, leaders, 0.0)
    order = [chain["id"] for chain in read_plan()["chains"] if chain["id"] in designs]
    shares = completion_shares(order, seed)
    designs = {chain: replace(design, completion=shares[chain]) for chain, design in designs.items()}
    plan = DemoPlan(scale, seed, designs)
    number = sum(design.leaders for design in designs.values())
    excluded_anywhere = plan.no_local_products
    by_chain = {product_map["chain"]: product_map for product_map in maps}
    for chain in (chain["id"] for chain in read_plan()["chains"] if chain["id"] in by_chain):  # _specs' order
        product_map, design = by_chain[chain], designs[chain]
        for product in product_map["products"]:
            if product["id"] in design.chokepoints:
                plan.chokepoint_suppliers.setdefault(product["id"], enterprise_demo_id(seed, number))
            number += 1 if product["id"] in excluded_anywhere else 2
    return plan


class _World:
    """The reference data the generator draws from: chains, products, inputs, places, clusters."""

    def __init__(self) -> None:
        plan = read_plan()
        self.catalogue = Catalogue.from_reference()
        self.maps = {m["chain"]: m for m in read_product_maps()}
        self.chain_ids = [chain["id"] for chain in plan["chains"] if chain["id"] in self.maps]
        self.chain_weights = [float(chain["target_2026_yi"]) for chain in plan["chains"] if chain["id"] in self.maps]
        self.targets = dict(zip(self.chain_ids, self.chain_weights, strict=True))
        self.product_chains: dict[str, tuple[int, ...]] = {}  # product → the chains (indices) it belongs to
        for index, chain in enumerate(self.chain_ids):
            for product in self.maps[chain]["products"]:
                self.product_chains[product["id"]] = (*self.product_chains.get(product["id"], ()), index)
        self.product_ids: list[str] = []
        self.product_index: dict[str, int] = {}
        self.product_names: list[str] = []
        self.product_stage: dict[str, str] = {}
        self.inputs: dict[int, list[int]] = defaultdict(list)
        for product_map in self.maps.values():
            for product in product_map["products"]:
                if product["id"] not in self.product_index:
                    self.product_index[product["id"]] = len(self.product_ids)
                    self.product_ids.append(product["id"])
                    self.product_names.append(product["name"])
                    self.product_stage[product["id"]] = product["stage"]
        for product_map in self.maps.values():
            for link in product_map["links"]:
                source, target = self.product_index[link["input"]], self.product_index[link["output"]]
                if source not in self.inputs[target]:
                    self.inputs[target].append(source)
        places = {place["name"]: place["id"] for place in plan["places"]}
        self.places: dict[str, list[tuple[str, float]]] = {}
        self.cluster_bases: dict[str, set[str]] = {}
        self.chain_clusters: dict[str, list[str]] = defaultdict(list)
        for cluster in plan["clusters"]:
            bases = [(places[name], 3.0) for name in cluster["main_districts"]]
            bases += [(places[name], 1.0) for name in cluster["supporting_districts"] + cluster["platforms"]]
            self.cluster_bases[cluster["id"]] = {place for place, _ in bases}
            self.chain_clusters[cluster["chain"]].append(cluster["id"])
            merged = dict(self.places.get(cluster["chain"], []))
            for place, weight in bases:
                merged[place] = max(merged.get(place, 0.0), weight)
            self.places[cluster["chain"]] = sorted(merged.items())
        districts = [(place["id"], 1.0) for place in plan["places"] if place["kind"] == "区县" and place["id"] != "park:wanli"]
        for chain in self.chain_ids:
            self.places.setdefault(chain, districts)
        self.short_names = [short_product_name(name) for name in self.product_names]
        self.place_draws = {chain: ([place for place, _ in places], list(itertools.accumulate(w for _, w in places)))
                            for chain, places in self.places.items()}  # what weighted_choice takes

    def chain_products(self, chain: str) -> list[str]:
        return [product["id"] for product in self.maps[chain]["products"]]

    def short_name(self, product: str) -> str:
        return self.short_names[self.product_index[product]]

    def neighbours(self, chain: str, product: str) -> list[str]:
        """The products of ``chain`` one INPUT_TO step from ``product`` (its direct inputs and what it
        is a direct input of) whose short names fit a firm's name beside its own: what a firm that
        makes ``product`` may make as well, integrated one step along the chain."""
        room = MAX_PRODUCT_WORDS - len(self.short_name(product))
        linked = [link["output"] if link["input"] == product else link["input"]
                  for link in self.maps[chain]["links"] if product in (link["input"], link["output"])]
        return sorted({other for other in linked if other != product and len(self.short_name(other)) <= room})


def _zihao_digits(scale: int) -> int:
    return max(2, math.ceil(math.log(max(scale, 2), 64)))


_ZIHAO_PAIRS = tuple(_ZIHAO[code % 64] + _ZIHAO[code // 64] for code in range(64 * 64))
"""Two base-64 digits of a 字号 at once, lowest first (what two steps of ``_zihao``'s loop append)."""


def _zihao(number: int, digits: int) -> str:
    """The 字号 of enterprise ``number``: ``digits`` characters of ``_ZIHAO``, the lowest base-64 digit first.

    >>> _zihao(0, 2), _zihao(1, 3), _zihao(1, 3) == "".join(_ZIHAO[(40503 + 977) // 64**k % 64] for k in range(3))
    ('淇烨', '昱昱霁', True)
    """
    code = (number * 40503 + 977) % 64**digits  # an odd multiplier is a bijection modulo 64^k
    pairs, rest = divmod(digits, 2)
    text = "".join([_ZIHAO_PAIRS[(code >> (12 * pair)) & 4095] for pair in range(pairs)])
    return text + _ZIHAO[code >> (12 * pairs)] if rest else text


class _Generator:
    def __init__(self, scale: int, seed: int, batch_size: int) -> None:
        self.scale, self.seed, self.batch_size = scale, seed, batch_size
        self.node_as_of, self.as_of_dates = NODE_AS_OF, AS_OF_DATES  # the rows' dates (loaders.demo_rows)
        self.world = _World()
        self.plan = plan_demo(scale, seed)
        minimum = self.plan.minimum_scale
        self.no_local = self.plan.no_local_products
        self.concentrated = {design.concentrated: design.region for design in self.plan.chains.values()}
        if scale < minimum:
            raise ValueError(f"scale must be at least {minimum} enterprises to populate every chain (got {scale})")
        self.source = f"ChainAtlas 示例数据生成器（随机种子 {seed}，规模 {scale} 家企业）；{SYNTHETIC_LABEL}"
        self._choices = self._product_choices()
        self.zihao_digits = _zihao_digits(scale)
        # compact per-enterprise state, kept for the supply phase
        self.prod_a = array("h")
        self.prod_b = array("h")
        self.klass = bytearray()
        self.revenue = array("f")  # 营业收入 as written (亿元)
        self.size = array("f")  # the unscaled size that weighs a supplier's chance to be picked
        self.producers: dict[int, array[int]] = defaultdict(lambda: array("I"))
        self._districts: dict[str, str | None] = {}
        self.ids: list[str] = []  # enterprise_demo_id of every number, made once (the supply phase names each often)
        self.chokepoint_of: dict[int, int] = {}  # product → enterprise number
        self.factors = self._revenue_factors()

    # -- phase 1: enterprises ---------------------------------------------------------------------

    def _product_choices(self) -> dict[tuple[str, bool], tuple[list[str], list[float], dict[str, list[str]]]]:
        """Per chain and locality: the products a random firm may make, their cumulative stage
        weights, and each one's neighbours it may make as well."""
        world, table = self.world, {}
        for chain in world.chain_ids:
            for local in (False, True):
                allowed = [p for p in world.chain_products(chain) if not local or p not in self.no_local]
                cumulative = list(itertools.accumulate(STAGE_WEIGHTS[world.product_stage[p]] for p in allowed))
                neighbours = {p: [q for q in world.neighbours(chain, p) if q in allowed] for p in allowed}
                table[(chain, local)] = (allowed, cumulative, neighbours)
        return table

    def _specs(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """Leaders, then one producer per product (and one local one where allowed), then random firms."""
        world, plan = self.world, self.plan
        for chain in world.chain_ids:
            design = plan.chains[chain]
            downstream = [p for p in world.chain_products(chain)
                          if world.product_stage[p] == "下游" and p not in self.no_local]
            for index in range(design.leaders):
                yield {"chain": chain, "klass": LOCAL, "products": [downstream[index % len(downstream)]], "leader": True}
        for chain in world.chain_ids:
            for product in world.chain_products(chain):
                klass = weighted_choice(rng, _OUTSIDE_CLASSES, _OUTSIDE_CUMULATIVE)
                yield {"chain": chain, "klass": klass, "products": [product],
                       "chokepoint": self.plan.chokepoint_suppliers.get(product) is not None}
                if product not in self.no_local:
                    yield {"chain": chain, "klass": LOCAL, "products": [product]}
        chains, weights = world.chain_ids, list(itertools.accumulate(world.chain_weights))
        classes = (LOCAL, IN_PROVINCE, DOMESTIC, FOREIGN)
        while True:
            chain = weighted_choice(rng, chains, weights)
            klass = weighted_choice(rng, classes, _CLASS_CUMULATIVE)
            allowed, cumulative, neighbours = self._choices[(chain, klass == LOCAL)]
            products = [weighted_choice(rng, allowed, cumulative)]
            if rng.random() < SECOND_PRODUCT_RATE and neighbours[products[0]]:
                products.append(rng.choice(neighbours[products[0]]))
            yield {"chain": chain, "klass": klass, "products": products}

    def _revenue_factors(self) -> dict[tuple[str, bool], float]:
        """What each local firm's drawn size is multiplied by, per chain and 链主 or not, so that every
        chain's local revenue is its design's ``completion`` share of the 2026 target, and the 链主
        together hold :data:`LEADER_REVENUE_SHARE` of it.

        A first pass over the same random streams sums the local sizes: the 链主's per chain, and the
        other firms' per pair (chain counted in, chain drawn from), since a firm making a product of
        two chains counts in both. The other firms' factors solve that small linear system.
        """
        chains = self.world.chain_ids
        index = {chain: i for i, chain in enumerate(chains)}
        leaders = [0.0] * len(chains)
        others = [[0.0] * len(chains) for _ in chains]  # others[c][d]: sizes drawn for chain d counted in c
        specs, sizes = self._specs(random.Random(f"specs-{self.seed}")), random.Random(f"local-size-{self.seed}")
        for _ in range(self.scale):
            spec = next(specs)
            if spec["klass"] != LOCAL:
                continue
            size, drawn = self._local_size(sizes, spec), index[spec["chain"]]
            if spec.get("leader"):
                leaders[drawn] += size
                continue
            for counted in {c for p in spec["products"] for c in self.world.product_chains[p]}:
                others[counted][drawn] += size
        budgets = [self.plan.chains[chain].completion * self.world.targets[chain] for chain in chains]
        wanted = [(1 - LEADER_REVENUE_SHARE) * budget for budget in budgets]
        factors = [wanted[c] / others[c][c] for c in range(len(chains))]
        for _ in range(200):  # Gauss–Seidel: the shared products make the off-diagonal sums small
            for c in range(len(chains)):
                spill = sum(others[c][d] * factors[d] for d in range(len(chains)) if d != c)
                factors[c] = (wanted[c] - spill) / others[c][c]
        if min(factors) <= 0:
            raise ValueError("the demo's revenue shares cannot be met at this scale")
        found = {(chain, False): factors[i] for i, chain in enumerate(chains)}
        found |= {(chain, True): LEADER_REVENUE_SHARE * budgets[i] / leaders[i] for i, chain in enumerate(chains)}
        return found

    @staticmethod
    def _local_size(rng: random.Random, spec: dict[str, Any]) -> float:
        """A local firm's unscaled size: 链主 120–600, others lognormal (the heavy tail)."""
        return rng.uniform(120, 600) if spec.get("leader") else min(rng.lognormvariate(0.2, 1.5), 5000.0)

    def _location(self, rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
        klass = spec["klass"]
        region = self.concentrated.get(spec["products"][0])
        if klass != LOCAL and region and rng.random() < 0.85:
            klass = DOMESTIC if region.endswith(("省", "市")) else FOREIGN
            spec["klass"] = klass
            if klass == FOREIGN:
                return {"country": region}
            cities = next(cities for province, cities, _ in PROVINCES if province == region)
            return {"country": "中国", "province": region, "city": rng.choice(cities)}
        if klass == LOCAL:
            place = weighted_choice(rng, *self.world.place_draws[spec["chain"]])
            return {"country": "中国", "province": "江西省", "city": "南昌市",
                    "district": self._district_of(place), "place": place}
        if klass == IN_PROVINCE:
            return {"country": "中国", "province": "江西省", "city": rng.choice(JIANGXI_CITIES)}
        if klass == DOMESTIC:
            province, cities, _ = weighted_choice(rng, PROVINCES, _PROVINCE_CUMULATIVE)
            return {"country": "中国", "province": province, "city": rng.choice(cities)}
        return {"country": weighted_choice(rng, _COUNTRY_NAMES, _COUNTRY_CUMULATIVE)}

    def _district_of(self, place: str) -> str | None:
        """``Catalogue.district_of``, once per place."""
        if place not in self._districts:
            self._districts[place] = self.world.catalogue.district_of(place)
        return self._districts[place]

    def _name(self, number: int, spec: dict[str, Any], where: dict[str, Any]) -> str:
        """``<city or country><字号><what it makes><company form>（示例）``."""
        makes = "".join(self.world.short_name(product) for product in spec["products"])
        zihao = _zihao(number, self.zihao_digits)
        country = where["country"]
        if country != "中国":
            form = "株式会社" if country in ("日本", "韩国") else "有限公司"
            return f"{country}{zihao}{makes}{form}（示例）"
        city = where["city"].removesuffix("市")
        form = "股份有限公司" if spec.get("leader") else "有限公司"
        return f"{city}{zihao}{makes}{form}（示例）"

    def _revenue(self, rng: random.Random, sizes: random.Random, spec: dict[str, Any]) -> tuple[float, float]:
        """营业收入 (亿元) as written and the unscaled size that weighs the firm as a supplier."""
        if spec["klass"] == LOCAL:
            size = self._local_size(sizes, spec)
            value = size * self.factors[(spec["chain"], bool(spec.get("leader")))]
            return max(round(value, 2), 0.01), size  # to the 百万元, as every revenue here
        if spec["klass"] == FOREIGN:
            value = rng.lognormvariate(2.0, 1.5)
        else:
            value = rng.lognormvariate(1.0, 1.6)
        if spec.get("chokepoint"):
            value = max(value, rng.uniform(80, 300))
        value = round(min(value, 5000.0), 2)
        return value, value

    def _tags(self, rng: random.Random, spec: dict[str, Any], revenue: float) -> list[str]:
        if spec.get("leader"):
            return ["链主", "上市", "高新技术企业", "规上"]
        tags = []
        if spec["klass"] in (LOCAL, IN_PROVINCE) and rng.random() < 0.06:
            tags.append("专精特新")
            if rng.random() < 0.25:
                tags.append("小巨人")
        if rng.random() < 0.004:
            tags.append("单项冠军")
        if revenue > 80 and rng.random() < 0.5:
            tags.append("上市")
        if spec["klass"] != FOREIGN and rng.random() < 0.25:
            tags.append("高新技术企业")
        if revenue >= 0.2:
            tags.append("规上")
        return tags

    def firms(self) -> Iterator[Firm]:
        """Every enterprise, in number order (what both :meth:`enterprises` and the rows of
        ``loaders.demo_rows`` write); remembers what the supply phase needs of each."""
        rng = random.Random(f"enterprises-{self.seed}")
        sizes = random.Random(f"local-size-{self.seed}")  # the same draws as the first pass
        world = self.world
        specs = self._specs(random.Random(f"specs-{self.seed}"))
        for number in range(self.scale):
            spec = next(specs)
            where = self._location(rng, spec)
            node_id = enterprise_demo_id(self.seed, number)
            self.ids.append(node_id)
            revenue, size = self._revenue(rng, sizes, spec)
            name, tags = self._name(number, spec, where), self._tags(rng, spec, revenue)
            products = [world.product_index[p] for p in spec["products"]]
            self.prod_a.append(products[0])
            self.prod_b.append(products[1] if len(products) > 1 else -1)
            self.klass.append(spec["klass"])
            self.revenue.append(revenue)
            self.size.append(size)
            for product in products:
                self.producers[product].append(number)
            if self.plan.chokepoint_suppliers.get(spec["products"][0]) == node_id:
                self.chokepoint_of[products[0]] = number
            place = where.get("place")
            clusters = [cluster for cluster in self._clusters(spec, place) if spec.get("leader") or rng.random() < 0.6] \
                if place else []
            yield Firm(node_id, name, where, spec["klass"] == LOCAL, revenue, tags, spec["products"], place, clusters,
                       spec["chain"] if spec.get("leader") else None)

    def enterprises(self) -> Iterator[Any]:
        """Each enterprise as a validated model, then its PRODUCES, LOCATED_IN, MEMBER_OF and LEADS."""
        common: dict[str, Any] = {"synthetic": True, "source": self.source, "as_of": NODE_AS_OF}
        for firm in self.firms():
            where = firm.where
            yield Enterprise(
                id=firm.id, name=firm.name, country=where["country"], province=where.get("province"),
                city=where.get("city"), district=where.get("district"), local=firm.local, revenue_yi=firm.revenue,
                tags=firm.tags, **common,
            )
            for product in firm.products:
                yield Produces(src=firm.id, dst=product, **common)
            if firm.place:
                yield LocatedIn(src=firm.id, dst=firm.place, **common)
                for cluster in firm.clusters:
                    yield MemberOf(src=firm.id, dst=cluster, **common)
            if firm.leads:
                yield Leads(src=firm.id, dst=firm.leads, **common)

    def _clusters(self, spec: dict[str, Any], place: str) -> list[str]:
        clusters = self.world.chain_clusters.get(spec["chain"], [])
        if "cluster:vr" in clusters:  # 电子信息 has two clusters: VR products go to the VR one
            is_vr = "VR" in self.world.product_names[self.world.product_index[spec["products"][0]]]
            clusters = [c for c in clusters if (c == "cluster:vr") == is_vr]
        return [c for c in clusters if place in self.world.cluster_bases[c]]

    # -- phase 2: supply relations ------------------------------------------------------------------

    def _cumulative_weights(self) -> dict[int, array[int]]:
        cumulative = {}
        for product, producers in self.producers.items():
            weights = [(self.size[n] + 0.5) ** 0.9 for n in producers]
            chokepoint = self.chokepoint_of.get(product)
            if chokepoint is not None:
                position = producers.index(chokepoint)
                others = sum(weights) - weights[position]
                weights[position] = max(weights[position], 2.5 * others)
            cumulative[product] = array("d", itertools.accumulate(weights))
        return cumulative

    def supplies(self) -> Iterator[Supplies]:
        """Each supply relation as a validated model."""
        for src, dst, product, share, amount, as_of in self.supply_draws():
            yield Supplies(src=src, dst=dst, product=product, share=share, amount_wan=amount, confidence="inferred",
                           as_of=as_of, synthetic=True, source=self.source)

    def supply_draws(self) -> Iterator[tuple[str, str, str, float, float, dt.date]]:
        """Every supply relation as ``(supplier id, customer id, product id, share, amount_wan, as_of)``,
        customers in number order (after :meth:`firms`, whose draws it needs).

        Hot at 1M enterprises (2.8M relations): names are bound locally, ids come from ``self.ids``,
        and ``rng.choice(AS_OF_DATES)`` is spelt out as ``Random.choice`` draws it (same bits)."""
        rng = random.Random(f"supplies-{self.seed}")
        random_, getrandbits = rng.random, rng.getrandbits
        cumulative = self._cumulative_weights()
        ids, klasses, prod_a, prod_b, revenues = self.ids, self.klass, self.prod_a, self.prod_b, self.revenue
        inputs, producers, chokepoint_of, product_ids = self.world.inputs, self.producers, self.chokepoint_of, self.world.product_ids
        pick, bisect_right = self._pick, bisect.bisect_right
        counts_cumulative, counts, last_count = _SUPPLIER_COUNT_CUMULATIVE, _SUPPLIER_COUNTS, len(_SUPPLIER_COUNTS) - 1
        counts_total, dates, date_bits = _SUPPLIER_COUNT_CUMULATIVE[-1], AS_OF_DATES, len(AS_OF_DATES).bit_length()
        for customer in range(self.scale):
            klass = klasses[customer]
            if klass != LOCAL and klass != IN_PROVINCE and random_() >= 0.3:
                continue
            second = prod_b[customer]
            made = [prod_a[customer]] if second < 0 else [prod_a[customer], second]
            wanted: list[int] = []
            for product in made:
                wanted += [q for q in inputs.get(product, ()) if q not in wanted]
            customer_id = ids[customer]
            for product in wanted:
                pool = producers.get(product)
                if not pool:
                    continue
                # a customer never supplies itself; checking membership only matters for small pools
                available = len(pool) - (1 if len(pool) <= 16 and customer in pool else 0)
                draw = bisect_right(counts_cumulative, random_() * counts_total)
                count = min(counts[min(draw, last_count)], available)
                if count <= 0:
                    continue
                chosen = pick(rng, pool, cumulative[product], count, customer)
                dominant = chokepoint_of.get(product)
                if klass == LOCAL and dominant is not None and dominant != customer and dominant not in chosen:
                    chosen[-1] = dominant  # a chokepoint: every local firm that needs it buys from it
                shares = [random_() + 0.2 for _ in chosen]
                total = sum(shares)
                shares = [round(s / total, 2) for s in shares]
                shares[0] = round(1 - sum(shares[1:]), 2)
                date = getrandbits(date_bits)  # rng.choice(dates): Random._randbelow's rejection sampling
                while date >= len(dates):
                    date = getrandbits(date_bits)
                as_of = dates[date]
                product_id = product_ids[product]
                revenue = revenues[customer]
                for supplier, share in zip(chosen, shares, strict=True):
                    yield (ids[supplier], customer_id, product_id, max(share, 0.01),
                           round(revenue * 1e4 * 0.03 * share, 1), as_of)

    @staticmethod
    def _pick(rng: random.Random, pool: array[int], cumulative: array[int], count: int, customer: int) -> list[int]:
        chosen: list[int] = []
        total, last, random_, bisect_right = cumulative[-1], len(pool) - 1, rng.random, bisect.bisect_right
        attempts = 0
        while len(chosen) < count and attempts < count * 20:
            attempts += 1
            supplier = pool[min(bisect_right(cumulative, random_() * total), last)]
            if supplier != customer and supplier not in chosen:
                chosen.append(supplier)
        if len(chosen) < count:  # a pool dominated by a few heavy suppliers: fill in order
            for supplier in pool:
                if len(chosen) >= count:
                    break
                if supplier != customer and supplier not in chosen:
                    chosen.append(supplier)
        return chosen

    # -- batching -----------------------------------------------------------------------------------

    def batches(self, include_reference: bool) -> Iterator[WriteBatch]:
        if include_reference:
            yield reference_batch()
        yield from batched(itertools.chain(self.enterprises(), self.supplies()), self.batch_size)


def generate(scale: int = DEFAULT_SCALE, seed: int = DEFAULT_SEED, *, batch_size: int = BATCH_SIZE,
             include_reference: bool = True) -> Iterator[WriteBatch]:
    """Stream the demo as WriteBatches (the reference data first when ``include_reference``).

    Deterministic: the same ``scale`` and ``seed`` give the same records in the same order.
    Enterprises (with their PRODUCES, LOCATED_IN, MEMBER_OF and LEADS) come before every SUPPLIES,
    so each batch's endpoints are already written when it is.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return _Generator(scale, seed, batch_size).batches(include_reference)


def load_demo(store: GraphStore, scale: int = DEFAULT_SCALE, seed: int = DEFAULT_SEED, *,
              batch_size: int | None = None, progress: bool = False,
              timings: dict[str, float] | None = None, rows: bool | None = None) -> dict[str, int]:
    """Write the demo (and the reference data it hangs on) into ``store``; returns how many items per
    label and relationship type were written.

    ``timings``, when given, receives the seconds spent inside ``store.write`` (``"write"``) and in
    total (``"total"``, generation included). Batches are written in a background thread while the
    next one is generated (see ``stores.background``), as one import: readers see the demo when it
    is complete, and a failure leaves the store as it was (ImportNotPublished says what became of
    what was written).

    ``rows``: write plain rows (``loaders.demo_rows``, no pydantic model per item; the embedded store
    only) instead of validated models; by default rows into the embedded store, models into another.
    Both give the same content. ``batch_size`` (items a transaction) defaults to
    ``DEMO_ROW_BATCH_SIZE`` for rows, ``DEMO_BATCH_SIZE`` for models.
    """
    from tqdm import tqdm

    if rows is None:
        rows = store.takes_rows
    if batch_size is None:
        batch_size = DEMO_ROW_BATCH_SIZE if rows else BATCH_SIZE
    started = time.perf_counter()
    written: Counter[str] = Counter()

    def count(batch: WriteBatch) -> None:
        written.update(node.label for node in batch.nodes)
        written.update(rel.type for rel in batch.relationships)
        bar.update(len(batch))

    def count_rows(batch: RowBatch) -> None:
        written.update(map(itemgetter(1), batch.nodes))
        written.update(map(itemgetter(0), batch.relationships))
        bar.update(len(batch))

    spent: dict[str, float] = {}
    with tqdm(desc="示例数据", unit="条", disable=not progress, mininterval=0.5) as bar, \
            atomic_import(store, f"示例数据（虚构）：{scale:,} 家企业，随机种子 {seed}") as session, \
            store.bulk_load(scale * EXPECTED_ITEMS_PER_ENTERPRISE):
        if rows:
            from loaders.demo_rows import row_batches

            generator = _Generator(scale, seed, batch_size)
            write_batches(store, [reference_batch()], on_written=count, timings=spent, write=session.write)
            write_batches(store, row_batches(generator), on_written=count_rows, timings=spent, write=session.write_rows)
        else:
            write_batches(store, generate(scale, seed, batch_size=batch_size), on_written=count, timings=spent,
                          write=session.write)
    if timings is not None:
        timings.update(write=spent["write"], total=time.perf_counter() - started)
    return dict(written)
