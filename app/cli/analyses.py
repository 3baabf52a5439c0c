"""The analysis commands of the ``chainatlas`` command line.

``register(cli)`` adds them to a Typer app::

    chainatlas chain-map  --chain 新能源                    # products by stage, coverage, target
    chainatlas gaps       --chain 新能源 --format xlsx -o gaps.xlsx
    chainatlas candidates --chain 新能源 --product 隔膜
    chainatlas recruit    --chain 新能源 --product 隔膜 --candidate 某某隔膜
    chainatlas risks      [--chain 新能源] [--target 企业] [--table 卡点] [--scope local|all]
    chainatlas simulate   [--chain …] --park 小蓝经开区 --country 韩国 [--partial]
    chainatlas indices    [--chain …]
    chainatlas facilities [--chain …] [--as-of 2022-12-31]      # suppliers and facilities by country, province
    chainatlas diff       [--chain …] --before 2024-12-31 --after 2025-12-31   # also suppliers, facilities, countries
    chainatlas diff       [--chain …] --save-snapshot before.json     # then, after an import:
    chainatlas diff       [--chain …] --snapshot before.json

An option that names a node (``--chain``, ``--product``, ``--candidate``, ``--target``,
``--enterprise``, ``--park``, ``--district``) takes its Chinese name, an alias, part of a name, a
credit code or its id; a miss or an ambiguity exits 2 listing the close matches (``app.cli.session``).

Every command but ``diff`` takes ``--as-of YYYY-MM-DD``: the analysis sees the graph as of that date
(links and lists observed in yearly lists by the list that holds then, ``queries.observations``;
default the latest). Every command takes ``--format table|json|csv|xlsx`` (xlsx needs ``--output``), ``--output FILE``
and ``--table NAME`` (which table of the result; ``all`` for every table — json and xlsx keep them
apart, one sheet each; table prints them one after another). The table is for people: names, not
ids, figures as 15.6% / 1,783.8 / 3,000, at most 120 columns wide (``app.terminal_table``); csv,
json and xlsx keep every column, ids included. An empty store: exit 3 (``app.cli.context``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

import networkx as nx
import typer

from app.cli.context import configured_store, fail
from app.cli.session import Session
from app.output import OutputFormat, render_rows, render_tables, result_tables
from app.terminal_table import Names, terminal_table

CHAIN_REQUIRED = typer.Option(..., "--chain", "-c", help="产业链：名称、部分名称或 id，如 新能源")
CHAIN_OPTIONAL = typer.Option(None, "--chain", "-c", help="产业链：名称、部分名称或 id，如 新能源（默认：整个图谱）")
BASE_YEAR = typer.Option(2025, help="the year the revenue figures are for")


class ScopeChoice(StrEnum):
    local = "local"
    all = "all"


SCOPE = typer.Option(None, "--scope", help="分析范围：local 南昌本地企业（默认）| all 网络中全部企业；网络中没有本地企业时默认 all")


def scoped(graph: Any, chain_id: str | None, scope: ScopeChoice | None) -> Any:
    """The chain's view with the firms in focus; says on stderr when ``all`` was chosen for the user."""
    from queries.view import chain_view

    view = chain_view(graph, chain_id, scope=scope.value if scope else None)
    if view.scope_note:
        typer.echo(f"注意：{view.scope_note}", err=True)
    return view


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


AS_OF_OPTION = inspect.Parameter(
    "as_of", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=typer.Option(
        None, "--as-of", help="ISO date YYYY-MM-DD: analyse the lists and links that hold on that date (default: latest)"))


