"""The analysis commands of the ``chainatlas`` command line.

``register(cli)`` adds them to a Typer app::

    chainatlas chain-map  --chain chain:new-energy                  # products by stage, coverage, target
    chainatlas gaps       --chain chain:new-energy --format xlsx -o gaps.xlsx
    chainatlas candidates --chain chain:new-energy --product product:separator
    chainatlas recruit    --chain chain:new-energy --product product:separator --candidate ent:x
    chainatlas risks      [--chain chain:new-energy] [--target ENT] [--table 卡点]
    chainatlas simulate   [--chain …] --park park:xiaolan --country 韩国 [--partial]
    chainatlas indices    [--chain …]
    chainatlas diff       [--chain …] --before 2024-12-31 --after 2025-12-31
    chainatlas diff       [--chain …] --save-snapshot before.json     # then, after an import:
    chainatlas diff       [--chain …] --snapshot before.json

Every command takes ``--format table|json|csv|xlsx`` (xlsx needs ``--output``), ``--output FILE``
and ``--table NAME`` (which table of the result; ``all`` for every table — json and xlsx keep them
apart, one sheet each; table prints them one after another).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx
import typer

from app.cli.context import configured_store, fail
from app.output import render_rows, render_tables, result_tables

CHAIN_REQUIRED = typer.Option(..., "--chain", "-c", help="chain id, e.g. chain:new-energy")
CHAIN_OPTIONAL = typer.Option(None, "--chain", "-c", help="chain id, e.g. chain:new-energy (default: the whole graph)")
BASE_YEAR = typer.Option(2025, help="the year the revenue figures are for")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


OUTPUT_OPTIONS = (  # every analysis command takes these, after its own options
    inspect.Parameter("fmt", inspect.Parameter.KEYWORD_ONLY, annotation=Format, default=typer.Option(
        Format.table, "--format", "-f", help="table | json | csv | xlsx")),
    inspect.Parameter("output", inspect.Parameter.KEYWORD_ONLY, annotation=Path | None, default=typer.Option(
        None, "--output", "-o", help="write to this file (required for xlsx)")),
    inspect.Parameter("table", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=typer.Option(
        None, "--table", "-t", help="which table of the result (default: the main one; all: every table)")),
)

commands = typer.Typer()


def register(cli: typer.Typer) -> None:
    """Add chain-map, gaps, candidates, recruit, risks, simulate, indices and diff to ``cli``."""
    cli.add_typer(commands)


def analysis(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the command ``name``.

    The function takes the analysis' own options and returns its result (None when there is nothing
    to print); the command adds ``OUTPUT_OPTIONS`` and prints or writes the table(s) they choose.
    """

    def add(function: Callable[..., Any]) -> Callable[..., Any]:
        def command(**options: Any) -> None:
            fmt, output, table = options.pop("fmt"), options.pop("output"), options.pop("table")
            result = function(**options)
            if result is not None:
                _emit(result, fmt, output, table)

        own = inspect.signature(function, eval_str=True).parameters.values()
        command.__signature__ = inspect.Signature([*own, *OUTPUT_OPTIONS])  # type: ignore[attr-defined]  # Typer reads the options from it
        command.__doc__ = function.__doc__
        commands.command(name)(command)
        return function

    return add


def _project(chain: str | None, compute: Callable[[nx.MultiDiGraph], Any]) -> Any:
    """Open the configured store, project the chain (or the whole graph) and run ``compute`` on it."""
    with configured_store() as store:
        if chain is not None and store.get_node(chain) is None:
            raise fail(f"产业链 {chain} 不存在 / no such chain")
        graph = store.project(chain)
    try:
        return compute(graph)
    except (nx.NodeNotFound, ValueError) as exc:
        raise fail(str(exc)) from None


def _emit(result: Any, fmt: Format, output: Path | None, table: str | None) -> None:
    """Print or write one table (or all tables) of an analysis result."""
    tables = result_tables(result)
    if table not in (None, "all") and table not in tables:
        raise fail(f"--table 可选 / choose one of: {'、'.join(tables)}、all", 2)
    if fmt is Format.xlsx and output is None:
        raise fail("xlsx 需要 --output 文件 / xlsx needs --output FILE", 2)
    chosen = tables if table == "all" else {table or next(iter(tables)): tables[table or next(iter(tables))]}
    if len(chosen) == 1:
        ((name, rows),) = chosen.items()
        data = render_rows(rows, fmt.value, title=name)
    elif fmt is Format.json:
        data = json.dumps(chosen, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    elif fmt is Format.xlsx:
        data = render_tables(chosen)
    elif fmt is Format.table:
        data = "\n".join(f"== {name} ==\n" + render_rows(rows, "table").decode("utf-8") for name, rows in chosen.items()).encode("utf-8")
    else:
        raise fail("csv 一次只能输出一张表，请用 --table 选择 / csv holds one table: pick it with --table", 2)
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"已写入 / written: {output}", err=True)
    else:
        typer.echo(data.decode("utf-8-sig"), nl=False)


@analysis("chain-map")
def chain_map_command(chain: str = CHAIN_REQUIRED, base_year: int = BASE_YEAR) -> Any:
    """产业链图谱: every product by stage and segment with its coverage; 链主; revenue against the 2026 target."""
    from queries.chain_map import chain_map

    return _project(chain, lambda g: chain_map(g, chain, base_year=base_year))


