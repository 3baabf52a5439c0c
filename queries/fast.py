"""Dominator trees, articulation points and bridges with two interchangeable backends.

``backend="igraph"`` (the default, the interactive hot path) runs the C implementations of
python-igraph; ``backend="networkx"`` runs NetworkX and is the reference the tests compare against:
both give identical results on every graph (property-tested in ``tests/queries/test_fast.py``).

The graphs are ``SimpleNetwork``s: named vertices and directed edges without loops or parallels.
Undirected questions (cut points) look at the network with directions dropped and parallel edges
merged, so two enterprises that trade in both directions, or in several products, are one tie.

>>> net = SimpleNetwork.from_pairs([("mine", "cathode"), ("cathode", "cell"), ("cell", "car"), ("pack", "car")])
>>> tree = dominator_tree(net, "car")
>>> tree.chokepoints()
{'cell': 2, 'cathode': 1}
>>> sorted(articulation_points(net)), sorted(bridges(net))[:2]
(['car', 'cathode', 'cell'], [('car', 'cell'), ('car', 'pack')])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Literal

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    import igraph

Backend = Literal["igraph", "networkx"]
BACKENDS: tuple[Backend, ...] = ("igraph", "networkx")


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use 'igraph' or 'networkx'")


class SimpleNetwork:
    """Named vertices and directed edges (no loops, no parallel edges), with lazy backend copies.

    Parameters
    ----------
    names : sequence of str
        The vertices; vertex ``i`` is ``names[i]``.
    edges : iterable of (int, int)
        Directed edges between vertex numbers; loops are dropped, parallels merged.

    Examples
    --------
    >>> net = SimpleNetwork(["a", "b"], [(0, 1), (0, 1), (1, 1)])
    >>> net.edges
    ((0, 1),)
    """

    def __init__(self, names: Sequence[str], edges: Iterable[tuple[int, int]] | np.ndarray) -> None:
        self.names: tuple[str, ...] = tuple(names)
        if isinstance(edges, np.ndarray):  # an (m, 2) array of vertex numbers
            pairs = edges.astype(np.int64, copy=False).reshape(-1, 2)
        else:
            pairs = np.fromiter(chain.from_iterable(edges), dtype=np.int64).reshape(-1, 2)
        self.pairs: np.ndarray = _distinct_rows(pairs[pairs[:, 0] != pairs[:, 1]])  # the edges, sorted

    @cached_property
    def index(self) -> dict[str, int]:
        """Name → vertex number."""
        return {name: i for i, name in enumerate(self.names)}

    @cached_property
    def edges(self) -> tuple[tuple[int, int], ...]:
        """The edges as (source, target) number pairs, sorted."""
        return tuple(zip(self.pairs[:, 0].tolist(), self.pairs[:, 1].tolist(), strict=True))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], nodes: Iterable[str] = ()) -> SimpleNetwork:
        """A network from (source, target) name pairs, plus any extra isolated ``nodes``."""
        pairs = list(pairs)
        names = sorted({*nodes, *(u for u, _ in pairs), *(v for _, v in pairs)})
        index = {name: i for i, name in enumerate(names)}
        return cls(names, ((index[u], index[v]) for u, v in pairs))

    def __len__(self) -> int:
        return len(self.names)

    @cached_property
    def undirected_pairs(self) -> np.ndarray:
        """The edges with directions dropped and parallels merged, each row (smaller, larger), sorted."""
        return _distinct_rows(np.sort(self.pairs, axis=1))

    @property
    def undirected_edges(self) -> tuple[tuple[int, int], ...]:
        """``undirected_pairs`` as tuples."""
        rows = self.undirected_pairs
        return tuple(zip(rows[:, 0].tolist(), rows[:, 1].tolist(), strict=True))

    @cached_property
    def igraph_directed(self) -> igraph.Graph:
        return _igraph(len(self.names), self.pairs, directed=True)

    @cached_property
    def igraph_undirected(self) -> igraph.Graph:
        return _igraph(len(self.names), self.undirected_pairs, directed=False)

    @cached_property
    def networkx_reversed(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(self.names)))
        graph.add_edges_from((v, u) for u, v in self.edges)
        return graph

    @cached_property
    def networkx_undirected(self) -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(range(len(self.names)))
        graph.add_edges_from(self.undirected_edges)
        return graph


def _igraph(n: int, pairs: np.ndarray, *, directed: bool) -> igraph.Graph:
    """An igraph graph of ``n`` vertices and the edges ``pairs`` (an (m, 2) array), in their order, read
    from the array without a Python tuple per edge.

    >>> _igraph(3, np.array([[0, 1], [2, 1]]), directed=True).get_edgelist()
    [(0, 1), (2, 1)]
    """
    import igraph

    graph = igraph.Graph(n=n, directed=directed)
    if len(pairs):
        graph.add_edges(np.ascontiguousarray(pairs, dtype=np.int64))
    return graph


def _distinct_rows(pairs: np.ndarray) -> np.ndarray:
    """The distinct rows of an (m, 2) array of vertex numbers, sorted (by the first, then the second).

    >>> _distinct_rows(np.array([[1, 0], [0, 2], [1, 0]])).tolist()
    [[0, 2], [1, 0]]
    """
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    base = int(pairs.max()) + 1
    codes = _sorted_distinct(pairs[:, 0] * base + pairs[:, 1])
    return np.stack(np.divmod(codes, base), axis=1)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a 1-d integer array by a sort: numpy 2.3+ answers a plain ``np.unique``
    with a hash table, some 20 times slower on 150,000 integers than sorting them.

    >>> _sorted_distinct(np.array([3, 1, 3, 2, 1])).tolist(), _sorted_distinct(np.array([], dtype=np.int64)).tolist()
    ([1, 2, 3], [])
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


# -- dominators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DominatorTree:
    """The dominator tree of the vertices that reach ``root`` along edge directions.

    ``idom[v]`` is v's immediate dominator: the vertex nearest to v, other than v, that every path
    from v to the root passes through (the root itself when no other). ``dominated[v]`` counts the
    vertices other than v whose every path to the root passes through v.
    """

    root: str
    idom: dict[str, str]
    dominated: dict[str, int]

    def chokepoints(self) -> dict[str, int]:
        """Vertices (other than the root) that at least one other vertex depends on, most first."""
        found = {v: n for v, n in self.dominated.items() if n > 0 and v != self.root}
        return dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))

    def dominators_of(self, vertex: str) -> list[str]:
        """The strict dominators of ``vertex`` from nearest to the root (root excluded)."""
        chain = []
        current = self.idom.get(vertex)
        while current is not None and current != self.root:
            chain.append(current)
            current = self.idom.get(current)
        return chain


def dominator_tree(net: SimpleNetwork, root: str, *, backend: Backend = "igraph") -> DominatorTree:
    """Dominators of the paths that lead INTO ``root`` (the dominator tree of the reversed network).

    Parameters
    ----------
    net : SimpleNetwork
        Edges point along the flow (supplier → customer).
    root : str
        The vertex the paths end at.
    backend : {"igraph", "networkx"}

    Raises
    ------
    networkx.NodeNotFound
        When ``root`` is not a vertex of ``net``.

    Examples
    --------
    >>> net = SimpleNetwork.from_pairs([("a", "b"), ("b", "m"), ("c", "b"), ("c", "m")])
    >>> dominator_tree(net, "m").idom
    {'a': 'b', 'b': 'm', 'c': 'm'}
    >>> dominator_tree(net, "m", backend="networkx").chokepoints()
    {'b': 1}
    """
    _check_backend(backend)
    if root not in net.index:
        raise nx.NodeNotFound(f"{root!r} is not in the network")
    r = net.index[root]
    parent: dict[int, int] = {}
    if backend == "igraph":
        for vertex, dom in enumerate(net.igraph_directed.dominator(r, mode="in")):
            if vertex != r and dom == dom and dom is not None and dom >= 0:  # nan marks unreachable vertices
                parent[vertex] = int(dom)
    else:
        parent = {v: d for v, d in nx.immediate_dominators(net.networkx_reversed, r).items() if v != r}
    counts = _subtree_counts(parent, r)
    names = net.names
    return DominatorTree(
        root=root,
        idom={names[v]: names[d] for v, d in parent.items()},
        dominated={names[v]: c for v, c in counts.items()},
    )


def upstream_dominator_trees(
    net: SimpleNetwork, roots: Iterable[str], *, backend: Backend = "igraph"
) -> list[DominatorTree]:
    """``dominator_tree`` of each root, each computed on the root's own upstream: the vertices with
    a path into it (its ancestors) and the edges among them.

    The answer is the same as on the whole network — a vertex that cannot reach the root lies on
    no path into it — but each computation only costs as much as the root's upstream, so the
    final stages of a large stage network (thousands of roots) take a second, not a minute.

    >>> net = SimpleNetwork.from_pairs([("a", "b"), ("b", "m"), ("c", "b"), ("c", "m"), ("b", "n")])
    >>> [(tree.root, tree.chokepoints()) for tree in upstream_dominator_trees(net, ["m", "n"])]
    [('m', {'b': 1}), ('n', {'b': 2})]
    """
    return list(iter_upstream_dominator_trees(net, roots, backend=backend))


def iter_upstream_dominator_trees(
    net: SimpleNetwork, roots: Iterable[str], *, backend: Backend = "igraph"
) -> Iterator[DominatorTree]:
    """``upstream_dominator_trees`` one tree at a time (a caller that keeps only a summary of each holds
    one tree at once, not one per root). The roots are checked before the first tree.

    >>> net = SimpleNetwork.from_pairs([("a", "b"), ("b", "m")])
    >>> [tree.chokepoints() for tree in iter_upstream_dominator_trees(net, ["m"])]
    [{'b': 1}]
    """
    _check_backend(backend)
    roots = list(roots)
    for root in roots:
        if root not in net.index:
            raise nx.NodeNotFound(f"{root!r} is not in the network")
    return _upstream_trees(net, roots, backend)


def _upstream_trees(net: SimpleNetwork, roots: list[str], backend: Backend) -> Iterator[DominatorTree]:
    names = net.names
    for root in roots:
        r = net.index[root]
        parent: dict[int, int] = {}
        if backend == "igraph":
            graph = net.igraph_directed
            ancestors = sorted(graph.subcomponent(r, mode="in"))
            sub = graph.induced_subgraph(ancestors)  # keeps the vertices in increasing order
            local_root = ancestors.index(r)
            for vertex, dom in enumerate(sub.dominator(local_root, mode="in")):
                if vertex != local_root and dom == dom and dom is not None and dom >= 0:
                    parent[ancestors[vertex]] = ancestors[int(dom)]
        else:
            reversed_net = net.networkx_reversed
            upstream = nx.descendants(reversed_net, r) | {r}
            found = nx.immediate_dominators(reversed_net.subgraph(upstream), r)
            parent = {v: d for v, d in found.items() if v != r}
        counts = _subtree_counts(parent, r)
        yield DominatorTree(
            root=root,
            idom={names[v]: names[d] for v, d in parent.items()},
            dominated={names[v]: c for v, c in counts.items()},
        )


def _subtree_counts(parent: dict[int, int], root: int) -> dict[int, int]:
    """How many descendants each vertex has in the tree given by ``parent`` (root included)."""
    children: dict[int, list[int]] = {}
    for vertex, dom in parent.items():
        children.setdefault(dom, []).append(vertex)
    order = [root]
    for vertex in order:
        order.extend(children.get(vertex, ()))
    size = dict.fromkeys(order, 1)
    for vertex in reversed(order):
        if vertex != root:
            size[parent[vertex]] += size[vertex]
    return {vertex: total - 1 for vertex, total in size.items()}


# -- articulation points and bridges -----------------------------------------------------------


def biconnected_blocks(net: SimpleNetwork, *, backend: Backend = "igraph") -> list[frozenset[int]]:
    """The biconnected components of the undirected network, as sets of vertex numbers, sorted.

    Isolated vertices belong to no block; a block of two vertices is a bridge.
    """
    _check_backend(backend)
    if backend == "igraph":
        blocks = [frozenset(block) for block in net.igraph_undirected.biconnected_components()]
    else:
        blocks = [frozenset(block) for block in nx.biconnected_components(net.networkx_undirected)]
    return sorted(blocks, key=lambda block: (min(block), len(block), sorted(block)))


def articulation_points(net: SimpleNetwork, *, backend: Backend = "igraph") -> set[str]:
    """Vertices whose removal disconnects their part of the undirected network.

    >>> sorted(articulation_points(SimpleNetwork.from_pairs([("a", "b"), ("b", "c")]), backend="networkx"))
    ['b']
    """
    _check_backend(backend)
    if backend == "igraph":
        return {net.names[v] for v in net.igraph_undirected.articulation_points()}
    return {net.names[v] for v in nx.articulation_points(net.networkx_undirected)}


def bridges(net: SimpleNetwork, *, backend: Backend = "igraph") -> set[tuple[str, str]]:
    """Ties whose removal disconnects the undirected network, each as a name pair in sorted order.

    >>> sorted(bridges(SimpleNetwork.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])))
    [('c', 'd')]
    """
    _check_backend(backend)
    names = net.names
    if backend == "igraph":
        graph = net.igraph_undirected
        pairs = (graph.es[e].tuple for e in graph.bridges())
    else:
        pairs = nx.bridges(net.networkx_undirected)
    return {tuple(sorted((names[u], names[v]))) for u, v in pairs}


@dataclass(frozen=True)
class CutPoint:
    """An articulation point: removing it splits its connected part (``component_size`` vertices)."""

    vertex: str
    component_size: int
    parts: tuple[int, ...]

    @property
    def separated(self) -> int:
        """Vertices cut off from the largest remaining part."""
        return self.component_size - 1 - max(self.parts)


@dataclass(frozen=True)
class Bridge:
    """A bridge between ``u`` and ``v``; removing it leaves ``u_side`` and ``v_side`` vertices apart."""

    u: str
    v: str
    u_side: int
    v_side: int

    @property
    def smaller_side(self) -> int:
        return min(self.u_side, self.v_side)


def cut_structure(net: SimpleNetwork, *, backend: Backend = "igraph") -> tuple[list[CutPoint], list[Bridge]]:
    """Articulation points and bridges with the sizes of the parts their removal leaves.

    Built from the biconnected blocks through the block-vertex tree (one tree node per vertex and
    per block, a vertex joined to each block it lies in), so it costs one pass after the blocks: the
    tree's order comes from igraph, the sizes below each tree node from one loop over it.

    Examples
    --------
    >>> net = SimpleNetwork.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")])
    >>> points, links = cut_structure(net)
    >>> [(p.vertex, p.parts, p.separated) for p in points]
    [('c', (2, 2), 2), ('d', (1, 3), 1)]
    >>> [(b.u, b.v, b.u_side, b.v_side) for b in links]
    [('c', 'd', 3, 2), ('d', 'e', 4, 1)]
    """
    import igraph

    _check_backend(backend)
    n = len(net.names)
    if backend == "igraph":  # each block's spanning-tree edges (the C call), turned into vertices by numpy
        graph = net.igraph_undirected
        trees = igraph.GraphBase.biconnected_components(graph, False)
        ends = net.undirected_pairs  # igraph's edge i is row i
        edge_ids = np.fromiter(chain.from_iterable(trees), dtype=np.int64)
        block_of_edge = np.repeat(np.arange(len(trees), dtype=np.int64), [len(tree) for tree in trees])
        codes = _sorted_distinct((block_of_edge[:, None] * n + ends[edge_ids]).ravel())  # (block, vertex), sorted
        count, members = len(trees), codes % n
        block_of = codes // n
    else:
        blocks = [sorted(block) for block in nx.biconnected_components(net.networkx_undirected)]
        count = len(blocks)
        members = np.fromiter(chain.from_iterable(blocks), dtype=np.int64)
        block_of = np.repeat(np.arange(count, dtype=np.int64), [len(block) for block in blocks])
    sizes = np.bincount(block_of, minlength=count)
    owner = block_of + n  # tree node of each member's block
    # The block-vertex forest (vertex v is node v, block b node n + b), every component hung from one
    # extra node (n + count) by its first vertex, so one breadth-first search orders them all.
    top = n + count
    forest = _igraph(top + 1, np.stack([members, owner], axis=1), directed=False)
    membership = np.array(forest.connected_components().membership)
    in_block = _sorted_distinct(members)
    _, first = np.unique(membership[in_block], return_index=True)
    roots = in_block[first]
    forest.add_edges([(top, root) for root in roots.tolist()])
    order, _, parents = forest.bfs(top)
    weight = [1] * n + [0] * (count + 1)
    for node in reversed(order[1:]):
        weight[parents[node]] += weight[node]
    weights, parent = np.array(weight, dtype=np.int64), np.array(parents, dtype=np.int64)
    root_of = np.zeros(int(membership.max()) + 1, dtype=np.int64)
    root_of[membership[roots]] = roots
    totals = weights[root_of[membership]]  # the size of each node's component (a component's root holds it all)
    names = net.names
    points = []
    child = parent[owner] == members  # a block hanging below its member vertex: one part when the vertex goes
    parts_of: dict[int, list[int]] = {}
    for vertex, part in zip(members[child].tolist(), weights[owner[child]].tolist(), strict=True):
        parts_of.setdefault(vertex, []).append(part)
    block_count = np.bincount(members, minlength=n)
    for vertex in np.flatnonzero(block_count >= 2).tolist():
        parts = parts_of.get(vertex, [])
        if parent[vertex] != top:  # the rest of its component, above it
            parts.append(int(totals[vertex] - weights[vertex]))
        points.append(CutPoint(names[vertex], int(totals[vertex]), tuple(sorted(parts))))
    links = []
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if count else sizes
    for b, start in zip(np.flatnonzero(sizes == 2).tolist(), starts[sizes == 2].tolist(), strict=True):
        p = int(parent[n + b])
        x, y = members[start:start + 2].tolist()
        q = y if p == x else x
        sides = {p: int(totals[p] - weights[q]), q: int(weights[q])}
        u, v = sorted((x, y), key=lambda vertex: names[vertex])
        links.append(Bridge(names[u], names[v], sides[u], sides[v]))
    points.sort(key=lambda point: point.vertex)
    links.sort(key=lambda link: (link.u, link.v))
    return points, links
