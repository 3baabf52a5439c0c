"""One analysis command's view of the store: the nodes its options name, the projection it runs on,
and the names its tables show instead of ids.

An option that takes a node accepts its Chinese name, an alias, part of a name, a credit code or its
id (``app.readmodel.name_resolver``); a miss or an ambiguity exits 2 listing the close matches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from app.cli.context import fail
from app.readmodel.name_resolver import AmbiguousName, NameNotFound, resolve
from app.terminal_table import named
from queries.compact import CompactGraph, project_compact
from stores.base import GraphStore

DISTRICT_KINDS = ("区县", "开发区")


class GraphNames:
    """id → name over the projections a command used, then the store (for ids outside them);
    looked up one id at a time (``app.terminal_table.Names``)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._graphs: list[nx.MultiDiGraph | CompactGraph] = []
        self._asked: dict[str, str | None] = {}

    def add(self, graph: nx.MultiDiGraph | CompactGraph) -> None:
        self._graphs.append(graph)

    def _name(self, node_id: str) -> str | None:
        for graph in self._graphs:
            attrs = graph.nodes.get(node_id)
            if attrs is not None and "name" in attrs:
                return str(attrs["name"])
        if node_id not in self._asked:
            node = self._store.get_node(node_id)
            self._asked[node_id] = None if node is None else str(node["name"])
        return self._asked[node_id]

    def __getitem__(self, node_id: str) -> str:
        name = self._name(node_id) if isinstance(node_id, str) else None
        if name is None:
            raise KeyError(node_id)
        return name

    def __contains__(self, node_id: object) -> bool:
        return isinstance(node_id, str) and self._name(node_id) is not None

    def get(self, node_id: str, default: str) -> str:
        name = self._name(node_id)
        return default if name is None else name


class Session:
    """The store of one command, with name resolution and projection."""

    def __init__(self, store: GraphStore, *, as_of: str | None = None) -> None:
        self.store = store
        self.as_of = as_of  # ISO date the analyses run as of (None: latest)
        self.names = GraphNames(store)
        self._chosen: dict[str, str] = {}  # id → name of the nodes the options named

    def node(self, label: str, text: str, option: str) -> dict[str, Any]:
        """The node of ``label`` that ``text`` (the value of ``option``) names; exit 2 on a miss or ambiguity."""
        try:
            node = resolve(self.store, label, text)
        except (NameNotFound, AmbiguousName) as exc:
            raise fail(f"{option}：{exc}", 2) from None
        self._chosen[node["id"]] = node["name"]
        return node

    def node_id(self, label: str, text: str, option: str) -> str:
        return str(self.node(label, text, option)["id"])

    def chain(self, text: str | None) -> str | None:
        """The chain ``--chain`` names (None: the whole graph)."""
        return None if text is None else self.node_id("Chain", text, "--chain")

    def district(self, text: str) -> str:
        """The district name ``--district`` means: a 区县 or 开发区 of the plan by name or part of it, or
        a district that enterprises give as theirs."""
        try:
            park = resolve(self.store, "Park", text)
        except AmbiguousName as exc:
            raise fail(f"--district：{exc}", 2) from None
        except NameNotFound as exc:
            if any(node.get("district") == text.strip() for node in self.store.list_nodes("Enterprise")):
                return text.strip()
            raise fail(f"--district：{exc}", 2) from None
        if park.get("kind") not in DISTRICT_KINDS:
            raise fail(f"--district：{park['name']}是{park.get('kind') or '园区'}，不是区县或开发区；园区请用 --park", 2)
        return str(park["name"])

    def project(self, chain: str | None) -> CompactGraph:
        """The chain's part of the graph (or the whole graph) as the analyses read it: the compact graph of
        the fields they use (``queries.compact``); its names serve the tables."""
        graph = project_compact(self.store, chain)
        self.names.add(graph)
        return graph

    def project_networkx(self, chain: str | None) -> nx.MultiDiGraph:
        """The chain's part of the graph (or the whole graph) with every property, as NetworkX (a snapshot)."""
        graph = self.store.project(chain)
        self.names.add(graph)
        return graph

    def run(self, chain: str | None, compute: Callable[[Any], Any]) -> Any:
        """``compute`` on the projection of ``chain`` (a view of it as of ``as_of`` when set); a node it
        cannot find: exit 1."""
        graph = self.project(chain)
        try:
            if self.as_of is not None:
                from queries.view import chain_view

                return compute(chain_view(graph, chain, as_of=self.as_of))
            return compute(graph)
        except (nx.NodeNotFound, ValueError) as exc:
            raise fail(self.readable(str(exc))) from None

    def readable(self, message: str) -> str:
        """``message`` with ids named: those of the graph, and the nodes the options named (also those
        keyed by a credit code)."""
        message = named(message, self.names)
        for node_id, name in self._chosen.items():
            message = message.replace(node_id, name)
        return message
