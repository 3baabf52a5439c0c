"""Analyses over the NetworkX graphs that ``store.project()`` returns.

Every analysis is a pure function of a projected graph (a ``networkx.MultiDiGraph``) and, for most,
a chain id; it returns a frozen dataclass whose ``rows()`` is the main table (a list of dicts with
Chinese column names, ready for ``app.output.render_rows``) and whose ``tables()`` holds every
table of the result, the main one first. See ``docs/analyses.md``.

Modules: ``view`` (``ChainView``, the shared index every analysis reads), ``chains`` (which nodes
belong to a chain), ``meanings`` (local / in-province, supply links and weights), ``formatting``
(percentages and name lists in rows), ``collector`` (the garbage-collector pause); the analyses
``chain_map``, ``gaps``, ``candidates``, ``risks``, ``disruption``, ``indices``, ``changes``; and
``fast`` (igraph-backed dominators and cut points, NetworkX kept as the reference).
"""
