"""Dashboard charts (总览图表) as server-generated SVG: deterministic strings, no script, no CDN.

Three charts over the eight chains, in the plan's order:

- revenue 本地营收与2026年目标: a horizontal bar per chain (local revenue, 亿元) on one shared scale,
  a marker at the chain's 2026 target and a marker where the plan's 10 %-a-year path puts the chain in
  the data's base year (``queries.chain_map.DEFAULT_BASE_YEAR``);
- indices 完整度与韧性: two small bars per chain, 0–100 %;
- gaps 缺链/弱链/延链/强链: a stacked bar per chain of its products by gap status;
- trend 韧性变化: where the supply links carry two or more ``as_of`` dates, each chain's resilience
  as of each date (the graph as of a date keeps the links dated on or before it; enterprises and
  revenue are today's, so revenue has no trend).

The 10 % path. The 南昌 “8810” plan (2023—2026) says: “全市规模以上工业营业收入年均增长 10%左右”
(全市规模以上工业营业收入 grows about 10 % a year to 2026). The plan states it for the city's
industry as a whole; the dashboard applies it per chain: on that path a chain that meets its 2026
target ``T`` stands at ``T / 1.1 ** (2026 - year)`` in ``year``. A bar short of that marker is behind
the plan's pace; a bar past it is ahead.

Every text drawn comes from spreadsheets (chain names): it is XML-escaped here; ids are never shown.

>>> round(path_value(1100.0, 2025), 1)
1000.0
>>> svg = revenue_chart([ChainFigures("航空", 550.0, 1100.0, 0.5, 0.5, {})], base_year=2025).svg
>>> 'width="100%"' in svg and "航空" in svg
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from queries.chain_map import TARGET_YEAR
from queries.formatting import percent, yuan_yi

PLAN_GROWTH = 0.10
PLAN_SENTENCE = "全市规模以上工业营业收入年均增长 10%左右"
STATUS_ORDER = ("缺链", "弱链", "延链", "强链")

WIDTH = 480
LEFT = 84  # the chain-name column
RIGHT = 468
INK, MUTED, GRID = "#222", "#555", "#e3e7ed"
REVENUE_FILL, TARGET_INK, PATH_INK = "#4a78b0", "#1f3a5f", "#c77800"
COMPLETENESS_FILL, RESILIENCE_FILL = "#2f7ebc", "#7fb069"

TrendSeries = Sequence[tuple[str, Sequence[tuple[str, float | None]]]]


@dataclass(frozen=True)
class ChainFigures:
    """One chain's figures for the charts (names, never ids)."""

    name: str
    revenue_yi: float
    target_yi: float | None
    completeness: float | None
    resilience: float | None
    gaps: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    """A chart: Chinese title, one-line headline, the SVG (escaped markup) and a test id."""

    key: str
    title: str
    headline: str
    svg: Markup


def path_value(target_yi: float, year: int, growth: float = PLAN_GROWTH) -> float:
    """Where a chain on the plan's growth path to ``target_yi`` in 2026 stands in ``year`` (亿元).

    >>> round(path_value(1210.0, 2024), 4)
    1000.0
    """
    return target_yi / (1 + growth) ** (TARGET_YEAR - year)


def yi(value: float) -> str:
    """亿元 in the shared format, with its unit: ``1,234.5亿元``."""
    return f"{yuan_yi(value)}亿元"


def _text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "start", fill: str = INK,
          weight: str = "normal", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}{klass}>'
            f"{escape(content)}</text>")


