"""Time until a ~2,000-node graph view is interactive in Chromium, physics off (the app's way) vs on.

Usage::

    .venv/bin/python bench/graph_tti.py                       # 100k store, ~2,000 nodes, 5 runs, physics-on capped at 60 s
    .venv/bin/python bench/graph_tti.py --nodes 1500 --runs 3 --physics-wait 30

The view is the **real chain page** served by the app (``bench/bench_web.py``'s store and server:
100k enterprises, a separate uvicorn process on 127.0.0.1): ``/chains/chain:new-energy?expand=…``
with enough products expanded (each shows up to 150 producers) to reach ``--nodes``. It is drawn
by the app's own ``/static/graph.js`` and the vis-network copy shipped in pyvis; above 300 nodes the
server lays the graph out and turns physics off, and graph.js sets ``#network[data-ready="1"]``
after the first drawing.

Measured in the page (``performance.now()``, i.e. from navigation start), median of ``--runs``
(after one discarded warm-up run, each run in a fresh browser context):

- ``ttfb`` / ``html``: the server's answer starts / ends (server-side work of the page);
- ``first draw``: the first 2D-canvas drawing call (vis-network's first frame);
- ``ready``: ``#network[data-ready="1"]`` — the view is drawn and answers input;
- long tasks (> 50 ms) on the main thread after ``ready``, in the following second.

For comparison the same nodes and edges with **physics on** (pyvis's default options: no
positions, ``physics.enabled``, stabilisation of up to 1000 iterations) — the same page with the
graph data swapped, fulfilled by Playwright at the same URL so the same scripts load — waiting
at most ``--physics-wait`` seconds for stabilisation; reported as "> N s" when it does not finish.
Debian's Chromium (/usr/bin/chromium) is used; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench_web import CHAIN, default_store_path, ensure_store, git_state, peak_rss_mb, running_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-default-browser-check",
]
TTI_AIM_S = 2.0
MAX_EXPAND = 20  # the chain page accepts at most 20 expanded products
GRAPH_DATA = re.compile(r'(<script type="application/json" id="graph-data">)(.*?)(</script>)', re.S)

# Runs before any page script: marks the first canvas drawing call, the moment data-ready is set,
# long tasks, and (physics on) the stabilisation progress of the network graph.js creates.
INIT_SCRIPT = r"""
(() => {
  const marks = window.__bench = { longtasks: [], progress: null };
  const stamp = (key) => { if (!(key in marks)) { marks[key] = performance.now(); } };
  const proto = CanvasRenderingContext2D.prototype;
  const patched = {};
  for (const name of ["fill", "stroke", "fillText", "drawImage", "fillRect"]) {
    patched[name] = proto[name];
    proto[name] = function () {
      stamp("firstDraw");
      for (const key in patched) { proto[key] = patched[key]; }
      return patched[name].apply(this, arguments);
    };
  }
  new MutationObserver(() => {
    const node = document.getElementById("network");
    if (node && node.dataset.ready === "1") { stamp("ready"); }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-ready"] });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) { marks.longtasks.push([entry.startTime, entry.duration]); }
    }).observe({ type: "longtask", buffered: true });
  } catch (error) { marks.longtaskError = String(error); }
  let network = null;
  Object.defineProperty(window, "chainAtlasNetwork", {
    configurable: true,
    get() { return network; },
    set(value) {
      network = value;
      stamp("networkCreated");
      value.on("stabilizationProgress", (p) => { marks.progress = [p.iterations, p.total, performance.now()]; });
      value.on("stabilizationIterationsDone", () => stamp("stabilized"));
    },
  });
})();
"""


def graph_data(page_html: str) -> dict[str, Any]:
    match = GRAPH_DATA.search(page_html)
    if not match:
        raise RuntimeError("no #graph-data in the page")
    return json.loads(match.group(2))


def physics_on(page_html: str) -> tuple[str, dict[str, Any]]:
    """The same page with the same nodes and edges but pyvis's defaults: no positions, physics on."""
    import networkx as nx

    from app.web.graph_view import graph_payload, inert_json

    data = graph_data(page_html)
    tiny = nx.MultiDiGraph()
    tiny.add_node("a", label="Product", name="a")
    defaults = graph_payload(tiny)  # pyvis's options with physics on, exactly as a small view gets them
    swapped = copy.deepcopy(data)
    for node in swapped["nodes"]:
        node.pop("x", None)
        node.pop("y", None)
    swapped["options"] = defaults["options"]
    swapped["physics"] = True
    if not swapped["options"]["physics"]["enabled"]:
        raise RuntimeError("pyvis default options without physics?")
    text = GRAPH_DATA.sub(lambda m: m.group(1) + inert_json(swapped) + m.group(3), page_html, count=1)
    return text, swapped


