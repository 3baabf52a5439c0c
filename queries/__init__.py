"""Analyses over the NetworkX graphs that ``store.project()`` returns.

Every analysis is a pure function of a projected graph (a ``networkx.MultiDiGraph``) and, for most,
a chain id; it returns a frozen dataclass whose ``records()`` is the main table as typed records
(frozen dataclasses with English field names) and whose ``record_tables()`` holds every table of the
result, the main one first. ``rows()`` and ``tables()`` are the same labelled for the edges (dicts
with Chinese column names, ready for ``app.output.render_rows``) from the one label table in
``labels``. See ``docs/analyses.md``.

Modules: ``view`` (``ChainView``, the shared index every analysis reads), ``chains`` (which nodes
belong to a chain), ``memberships`` (which chains and clusters a view's firms belong to), ``meanings`` (local / in-province, supply links and weights), ``formatting``
(percentages and name lists in rows), ``collector`` (the garbage-collector pause); the analyses
``chain_map``, ``gaps``, ``candidates``, ``risks``, ``disruption``, ``indices``, ``changes``; ``labels`` (the one table of Chinese column labels), ``places`` (what lies in a
park); and
``fast`` (igraph-backed dominators and cut points, NetworkX kept as the reference).
"""