def _rect(x: float, y: float, width: float, height: float, fill: str, *, cls: str = "", extra: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" fill="{fill}"{klass}{extra}/>'


def _svg(height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart-svg" font-family="sans-serif">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _legend(y: float, items: Sequence[tuple[str, str, str]]) -> list[str]:
    """A row of legend entries (shape kind, colour, label) from the left edge."""
    parts, x = [], 4.0
    for kind, colour, label in items:
        if kind == "bar":
            parts.append(_rect(x, y - 9, 14, 10, colour))
        elif kind == "line":
            parts.append(f'<line x1="{x + 7:.1f}" y1="{y - 11:.1f}" x2="{x + 7:.1f}" y2="{y + 2:.1f}" stroke="{colour}" stroke-width="3"/>')
        else:  # a diamond
            parts.append(f'<path d="M{x + 7:.1f} {y - 11:.1f} l6 6 l-6 6 l-6 -6 z" fill="#fff" stroke="{colour}" stroke-width="2"/>')
        parts.append(_text(x + 18, y, label, size=11, fill=MUTED))
        x += 18 + sum(6.5 if ch.isascii() else 11 for ch in label) + 14
    return parts


def _scale_max(values: Sequence[float]) -> float:
    """A round axis end at or above the largest value (1, 2, 2.5, 5 × a power of ten)."""
    top = max([v for v in values if v > 0], default=1.0)
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= top:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover


def revenue_chart(chains: Sequence[ChainFigures], *, base_year: int) -> Chart:
    """Local revenue per chain against its 2026 target and the 10 %-a-year path value for ``base_year``."""
    title = "本地营收与2026年目标"
    targets = [c.target_yi for c in chains if c.target_yi]
    total = sum(c.revenue_yi for c in chains)
    total_target = sum(targets)
    on_path = sum(1 for c in chains if c.target_yi and c.revenue_yi >= path_value(c.target_yi, base_year))
    headline = f"{len(chains)}条产业链本地营收合计{yi(total)}"
    if total_target:
        headline += f"，完成2026年目标（合计{yi(total_target)}）的{percent(total / total_target)}；"
        headline += (f"{on_path}条达到按年增10%路径的{base_year}年应达值" if on_path
                     else f"各链均低于按年增10%路径的{base_year}年应达值")
    top = _scale_max([c.revenue_yi for c in chains] + targets)
    span = RIGHT - LEFT

    def x_of(value: float) -> float:
        return LEFT + span * value / top

    row, head = 46, 30
    body = _legend(16, [("bar", REVENUE_FILL, f"{base_year}年本地营收"), ("line", TARGET_INK, "2026年目标"),
                        ("diamond", PATH_INK, f"按年增10%路径的{base_year}年应达值")])
    height = head + row * len(chains) + 26
    for tick in range(5):
        value = top * tick / 4
        x = x_of(value)
        body.append(f'<line x1="{x:.1f}" y1="{head:.1f}" x2="{x:.1f}" y2="{height - 22:.1f}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(x, height - 8, f"{value:g}", size=10, anchor="middle", fill=MUTED))
    body.append(_text(LEFT - 6, height - 8, "亿元", size=10, anchor="end", fill=MUTED))
    for index, chain in enumerate(chains):
        y = head + row * index
        body.append(_text(LEFT - 6, y + 17, chain.name, size=13, anchor="end", weight="bold", cls="chart-label"))
        body.append(_rect(LEFT, y + 6, x_of(chain.revenue_yi) - LEFT, 16, REVENUE_FILL, cls="chart-bar",
                          extra=f' data-value="{chain.revenue_yi:g}"'))
        detail = f"{yi(chain.revenue_yi)}"
        if chain.target_yi:
            expected = path_value(chain.target_yi, base_year)
            tx, px = x_of(chain.target_yi), x_of(expected)
            body.append(f'<line class="chart-target" x1="{tx:.1f}" y1="{y + 2:.1f}" x2="{tx:.1f}" y2="{y + 26:.1f}" '
                        f'stroke="{TARGET_INK}" stroke-width="3" data-value="{chain.target_yi:g}"/>')
            body.append(f'<path class="chart-path" d="M{px:.1f} {y + 7:.1f} l7 7 l-7 7 l-7 -7 z" fill="#fff" '
                        f'stroke="{PATH_INK}" stroke-width="2" data-value="{expected:.4f}"/>')
            detail += f" · 目标{yi(chain.target_yi)} · 完成{percent(chain.revenue_yi / chain.target_yi)} · 路径应达{yi(expected)}"
        body.append(_text(LEFT, y + 38, detail, size=12, fill=MUTED))
    return Chart("revenue", title, headline, _svg(height, title, body))


def indices_chart(chains: Sequence[ChainFigures]) -> Chart:
    """Completeness and resilience per chain as two small bars on a 0–100 % scale."""
    title = "完整度与韧性"
    known = [c for c in chains if c.completeness is not None]
    resilient = [c for c in chains if c.resilience is not None]
    headline = "尚无指数"
    if known:
        mean_c = sum(c.completeness or 0 for c in known) / len(known)
        low = min(known, key=lambda c: (c.completeness or 0, c.name))
        headline = f"平均完整度{percent(mean_c)}，最低为{low.name}（{percent(low.completeness)}）"
        if resilient:
            mean_r = sum(c.resilience or 0 for c in resilient) / len(resilient)
            headline += f"；平均韧性{percent(mean_r)}"
    span = RIGHT - 48 - LEFT
    row, head = 34, 30
    height = head + row * len(chains) + 26
    body = _legend(16, [("bar", COMPLETENESS_FILL, "完整度"), ("bar", RESILIENCE_FILL, "韧性")])
    for tick in range(5):
        x = LEFT + span * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{head:.1f}" x2="{x:.1f}" y2="{height - 22:.1f}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(x, height - 8, f"{tick * 25}%", size=10, anchor="middle", fill=MUTED))
    for index, chain in enumerate(chains):
        y = head + row * index
        body.append(_text(LEFT - 6, y + 18, chain.name, size=13, anchor="end", weight="bold", cls="chart-label"))
        for offset, value, fill, cls in ((4, chain.completeness, COMPLETENESS_FILL, "chart-completeness"),
                                         (17, chain.resilience, RESILIENCE_FILL, "chart-resilience")):
            width = span * (value or 0)
            body.append(_rect(LEFT, y + offset, width, 11, fill, cls=cls, extra=f' data-value="{value if value is not None else ""}"'))
            body.append(_text(LEFT + width + 4, y + offset + 10, percent(value), size=10, fill=MUTED))
    return Chart("indices", title, headline, _svg(height, title, body))


def gaps_chart(chains: Sequence[ChainFigures], colours: Mapping[str, str]) -> Chart:
    """Each chain's products by gap status, stacked in 缺链 / 弱链 / 延链 / 强链 order."""
    title = "产品缺链、弱链、延链、强链数"
    totals = {status: sum(c.gaps.get(status, 0) for c in chains) for status in STATUS_ORDER}
    worst = max(chains, key=lambda c: (c.gaps.get("缺链", 0), c.name), default=None)
    headline = "，".join(f"{status}{totals[status]}个" for status in STATUS_ORDER)
    if worst is not None and worst.gaps.get("缺链", 0):
        headline += f"；缺链最多：{worst.name}（{worst.gaps['缺链']}个）"
    top = max([sum(c.gaps.get(s, 0) for s in STATUS_ORDER) for c in chains], default=1) or 1
    span = RIGHT - 30 - LEFT
    row, head = 30, 30
    height = head + row * len(chains) + 26
    body = _legend(16, [("bar", colours.get(status, "#999"), status) for status in STATUS_ORDER])
    for index, chain in enumerate(chains):
        y = head + row * index
        body.append(_text(LEFT - 6, y + 17, chain.name, size=13, anchor="end", weight="bold", cls="chart-label"))
        x = float(LEFT)
        for status in STATUS_ORDER:
            count = chain.gaps.get(status, 0)
            if not count:
                continue
            width = span * count / top
            body.append(_rect(x, y + 4, width, 18, colours.get(status, "#999"), cls="chart-segment",
                              extra=f' data-status="{escape(status)}" data-value="{count}"'))
            if width >= 16:
                body.append(_text(x + width / 2, y + 17, str(count), size=10, anchor="middle", fill="#fff", weight="bold"))
            x += width
        body.append(_text(x + 4, y + 17, f"{sum(chain.gaps.get(s, 0) for s in STATUS_ORDER)}种", size=10, fill=MUTED))
    body.append(_text(LEFT, height - 8, "产品数（种）；颜色同产业链全景图", size=10, fill=MUTED))
    return Chart("gaps", title, headline, _svg(height, title, body))


def figures(rows: Sequence[Mapping[str, Any]]) -> list[ChainFigures]:
    """``ChainFigures`` from the rows of ``app.readmodel.workspace.overview``."""
    found = []
    for row in rows:
        index = row.get("index")
        found.append(ChainFigures(
            name=str(row["chain"].get("name") or ""),
            revenue_yi=float(index.local_revenue_yi) if index else 0.0,
            target_yi=(index.target_yi if index else None) or row["chain"].get("target_2026_yi"),
            completeness=index.completeness if index else None,
            resilience=index.resilience if index else None,
            gaps=dict(row.get("gaps") or {}),
        ))
    return found


def dashboard_charts(rows: Sequence[Mapping[str, Any]], *, base_year: int, colours: Mapping[str, str],
                     trend: TrendSeries = ()) -> list[Chart]:
    """The dashboard charts for the overview rows (and the resilience trend when it has two dates or
    more); none when there are no chains."""
    chains = figures(rows)
    if not chains:
        return []
    charts = [revenue_chart(chains, base_year=base_year), indices_chart(chains), gaps_chart(chains, colours)]
    over_time = trend_chart(trend)
    return charts + [over_time] if over_time else charts



def trend_chart(series: TrendSeries) -> Chart | None:
    """Each chain's resilience over the dates of its supply links, one small panel per chain (0–100 %).

    None when there are fewer than two dates.
    """
    dates = [date for date, _ in series[0][1]] if series else []
    if len(dates) < 2:
        return None
    title = "韧性变化（按供应关系日期）"

    def mean(at: int) -> float | None:
        values = [points[at][1] for _, points in series if points[at][1] is not None]
        return sum(v for v in values if v is not None) / len(values) if values else None

    headline = f"{dates[0]}至{dates[-1]}，{len(series)}条产业链平均韧性由{percent(mean(0))}变为{percent(mean(-1))}"
    columns, panel_w, panel_h, gap, head = 2, 228, 66, 12, 24
    rows = (len(series) + columns - 1) // columns
    height = head + rows * (panel_h + gap) + 14
    body = _legend(14, [("bar", RESILIENCE_FILL, "韧性（纵轴0—100%）")])
    for index, (name, points) in enumerate(series):
        x0 = 4 + (index % columns) * (panel_w + gap)
        y0 = head + (index // columns) * (panel_h + gap)
        plot_top, plot_bottom = y0 + 20, y0 + panel_h - 4
        body.append(_rect(x0, y0, panel_w, panel_h, "#f7f9fb", extra=f' stroke="{GRID}"'))
        body.append(_text(x0 + 6, y0 + 15, name, size=12, weight="bold", cls="chart-label"))
        last = points[-1][1] if points else None
        body.append(_text(x0 + panel_w - 6, y0 + 15, f"{percent(points[0][1])} → {percent(last)}", size=11, anchor="end", fill=MUTED))
        step = (panel_w - 16) / (len(points) - 1)
        coords = [(x0 + 8 + step * i, plot_bottom - (plot_bottom - plot_top) * value)
                  for i, (_, value) in enumerate(points) if value is not None]
        body.append(f'<line x1="{x0 + 8:.1f}" y1="{plot_bottom:.1f}" x2="{x0 + panel_w - 8:.1f}" y2="{plot_bottom:.1f}" stroke="{GRID}"/>')
        if coords:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            body.append(f'<polyline class="chart-trend" points="{line}" fill="none" stroke="{RESILIENCE_FILL}" stroke-width="2.5"/>')
            body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{RESILIENCE_FILL}"/>' for x, y in coords)
    body.append(_text(4, height - 4, f"横轴：{dates[0]} … {dates[-1]}（{len(dates)}个日期）", size=10, fill=MUTED))
    return Chart("trend", title, headline, _svg(height, title, body))