@analysis("gaps")
def gaps_command(
    chain: str = CHAIN_REQUIRED,
    min_local_producers: int = typer.Option(2, help="弱链 below this many local producers"),
    min_local_sourcing: float = typer.Option(0.3, help="弱链 below this local sourcing share (0–1)"),
    min_strong_inputs: float = typer.Option(1.0, help="延链 when this share of the inputs are 强链 (0–1)"),
) -> Any:
    """补链/强链/延链: classify every product as 缺链/延链/弱链/强链, gaps ranked by what depends on them."""
    from queries.gaps import GapRule, gap_report

    try:
        rule = GapRule(min_local_producers, min_local_sourcing, min_strong_inputs)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    return _project(chain, lambda g: gap_report(g, chain, rule=rule))


@analysis("candidates")
def candidates_command(
    chain: str = CHAIN_REQUIRED,
    product: str = typer.Option(..., "--product", "-p", help="the gap product, e.g. product:separator"),
) -> Any:
    """招商候选: external makers of a product ranked by a score whose parts are shown."""
    from queries.candidates import recruitment_candidates

    return _project(chain, lambda g: recruitment_candidates(g, chain, product))


@analysis("recruit")
def recruit_command(
    chain: str = CHAIN_REQUIRED,
    product: str = typer.Option(..., "--product", "-p", help="the gap product"),
    candidate: str = typer.Option(..., "--candidate", help="the enterprise to recruit (its id)"),
) -> Any:
    """招商补链模拟: add the candidate as a local producer and show the chain's figures before and after."""
    from queries.candidates import recruit_to_derisk

    return _project(chain, lambda g: recruit_to_derisk(g, chain, product, candidate))


class BackendChoice(StrEnum):
    igraph = "igraph"
    networkx = "networkx"


@analysis("risks")
def risks_command(
    chain: str | None = CHAIN_OPTIONAL,
    target: list[str] = typer.Option([], "--target", help="enterprise whose chokepoints to find (default: every 链主)"),
    backend: BackendChoice = typer.Option(BackendChoice.igraph, help="igraph (fast) or networkx (reference)"),
) -> Any:
    """关键依赖: sole sources, chokepoints, cut points and concentration, merged with severity and evidence."""
    from queries.risks import critical_dependencies

    targets = target or None
    return _project(chain, lambda g: critical_dependencies(g, chain, targets=targets, backend=backend.value))


@analysis("simulate")
def simulate_command(
    chain: str | None = CHAIN_OPTIONAL,
    enterprise: list[str] = typer.Option([], "--enterprise", "-e", help="enterprise id to remove (repeatable)"),
    park: list[str] = typer.Option([], "--park", help="park id: its enterprises and those of parks inside it"),
    district: list[str] = typer.Option([], "--district", help="district name (enterprise district)"),
    province: list[str] = typer.Option([], "--province", help="province name, e.g. 广东省"),
    country: list[str] = typer.Option([], "--country", help="country name, e.g. 韩国"),
    partial: bool = typer.Option(False, "--partial", help="also report the share of supply lost"),
) -> Any:
    """断供冲击: remove enterprises / a park / district / province / country and propagate the loss."""
    from queries.disruption import DisruptionScope, simulate_disruption

    scope = DisruptionScope(tuple(enterprise), tuple(park), tuple(district), tuple(province), tuple(country))
    if scope == DisruptionScope():
        raise fail("请指定 --enterprise/--park/--district/--province/--country 之一 / nothing to remove", 2)
    return _project(chain, lambda g: simulate_disruption(g, scope, chain, partial=partial))


@analysis("indices")
def indices_command(chain: str | None = CHAIN_OPTIONAL, base_year: int = BASE_YEAR) -> Any:
    """指数: completeness, resilience, concentration and revenue per chain, cluster and park."""
    from queries.indices import indices

    return _project(chain, lambda g: indices(g, chain, base_year=base_year))


@analysis("diff")
def diff_command(
    chain: str | None = CHAIN_OPTIONAL,
    before: str | None = typer.Option(None, help="ISO date: the graph as of this date …"),
    after: str | None = typer.Option(None, help="… compared with the graph as of this date"),
    snapshot: Path | None = typer.Option(None, help="compare a snapshot saved earlier with the store now"),
    save_snapshot: Path | None = typer.Option(None, help="save the projected graph (JSON) to compare later"),
) -> Any:
    """变化: supply links gained and lost, gaps filled and opened — between two dates or two imports."""
    from queries.changes import diff_as_of, diff_graphs

    if save_snapshot is not None:
        graph = _project(chain, lambda g: g)
        save_snapshot.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False), "utf-8")
        typer.echo(f"已保存快照 / snapshot saved: {save_snapshot}", err=True)
        return None
    if snapshot is not None:
        try:
            old = nx.node_link_graph(json.loads(snapshot.read_text("utf-8")), edges="edges")
        except (OSError, ValueError, KeyError) as exc:
            raise fail(f"无法读取快照 / cannot read snapshot {snapshot}: {exc}", 2) from None
        return _project(chain, lambda g: diff_graphs(old, g, chain))
    if before is None or after is None:
        raise fail("请给出 --before 与 --after 日期，或 --snapshot / give --before and --after, or --snapshot", 2)
    return _project(chain, lambda g: diff_as_of(g, before, after, chain))
