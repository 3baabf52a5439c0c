"""What the analyses' words mean: geography, a SUPPLIES link and how one supply splits among suppliers.

From ``docs/data-model.md``:

- geography: 本地 (``local`` true), 省内 (not local, province 江西省), 国内其他 (country 中国, other or
  unknown province), 境外 (a known country not 中国), 未知 (country unknown — ``未知（匿名）`` — or no
  country and no province: a data gap, never 境外 nor 省内); region: the province, or the country abroad;
- a SUPPLIES link delivers nothing when its ``share`` (or, without a share, its ``amount_wan``) is 0;
- one customer's supply of one product splits among its suppliers by share, else amount, else
  equally; shares adding up to less than 1 leave a part bought from suppliers the data does not name.

>>> geography({"country": "韩国"}), region({"province": "广东省"})
('境外', '广东省')
>>> supply_weights([SupplyLink("ent:a", "ent:c", "product:x", share=0.5),
...                 SupplyLink("ent:b", "ent:c", "product:x", share=0.3)])
{'ent:a': 0.5, 'ent:b': 0.3}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from queries.formatting import rounded

LOCAL = "本地"
IN_PROVINCE = "省内"
REST_OF_CHINA = "国内其他"
FOREIGN = "境外"
UNKNOWN_PLACE = "未知"
GEOGRAPHIES = (LOCAL, IN_PROVINCE, REST_OF_CHINA, FOREIGN, UNKNOWN_PLACE)
UNKNOWN_MARKERS = ("未知", "不详", "匿名", "unknown", "n/a")
HOME_PROVINCE = "江西省"
HOME_COUNTRY = "中国"
STAGES = ("上游", "中游", "下游")


def unknown_place(text: Any) -> bool:
    """True for a place the data does not know: empty, or a marker such as ``未知（匿名）`` or ``不详``.

    >>> unknown_place("未知（匿名）"), unknown_place(None), unknown_place("韩国")
    (True, True, False)
    """
    value = str(text or "").strip().lower()
    return not value or any(marker in value for marker in UNKNOWN_MARKERS)


def geography(attrs: Mapping[str, Any]) -> str:
    """本地 / 省内 / 国内其他 / 境外 / 未知 of an enterprise, from its ``local``, ``province`` and ``country``.

    A country the data does not know (``未知（匿名）``, or no country and no province) is 未知: never
    境外, never 省内 — it is a data gap, not a place.

    >>> geography({"local": True, "province": "江西省"})
    '本地'
    >>> geography({"province": "江西省"}), geography({"province": "广东省"}), geography({"country": "韩国"})
    ('省内', '国内其他', '境外')
    >>> geography({"country": "未知（匿名）"}), geography({}), geography({"country": "中国"})
    ('未知', '未知', '国内其他')
    """
    if attrs.get("local"):
        return LOCAL
    country = attrs.get("country")
    if country is None and attrs.get("province") is None:
        return UNKNOWN_PLACE
    if country is not None and unknown_place(country):
        return UNKNOWN_PLACE
    if (country or HOME_COUNTRY) != HOME_COUNTRY:
        return FOREIGN
    if attrs.get("province") == HOME_PROVINCE:
        return IN_PROVINCE
    return REST_OF_CHINA


def region(attrs: Mapping[str, Any]) -> str:
    """The province of a Chinese enterprise (local ones: 江西省) or the country of a foreign one.

    >>> region({"country": "韩国"}), region({"local": True}), region({"country": "中国"}), region({})
    ('韩国', '江西省', '未知省份', '未知')
    """
    where = geography(attrs)
    if where == UNKNOWN_PLACE:
        return UNKNOWN_PLACE
    if where == FOREIGN:
        return str(attrs.get("country"))
    if where == LOCAL:
        return attrs.get("province") or HOME_PROVINCE
    return attrs.get("province") or "未知省份"


class SupplyLink(NamedTuple):
    """One SUPPLIES relationship: ``supplier`` sells ``product`` to ``customer``.

    A named tuple rather than a dataclass: a chain holds tens of thousands of them.
    """

    supplier: str
    customer: str
    product: str | None
    share: float | None = None
    amount_wan: float | None = None
    as_of: str | None = None
    confidence: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(supplier, customer, product) — what tells two links apart."""
        return (self.supplier, self.customer, self.product or "")


OWN_OUTPUT = "output:"
INFINITY = float("inf")


def input_key(link: SupplyLink) -> str:
    """The input a link supplies: its product, or — without a product — the supplier's own output.

    >>> input_key(SupplyLink("ent:a", "ent:c", "product:x")), input_key(SupplyLink("ent:a", "ent:c", None))
    ('product:x', 'output:ent:a')
    """
    return link.product or OWN_OUTPUT + link.supplier


def own_output_supplier(key: str) -> str | None:
    """The supplier whose own output ``key`` is, or None for a product.

    >>> own_output_supplier("output:ent:a"), own_output_supplier("product:x")
    ('ent:a', None)
    """
    return key[len(OWN_OUTPUT):] if key.startswith(OWN_OUTPUT) else None


