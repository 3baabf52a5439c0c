"""The demo as plain rows for the embedded store: the fast path of ``chainatlas demo`` (issue 17).

The same firms and supply draws as ``loaders.demo`` (``firms`` and ``supply_draws`` of its
generator) become the rows ``EmbeddedStore.write`` would make of the validated models
(``stores.embedded_rows``: id, label, name, search, code and the properties as JSON text), without
a pydantic model per item: the generator's own output is trusted. ``tests/loaders/test_demo_rows.py``
fills one store each way and compares their content digests, and validates a sample of the rows
with the models, so the two cannot drift.

>>> from loaders.demo import _Generator
>>> batch = next(row_batches(_Generator(600, 7, 10000)))
>>> batch.nodes[0][:4]
('ent:demo-7-0000000', 'Enterprise', '南昌淇烨LED照明产品股份有限公司（示例）', '南昌淇烨LED照明产品股份有限公司（示例）')
>>> batch.relationships[0][:4]
('PRODUCES', 'ent:demo-7-0000000', 'product:led-lighting', '')
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from json.encoder import encode_basestring  # what json.dumps(text, ensure_ascii=False) returns, without its steps
from typing import Any, Protocol

from stores.embedded_rows import NodeRow, RelRow, RowBatch


class DemoDraws(Protocol):
    """What the rows take of ``loaders.demo``'s generator (which writes them; named here so that this
    module need not import the module that imports it)."""

    source: str
    batch_size: int
    node_as_of: dt.date  # the as_of of every node and of its PRODUCES, LOCATED_IN, MEMBER_OF and LEADS
    as_of_dates: tuple[dt.date, ...]  # the supply relations' as_of dates

    def firms(self) -> Iterable[Any]: ...

    def supply_draws(self) -> Iterable[tuple[Any, ...]]: ...


def row_batches(generator: DemoDraws) -> Iterator[RowBatch]:
    """The generator's enterprises (each with its PRODUCES, LOCATED_IN, MEMBER_OF and LEADS), then its
    supply relations, as RowBatches of about ``generator.batch_size`` rows, in the models' order."""
    NODE_AS_OF, AS_OF_DATES = generator.node_as_of, generator.as_of_dates  # the demo's constants, from the generator
    source = _text(generator.source)
    head = f'{{"source":{source},"as_of":"{NODE_AS_OF.isoformat()}","synthetic":true'
    link = head + "}"  # every PRODUCES, LOCATED_IN, MEMBER_OF and LEADS has these properties only
    size = generator.batch_size
    nodes: list[NodeRow] = []
    rels: list[RelRow] = []
    for firm in generator.firms():
        node_id, name = firm.id, firm.name  # ids are ent:demo-<seed>-<n>: nothing in them to escape
        nodes.append((node_id, "Enterprise", name, name, None,
                      f'{head},"id":"{node_id}","name":{encode_basestring(name)},"aliases":[],{_where(**firm.where)},'
                      f'"local":{"true" if firm.local else "false"},"revenue_yi":{repr(firm.revenue)},'  # a float: _number
                      f'"tags":{_tags(tuple(firm.tags))}}}'))
        for product in firm.products:
            rels.append(("PRODUCES", node_id, product, "", link))
        if firm.place:
            rels.append(("LOCATED_IN", node_id, firm.place, "", link))
            for cluster in firm.clusters:
                rels.append(("MEMBER_OF", node_id, cluster, "", link))
        if firm.leads:
            rels.append(("LEADS", node_id, firm.leads, "", link))
        if len(nodes) + len(rels) >= size:
            yield RowBatch(nodes, rels)
            nodes, rels = [], []
    heads = {day: f'{{"source":{source},"as_of":"{day.isoformat()}","synthetic":true,"product":' for day in AS_OF_DATES}
    # _number inlined: an amount is a float (a product of floats, rounded), a share may be the int 1 (a sole supplier's)
    for src, dst, product, share, amount, as_of in generator.supply_draws():
        rels.append(("SUPPLIES", src, dst, product,
                     f'{heads[as_of]}{_text(product)},"amount_wan":{repr(amount)},"share":{repr(float(share))},'
                     '"confidence":"inferred"}'))
        if len(rels) >= size:
            yield RowBatch(nodes, rels)
            nodes, rels = [], []
    if nodes or rels:
        yield RowBatch(nodes, rels)


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """A string as JSON, as pydantic writes it (``ensure_ascii=False``).

    >>> _text('南昌"x"')
    '"南昌\\\\"x\\\\""'
    """
    return json.dumps(value, ensure_ascii=False)


def _number(value: float) -> str:
    """A finite float as JSON (Python's shortest repr, as pydantic writes a float in this range).

    >>> _number(0.1), _number(126564.0)
    ('0.1', '126564.0')
    """
    return repr(float(value))


@lru_cache(maxsize=4096)
def _where(country: str, province: str | None = None, city: str | None = None, district: str | None = None,
           place: Any = None) -> str:
    """The location properties of an enterprise, unset ones left out (as ``exclude_none`` does)."""
    parts = [f'"country":{_text(country)}']
    parts += [f'"{name}":{_text(value)}' for name, value in (("province", province), ("city", city), ("district", district))
              if value is not None]
    return ",".join(parts)


@lru_cache(maxsize=256)
def _tags(tags: tuple[str, ...]) -> str:
    return json.dumps(list(tags), ensure_ascii=False, separators=(",", ":"))