def analysis(name: str, *, dated: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the command ``name``.

    The function takes a ``Session`` over the store (which must hold data), then the analysis' own
    options, and returns its result (None when there is nothing to print); the command adds
    ``--as-of`` (when ``dated``: ``Session.run`` hands the analysis a view as of that date) and
    ``OUTPUT_OPTIONS`` and prints or writes the table(s) they choose.
    """

    def add(function: Callable[..., Any]) -> Callable[..., Any]:
        def command(**options: Any) -> None:
            fmt, output, table = options.pop("fmt"), options.pop("output"), options.pop("table")
            as_of = _iso_date(options.pop("as_of", None))
            with configured_store(needs_data=True) as store:
                session = Session(store, as_of=as_of)
                result = function(session, **options)
                if result is not None:
                    _emit(result, fmt, output, table, session.names)

        own = list(inspect.signature(function, eval_str=True).parameters.values())[1:]  # the session is not an option
        extra = [AS_OF_OPTION] if dated else []
        command.__signature__ = inspect.Signature([*own, *extra, *OUTPUT_OPTIONS])  # type: ignore[attr-defined]  # Typer reads the options from it
        command.__doc__ = function.__doc__
        commands.command(name)(command)
        return function

    return add


def _iso_date(text: str | None) -> str | None:
    """``--as-of`` checked: an ISO date, or exit 2."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise fail(f"--as-of 不是日期 / not an ISO date (YYYY-MM-DD): {text}", 2) from None


def _emit(result: Any, fmt: Format, output: Path | None, table: str | None, names: Names) -> None:
    """Print or write one table (or all tables) of an analysis result."""
    tables = result_tables(result)
    if table not in (None, "all") and table not in tables:
        raise fail(f"--table 可选 / choose one of: {'、'.join(tables)}、all", 2)
    if fmt is Format.xlsx and output is None:
        raise fail("xlsx 需要 --output 文件 / xlsx needs --output FILE", 2)
    chosen = tables if table == "all" else {table or next(iter(tables)): tables[table or next(iter(tables))]}
    if fmt is Format.table:
        data = "\n".join((f"== {name} ==\n" if len(chosen) > 1 else "") + terminal_table(rows, names=names)
                         for name, rows in chosen.items()).encode("utf-8")
    elif len(chosen) == 1:
        ((name, rows),) = chosen.items()
        data = render_rows(rows, cast("OutputFormat", fmt.value), title=name)
    elif fmt is Format.json:
        data = json.dumps(chosen, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    elif fmt is Format.xlsx:
        data = render_tables(chosen)
    else:
        raise fail("csv 一次只能输出一张表，请用 --table 选择 / csv holds one table: pick it with --table", 2)
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"已写入 / written: {output}", err=True)
    else:
        typer.echo(data.decode("utf-8-sig"), nl=False)


@analysis("chain-map")
def chain_map_command(session: Session, chain: str = CHAIN_REQUIRED, base_year: int = BASE_YEAR,
                      scope: ScopeChoice | None = SCOPE) -> Any:
    """产业链图谱: every product by stage and segment with its coverage; 链主; revenue against the 2026 target."""
    from queries.chain_map import chain_map

    chain_id = session.node_id("Chain", chain, "--chain")
    return session.run(chain_id, lambda g: chain_map(scoped(g, chain_id, scope), chain_id, base_year=base_year))


@analysis("gaps")
def gaps_command(
    session: Session,
    chain: str = CHAIN_REQUIRED,
    min_local_producers: int = typer.Option(2, help="弱链 below this many local producers"),
    min_local_sourcing: float = typer.Option(0.3, help="弱链 below this local sourcing share (0–1)"),
    min_strong_inputs: float = typer.Option(1.0, help="延链 when this share of the inputs are 强链 (0–1)"),
    scope: ScopeChoice | None = SCOPE,
) -> Any:
    """补链/强链/延链: classify every product as 缺链/延链/弱链/强链, gaps ranked by what depends on them."""
    from queries.gaps import GapRule, gap_report

    try:
        rule = GapRule(min_local_producers, min_local_sourcing, min_strong_inputs)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    chain_id = session.node_id("Chain", chain, "--chain")
    return session.run(chain_id, lambda g: gap_report(scoped(g, chain_id, scope), chain_id, rule=rule))


@analysis("candidates")
def candidates_command(
    session: Session,
    chain: str = CHAIN_REQUIRED,
    product: str = typer.Option(..., "--product", "-p", help="缺口产品：名称、部分名称或 id，如 隔膜"),
) -> Any:
    """招商候选: external makers of a product ranked by a score whose parts are shown."""
    from queries.candidates import recruitment_candidates

    chain_id = session.node_id("Chain", chain, "--chain")
    product_id = session.node_id("Product", product, "--product")
    return session.run(chain_id, lambda g: recruitment_candidates(g, chain_id, product_id))


@analysis("recruit")
def recruit_command(
    session: Session,
    chain: str = CHAIN_REQUIRED,
    product: str = typer.Option(..., "--product", "-p", help="缺口产品：名称、部分名称或 id"),
    candidate: str = typer.Option(..., "--candidate", help="拟引进企业：名称、简称、部分名称或统一社会信用代码"),
) -> Any:
    """招商补链模拟: add the candidate as a local producer and show the chain's figures before and after."""
    from queries.candidates import recruit_to_derisk

    chain_id = session.node_id("Chain", chain, "--chain")
    product_id = session.node_id("Product", product, "--product")
    candidate_id = session.node_id("Enterprise", candidate, "--candidate")
    return session.run(chain_id, lambda g: recruit_to_derisk(g, chain_id, product_id, candidate_id))


class BackendChoice(StrEnum):
    igraph = "igraph"
    networkx = "networkx"


@analysis("risks")
def risks_command(
    session: Session,
    chain: str | None = CHAIN_OPTIONAL,
    target: list[str] = typer.Option([], "--target", help="要查卡点的企业：名称或统一社会信用代码，可重复（默认：每家链主）"),
    backend: BackendChoice = typer.Option(BackendChoice.igraph, help="igraph (fast) or networkx (reference)"),
    scope: ScopeChoice | None = SCOPE,
) -> Any:
    """关键依赖: sole sources, chokepoints, cut points and concentration, merged with severity and evidence."""
    from queries.risks import critical_dependencies

    chain_id = session.chain(chain)
    targets = [session.node_id("Enterprise", text, "--target") for text in target] or None
    return session.run(chain_id, lambda g: _with_target_note(critical_dependencies(
        scoped(g, chain_id, scope), chain_id, targets=targets, backend=backend.value)))


def _with_target_note(report: Any) -> Any:
    if report.choke.target_note:
        typer.echo(f"注意：{report.choke.target_note}", err=True)
    return report


@analysis("simulate")
def simulate_command(
    session: Session,
    chain: str | None = CHAIN_OPTIONAL,
    enterprise: list[str] = typer.Option([], "--enterprise", "-e", help="停摆的企业：名称或统一社会信用代码，可重复"),
    park: list[str] = typer.Option([], "--park", help="园区：名称或部分名称，如 小蓝经开区（含其中的园区）"),
    district: list[str] = typer.Option([], "--district", help="区县或开发区：名称，如 南昌县"),
    province: list[str] = typer.Option([], "--province", help="省份，如 广东省"),
    country: list[str] = typer.Option([], "--country", help="国家或地区，如 韩国"),
    partial: bool = typer.Option(False, "--partial", help="also report the share of supply lost"),
    focus: ScopeChoice | None = SCOPE,
) -> Any:
    """断供冲击: remove enterprises / a park / district / province / country and propagate the loss."""
    from queries.disruption import DisruptionScope, simulate_disruption

    if not (enterprise or park or district or province or country):
        raise fail("请指定 --enterprise/--park/--district/--province/--country 之一 / nothing to remove", 2)
    chain_id = session.chain(chain)
    scope = DisruptionScope(
        tuple(session.node_id("Enterprise", text, "--enterprise") for text in enterprise),
        tuple(session.node_id("Park", text, "--park") for text in park),
        tuple(session.district(text) for text in district), tuple(province), tuple(country),
    )
    return session.run(chain_id, lambda g: simulate_disruption(scoped(g, chain_id, focus), scope, chain_id, partial=partial))


@analysis("indices")
def indices_command(session: Session, chain: str | None = CHAIN_OPTIONAL, base_year: int = BASE_YEAR,
                    scope: ScopeChoice | None = SCOPE) -> Any:
    """指数: completeness, resilience, concentration and revenue per chain, cluster and park."""
    from queries.indices import indices

    chain_id = session.chain(chain)
    return session.run(chain_id, lambda g: indices(scoped(g, chain_id, scope), chain_id, base_year=base_year))


@analysis("facilities")
def facilities_command(session: Session, chain: str | None = CHAIN_OPTIONAL) -> Any:
    """产地分布: suppliers and their facilities by country and by province (--as-of: the lists of that date)."""
    from queries.sites import site_concentration

    chain_id = session.chain(chain)
    return session.run(chain_id, lambda g: site_concentration(g, chain_id))


@analysis("diff", dated=False)
def diff_command(
    session: Session,
    chain: str | None = CHAIN_OPTIONAL,
    before: str | None = typer.Option(None, help="ISO date: the graph as of this date …"),
    after: str | None = typer.Option(None, help="… compared with the graph as of this date"),
    snapshot: Path | None = typer.Option(None, help="compare a snapshot saved earlier with the store now"),
    save_snapshot: Path | None = typer.Option(None, help="save the projected graph (JSON) to compare later"),
) -> Any:
    """变化: supply links gained and lost, gaps filled and opened — between two dates or two imports."""
    from queries.changes import diff_as_of, diff_graphs

    chain_id = session.chain(chain)
    if save_snapshot is not None:
        graph = session.project_networkx(chain_id)
        save_snapshot.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False), "utf-8")
        typer.echo(f"已保存快照 / snapshot saved: {save_snapshot}", err=True)
        return None
    if snapshot is not None:
        try:
            old = nx.node_link_graph(json.loads(snapshot.read_text("utf-8")), edges="edges")
        except (OSError, ValueError, KeyError) as exc:
            raise fail(f"无法读取快照 / cannot read snapshot {snapshot}: {exc}", 2) from None
        session.names.add(old)
        return session.run(chain_id, lambda g: diff_graphs(old, g, chain_id))
    if before is None or after is None:
        raise fail("请给出 --before 与 --after 日期，或 --snapshot / give --before and --after, or --snapshot", 2)
    return session.run(chain_id, lambda g: diff_as_of(g, before, after, chain_id))