def supply_weights(links: Sequence[SupplyLink]) -> dict[str, float]:
    """Each supplier's part of one customer's supply of one product.

    The parts are the links' ``share`` when every link has one (and they are not all zero), else
    their ``amount_wan`` under the same condition, else equal parts. They sum to 1, except when
    the shares add up to less than 1: the rest is bought from suppliers not in the data, and the
    parts are the shares themselves (``ChainView.unregistered_share``). Shares over 1 in all are
    scaled down to 1 (the importer warns of them).

    >>> a = SupplyLink("ent:a", "ent:c", "product:x", share=0.6)
    >>> b = SupplyLink("ent:b", "ent:c", "product:x", share=0.25)
    >>> supply_weights([a, b])
    {'ent:a': 0.6, 'ent:b': 0.25}
    >>> supply_weights([a, SupplyLink("ent:b", "ent:c", "product:x", share=0.8)])
    {'ent:a': 0.4285714285714286, 'ent:b': 0.5714285714285715}
    >>> supply_weights([a, SupplyLink("ent:b", "ent:c", "product:x")])
    {'ent:a': 0.5, 'ent:b': 0.5}
    >>> supply_weights([a]), supply_weights([SupplyLink("ent:a", "ent:c", "product:x", share=1.2)])
    ({'ent:a': 0.6}, {'ent:a': 1.0})
    >>> supply_weights([SupplyLink("ent:a", "ent:c", "product:x", amount_wan=1e308),
    ...                 SupplyLink("ent:b", "ent:c", "product:x", amount_wan=1e308)])
    {'ent:a': 0.5, 'ent:b': 0.5}
    """
    if not links:
        return {}
    if len(links) == 1:
        weight = one_link_weight(links[0])
        if weight is not None:
            return {links[0].supplier: weight}
    values: list[float]
    by_share = False
    shares: list[Any] = [link.share for link in links]
    if None not in shares and sum(shares) > 0:
        values, by_share = list(map(float, shares)), True
    else:
        amounts: list[Any] = [link.amount_wan for link in links]
        values = list(map(float, amounts)) if None not in amounts and sum(amounts) > 0 else [1.0] * len(links)
    total = sum(values)
    if by_share and unnamed_part(links):  # the rest comes from suppliers the data does not name
        total = 1.0
    if total == float("inf"):  # huge amounts: scale them down rather than divide by inf
        top = max(values)
        values = [value / top for value in values]
        total = sum(values)
    weights: dict[str, float] = {}
    for link, value in zip(links, values, strict=True):
        weights[link.supplier] = weights.get(link.supplier, 0.0) + value / total
    return weights


def one_link_weight(link: SupplyLink) -> float | None:
    """The one supplier's part when ``link`` is a customer's only supply of its input — ``supply_weights``'s
    rule, shortened: all of the supply, or the part its share names when that leaves the rest unnamed;
    None for an infinite share or amount (the general rule decides those).

    >>> one_link_weight(SupplyLink("ent:a", "ent:c", "product:x", share=0.6)), one_link_weight(SupplyLink("ent:a", "ent:c", "product:x"))
    (0.6, 1.0)
    >>> one_link_weight(SupplyLink("ent:a", "ent:c", "product:x", share=1.2)), one_link_weight(SupplyLink("ent:a", "ent:c", "product:x", amount_wan=float("inf")))
    (1.0, None)
    """
    share = link.share
    if share is None or share <= 0:
        return None if link.amount_wan == INFINITY else 1.0
    if share == INFINITY or link.amount_wan == INFINITY:
        return None
    return float(share) if _unnamed_of(0.0 + share) else 1.0


def _unnamed_of(total: float) -> float:
    """What shares adding up to ``total`` leave of 1 (as rounded for results), 0 when none is left."""
    return max(0.0, rounded(1.0 - total)) if total > 0 and rounded(total) < 1 else 0.0


def unnamed_part(links: Sequence[SupplyLink]) -> float:
    """The part of one customer's supply of one product bought from suppliers the data does not
    name: what the shares leave of 1 when every link has one and they add up to less than 1 (as
    rounded for results), else 0. ``supply_weights`` and ``ChainView.unregistered_share`` both use it.

    >>> a, b = SupplyLink("ent:a", "ent:c", "product:x", share=0.2), SupplyLink("ent:b", "ent:c", "product:x")
    >>> unnamed_part([a]), unnamed_part([a, b]), unnamed_part([])
    (0.8, 0.0, 0.0)
    """
    total = 0.0
    for link in links:
        if link.share is None:
            return 0.0
        total += link.share
    return _unnamed_of(total)


def canonical_order(link: SupplyLink) -> tuple[str, str, str]:
    """The order links are kept in: customer, supplier, product (so sums over them never depend on
    the order a store returned the graph in)."""
    return (link.customer, link.supplier, link.product or "")


def records_supply(data: Mapping[str, Any]) -> bool:
    """False for a SUPPLIES relationship whose ``share`` is 0 (or, with no share, whose
    ``amount_wan`` is 0): it names a supplier that delivers nothing, so the analyses leave it out.

    >>> records_supply({"share": 0.0}), records_supply({"amount_wan": 0}), records_supply({})
    (False, False, True)
    """
    share = data.get("share")
    return share != 0 if share is not None else data.get("amount_wan") != 0
