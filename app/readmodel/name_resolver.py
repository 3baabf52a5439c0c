"""Which node a person means: a chain, product, park, cluster or enterprise from its Chinese name, an
alias, part of a name, a credit code (统一社会信用代码) or its id.

The search is the stores' own (``GraphStore.search``: name or alias containing the text, id or
credit code equal to it); any ``NodeSource`` with the same ``search`` and ``list_nodes`` serves.
A miss or an ambiguity raises ``NameNotFound`` / ``AmbiguousName`` whose Chinese message lists the
close matches (RapidFuzz), for the CLI to print and the API to return.

>>> from stores.embedded import EmbeddedStore
>>> from stores.base import WriteBatch
>>> from graph_schema import Enterprise, Park
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> store.write(WriteBatch(nodes=[
...     Park(id="park:xiaolan-edz", name="小蓝经开区", kind="开发区"),
...     Park(id="park:xiaolan-vr-base", name="小蓝VR产业基地", kind="平台"),
...     Enterprise(id="ent:a", name="南昌甲储能科技有限公司", aliases=["甲储能"], city="南昌市", district="南昌县"),
... ]))
>>> resolve(store, "Park", "小蓝经开区")["id"], resolve(store, "Park", "南昌小蓝经济技术开发区")["id"]
('park:xiaolan-edz', 'park:xiaolan-edz')
>>> resolve(store, "Enterprise", "甲储能")["id"], resolve(store, "Enterprise", "甲储")["id"]
('ent:a', 'ent:a')
>>> resolve(store, "Park", "小蓝")
Traceback (most recent call last):
app.readmodel.name_resolver.AmbiguousName: 「小蓝」对应 2 个园区/区县，请写得更具体（全称）：
  小蓝经开区（开发区）
  小蓝VR产业基地（平台）
>>> resolve(store, "Park", "小兰经开区")
Traceback (most recent call last):
app.readmodel.name_resolver.NameNotFound: 图谱中没有名为「小兰经开区」的园区/区县。相近的有：小蓝经开区
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from graph_schema.errors import ChainAtlasError
from loaders.catalogue import name_key
from loaders.names import fold, normalise_name

KIND_NAMES = {"Chain": "产业链", "Product": "产品", "Park": "园区/区县", "Cluster": "产业集群", "Enterprise": "企业"}
_CATALOGUE_KINDS = {"Chain": "chain", "Product": "product", "Park": "park", "Cluster": "cluster"}
SEARCHED = 50  # the search hits weighed before a name is called ambiguous
LISTED = 10  # close matches listed in a message
SUGGESTED = 5  # similar names offered for a miss


class NodeSource(Protocol):
    """What resolution reads: ``GraphStore`` is one."""

    def get_node(self, node_id: str) -> dict[str, Any] | None: ...

    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[dict[str, Any]]: ...

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]: ...


class NameNotFound(ChainAtlasError):
    """No node of the wanted kind has that name, alias, credit code or id; the message offers similar names."""


class AmbiguousName(ChainAtlasError):
    """Several nodes match; the message lists them so that one can be named exactly."""


def describe(node: dict[str, Any]) -> str:
    """A node's name with what tells it apart from a namesake: place and credit code, kind, stage.

    >>> describe({"label": "Enterprise", "name": "甲", "city": "南昌市", "district": "南昌县", "credit_code": "91360100MA35GWXY5H"})
    '甲（南昌市南昌县，91360100MA35GWXY5H）'
    >>> describe({"label": "Product", "name": "隔膜", "segment": "锂电", "stage": "中游"})
    '隔膜（锂电·中游）'
    """
    if node.get("label") == "Enterprise":
        place = "".join(node.get(key) or "" for key in ("city", "district")) or node.get("province") or node.get("country") or ""
        details = [part for part in (place, node.get("credit_code")) if part]
    elif node.get("label") == "Product":
        details = ["·".join(part for part in (node.get("segment"), node.get("stage")) if part)]
    else:
        details = [node.get("kind") or ""]
    details = [part for part in details if part]
    return f"{node['name']}（{'，'.join(details)}）" if details else str(node["name"])


def resolve(nodes: NodeSource, label: str, text: str) -> dict[str, Any]:
    """The one node of ``label`` that ``text`` names (its record); NameNotFound or AmbiguousName otherwise.

    Tried in turn: the id; an exact name, alias or credit code; the name folded (``新能源产业链`` for
    新能源, ``南昌小蓝经济技术开发区`` for 小蓝经开区, a legal form such as 股份有限公司 ignored);
    then the single node whose name or alias contains the text.
    """
    kind = KIND_NAMES[label]
    text = text.strip()
    if not text:
        raise NameNotFound(f"请给出{kind}的名称")
    node = nodes.get_node(text)
    if node is not None and node.get("label") == label:
        return node
    hits = nodes.search(text, labels=[label], limit=SEARCHED)
    exact = [hit for hit in hits if text in (hit["name"], hit.get("credit_code"), *(hit.get("aliases") or ()))]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise _ambiguous(text, kind, exact)
    if len(hits) == 1:
        return hits[0]
    pool = hits or nodes.list_nodes(label)
    folded = [hit for hit in pool if _folded(label, text) in {_folded(label, name) for name in _names(hit)}]
    if len(folded) == 1:
        return folded[0]
    if hits or folded:
        raise _ambiguous(text, kind, folded or hits)
    raise NameNotFound(_miss_message(text, kind, pool))


def _names(node: dict[str, Any]) -> list[str]:
    return [node["name"], *(node.get("aliases") or ())]


def _folded(label: str, text: str) -> str:
    """``text`` as names are compared: the catalogue's key (places, chains, clusters, products) or an
    enterprise's normalised name."""
    catalogue_kind = _CATALOGUE_KINDS.get(label)
    return name_key(catalogue_kind, text) if catalogue_kind else normalise_name(text)


def _ambiguous(text: str, kind: str, matches: list[dict[str, Any]]) -> AmbiguousName:
    more = len(matches) - LISTED
    if more > 0:
        size = f"至少 {len(matches)}" if len(matches) >= SEARCHED else str(len(matches))
    else:
        size = str(len(matches))
    listed = "\n".join(f"  {describe(match)}" for match in matches[:LISTED])
    tail = f"\n  …另有 {more} 个；用 chainatlas search {text} 查看" if more > 0 else ""
    how = "全称、简称或统一社会信用代码" if kind == KIND_NAMES["Enterprise"] else "全称"
    return AmbiguousName(f"「{text}」对应 {size} 个{kind}，请写得更具体（{how}）：\n{listed}{tail}")


def suggestions(text: str, nodes: Sequence[dict[str, Any]], limit: int = SUGGESTED) -> list[str]:
    """The names (or aliases) of ``nodes`` closest to ``text``, best first.

    >>> suggestions("新能原", [{"name": "新能源"}, {"name": "新材料"}, {"name": "航空"}])
    ['新能源']
    """
    choices: dict[str, str] = {}
    for node in nodes:
        for name in _names(node):
            choices.setdefault(fold(name), node["name"])
    matches = process.extract(fold(text), list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=45)
    return list(dict.fromkeys(choices[match[0]] for match in matches))[:limit]


def _miss_message(text: str, kind: str, nodes: Sequence[dict[str, Any]]) -> str:
    close = suggestions(text, nodes)
    if close:
        return f"图谱中没有名为「{text}」的{kind}。相近的有：{'、'.join(close)}"
    return f"图谱中没有名为「{text}」的{kind}，也没有相近的名称；可用 chainatlas search 查找"