def straight_edges(page_html: str) -> str:
    """The same page, physics still off, with ``edges.smooth`` disabled (an experiment: pyvis's default
    ``smooth: dynamic`` gives vis-network one hidden support node per edge)."""
    from app.web.graph_view import inert_json

    data = graph_data(page_html)
    data["options"]["edges"]["smooth"] = False
    return GRAPH_DATA.sub(lambda m: m.group(1) + inert_json(data) + m.group(3), page_html, count=1)


def choose_view(client: httpx.Client, chain: str, target: int) -> tuple[str, str, dict[str, Any], float]:
    """The chain page URL whose graph has at least ``target`` nodes (fewest products expanded), its
    HTML, its graph data and how long the server took for it."""
    rows = client.get("/api/products", params={"chain": chain, "size": 500}).raise_for_status().json()["items"]
    ranked = [row["id"] for row in sorted(rows, key=lambda row: (-row["producers"], row["id"])) if row["producers"]]
    base = graph_data(client.get(f"/chains/{chain}").raise_for_status().text)
    count = max(1, min(MAX_EXPAND, -(-(target - len(base["nodes"])) // 150)))
    while True:
        expand = ranked[:count]
        url = f"/chains/{chain}?" + "&".join(f"expand={quote(p)}" for p in expand)
        started = time.perf_counter()
        response = client.get(url).raise_for_status()
        seconds = time.perf_counter() - started
        data = graph_data(response.text)
        print(f"  {len(expand)} products expanded: {len(data['nodes']):,} nodes, {len(data['edges']):,} edges "
              f"({seconds:.2f} s server)", flush=True)
        if len(data["nodes"]) >= target or count >= min(MAX_EXPAND, len(ranked)):
            return url, response.text, data, seconds
        count += max(1, -(-(target - len(data["nodes"])) // 150))
        count = min(count, MAX_EXPAND, len(ranked))


def measure(browser: Any, url: str, token: str, *, wait_s: float, fulfil: str | None = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One load of ``url`` in a fresh context; the page's own timings (ms from navigation start)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                  extra_http_headers={"Authorization": f"Bearer {token}"})
    try:
        context.add_init_script(INIT_SCRIPT)
        outside: list[str] = []
        context.on("request", lambda request: outside.append(request.url)
                   if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")) else None)
        if fulfil is not None:
            context.route(lambda address: address.split("#")[0] == url, lambda route: route.fulfill(status=200, body=fulfil, headers=headers or {}))
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(url, wait_until="commit", timeout=60_000)
        result: dict[str, Any] = {"finished": True}
        try:
            page.wait_for_function("() => window.__bench && window.__bench.ready !== undefined",
                                   timeout=wait_s * 1000, polling=100)
        except Exception:  # noqa: BLE001 — Playwright's TimeoutError: not ready within the cap
            result["finished"] = False
        if result["finished"]:
            page.wait_for_timeout(1000)  # let trailing long tasks show up
        marks = page.evaluate("() => window.__bench")
        nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; "
                            "return n ? {ttfb: n.responseStart, html: n.responseEnd, dcl: n.domContentLoadedEventEnd} : {}; }")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        result.update(nav)
        result.update({key: marks.get(key) for key in ("firstDraw", "networkCreated", "ready", "stabilized")})
        result["progress"] = marks.get("progress")
        ready = marks.get("ready")
        result["longtask_after_ready"] = sum(d for s, d in marks.get("longtasks", []) if ready is not None and s >= ready)
        result["longtask_before_ready"] = sum(d for s, d in marks.get("longtasks", []) if ready is None or s < ready)
        result["js_heap_mb"] = metrics.get("JSHeapUsedSize", 0) / 2**20
        result["outside"] = outside
        return result
    finally:
        context.close()


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--store", type=Path, help="embedded store (built there when missing)")
    parser.add_argument("--chain", default=CHAIN)
    parser.add_argument("--nodes", type=int, default=2000, help="at least this many nodes in the view")
    parser.add_argument("--runs", type=int, default=5, help="measured runs, physics off (median)")
    parser.add_argument("--physics-runs", type=int, default=1, help="runs with physics on")
    parser.add_argument("--physics-wait", type=float, default=60.0, help="cap on waiting for stabilisation, seconds")
    parser.add_argument("--no-straight", action="store_true", help="skip the straight-edges experiment")
    parser.add_argument("--wait", type=float, default=60.0, help="cap on waiting for a physics-off view, seconds")
    args = parser.parse_args()
    if not (1 <= args.runs <= 20 and 0 <= args.physics_runs <= 5 and 0 < args.physics_wait <= 300 and 0 < args.wait <= 300):
        parser.error("keep it bounded: runs 1–20, physics-runs 0–5, waits ≤ 300 s")
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt package chromium)")

    from playwright.sync_api import sync_playwright

    code_at_start = git_state()
    store_path = args.store or default_store_path(args.scale, args.seed)
    print(f"store: {ensure_store(store_path, args.scale, args.seed)}", flush=True)
    off: list[dict[str, Any]] = []
    on: list[dict[str, Any]] = []
    straight: list[dict[str, Any]] = []
    with running_server(store_path) as server:
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=180) as client:
            started = time.perf_counter()
            client.get(f"/chains/{args.chain}").raise_for_status()  # projections and analyses: cold, not measured
            print(f"  warm-up of the chain page: {time.perf_counter() - started:.1f} s", flush=True)
            path, page_html, data, server_s = choose_view(client, args.chain, args.nodes)
            response = client.get(path)
            headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        url = server.url + path
        physics_html, _ = physics_on(page_html)
        kinds: dict[str, int] = {}
        for node in data["nodes"]:
            kinds[node.get("kind", "")] = kinds.get(node.get("kind", ""), 0) + 1
        print(f"view: {len(data['nodes']):,} nodes ({', '.join(f'{k} {n:,}' for k, n in sorted(kinds.items()))}), "
              f"{len(data['edges']):,} edges, physics {'on' if data['physics'] else 'off'} in the real page; "
              f"HTML {len(page_html.encode()):,} bytes", flush=True)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                version = browser.version
                measure(browser, url, server.token, wait_s=args.wait)  # warm-up, discarded
                for run in range(args.runs):
                    result = measure(browser, url, server.token, wait_s=args.wait)
                    off.append(result)
                    print(f"  physics off, run {run + 1}: ttfb {fmt_ms(result['ttfb'])} ms, first draw "
                          f"{fmt_ms(result['firstDraw'])} ms, ready {fmt_ms(result['ready'])} ms", flush=True)
                if not args.no_straight:
                    straight_html = straight_edges(page_html)
                    for run in range(args.runs):
                        result = measure(browser, url, server.token, wait_s=args.wait, fulfil=straight_html, headers=headers)
                        straight.append(result)
                        print(f"  client only (straight edges), run {run + 1}: first draw {fmt_ms(result['firstDraw'])} ms, ready "
                              f"{fmt_ms(result['ready'])} ms (HTML from memory, no server time)", flush=True)
                for run in range(args.physics_runs):
                    result = measure(browser, url, server.token, wait_s=args.physics_wait, fulfil=physics_html, headers=headers)
                    on.append(result)
                    progress = result["progress"]
                    print(f"  physics on, run {run + 1}: ready {fmt_ms(result['ready'])} ms"
                          + ("" if result["finished"] else f" — not stabilised within {args.physics_wait:g} s")
                          + (f"; stabilisation {progress[0]}/{progress[1]} iterations at {progress[2] / 1000:.1f} s" if progress else ""),
                          flush=True)
            finally:
                browser.close()
    leaks = sorted({u for r in off + on + straight for u in r["outside"]})

    def med(rows: list[dict[str, Any]], key: str) -> float | None:
        values = [row[key] for row in rows if row.get(key) is not None]
        return statistics.median(values) if values else None

    print()
    print(f"### Time to interactive, {len(data['nodes']):,}-node view (`{path[:80]}{'…' if len(path) > 80 else ''}`), Chromium {version}")
    print()
    print("| variant | runs | TTFB ms | HTML done ms | first canvas draw ms | ready (interactive) ms | ready − HTML ms | "
          "long tasks after ready ms | JS heap MB | aim < 2 s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    ready_off = med(off, "ready")
    client_off = statistics.median([r["ready"] - r["html"] for r in off if r.get("ready") is not None]) if off else None
    print(f"| physics off (the app: server layout) | {len(off)} | {fmt_ms(med(off, 'ttfb'))} | {fmt_ms(med(off, 'html'))} | "
          f"{fmt_ms(med(off, 'firstDraw'))} | {fmt_ms(ready_off)} | {fmt_ms(client_off)} | "
          f"{fmt_ms(med(off, 'longtask_after_ready'))} | {med(off, 'js_heap_mb') or 0:,.0f} | "
          f"{'yes' if ready_off is not None and ready_off < TTI_AIM_S * 1000 else '**no**'} |")
    if straight:
        ready_s = med(straight, "ready")
        client_s = statistics.median([r["ready"] - r["html"] for r in straight if r.get("ready") is not None])
        print(f"| client only: the same page served from memory, physics off, `edges.smooth: false` | {len(straight)} | "
              f"{fmt_ms(med(straight, 'ttfb'))} | {fmt_ms(med(straight, 'html'))} | {fmt_ms(med(straight, 'firstDraw'))} | "
              f"{fmt_ms(ready_s)} | {fmt_ms(client_s)} | {fmt_ms(med(straight, 'longtask_after_ready'))} | "
              f"{med(straight, 'js_heap_mb') or 0:,.0f} | (client only) |")
    for result in on:
        if result["finished"]:
            ready = fmt_ms(result["ready"])
        else:
            progress = result["progress"]
            ready = f"> {args.physics_wait * 1000:,.0f}" + (f" ({progress[0]}/{progress[1]} iterations)" if progress else "")
        client = fmt_ms(result["ready"] - result["html"]) if result["finished"] else "—"
        print(f"| physics on (pyvis default) | 1 | {fmt_ms(result['ttfb'])} | {fmt_ms(result['html'])} | "
              f"{fmt_ms(result['firstDraw'])} | {ready} | {client} | {fmt_ms(result['longtask_after_ready']) if result['finished'] else '—'} | "
              f"{result['js_heap_mb']:,.0f} | {'yes' if result['finished'] and result['ready'] < TTI_AIM_S * 1000 else 'no'} |")
    print()
    print(f"- physics off, each run's ready ms: {', '.join(fmt_ms(r['ready']) for r in off)}; server time for the "
          f"page when chosen: {server_s:.2f} s")
    print(f"- requests that left 127.0.0.1: {len(leaks)}" + (f" ({', '.join(leaks[:5])})" if leaks else ""))
    print(f"- peak resident memory: server {server.peak_rss_mb:,.0f} MB, this process {peak_rss_mb():,.0f} MB; "
          f"server garbage collections: {server.gc_summary()}")
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}; code: {code_at_start}"
          + ("" if git_state() == code_at_start else f" (changed during the run, now {git_state()})"))


if __name__ == "__main__":
    main()
