"""Time until the enterprise network view (/chains/{id}/network) is still and interactive in Chromium,
for views of about 500 and 2,000 nodes.

Usage::

    .venv/bin/python bench/graph_tti.py                       # 100k store, 500 and 2,000 nodes, 5 runs each
    .venv/bin/python bench/graph_tti.py --nodes 2000 --runs 3

The view is the **real page** served by the app (``bench/bench_web.py``'s store and server: 100k
enterprises, a separate uvicorn process on 127.0.0.1): ``/chains/chain:new-energy/network?limit=N``,
``N`` chosen so the drawing has ``--nodes`` nodes (products, stage and 环节 headings and the ``N``
largest producers). The server lays the view out (stage columns, physics off);
``/static/supply_network.js`` draws it with the vis-network copy shipped in pyvis and sets
``#network[data-ready="1"]`` after the first drawing.

Measured in the page (``performance.now()``, i.e. from navigation start), median of ``--runs``
(after one discarded warm-up run, each run in a fresh browser context at 1440×900):

- ``ttfb`` / ``html``: the server's answer starts / ends (server-side work of the page);
- ``first draw``: the first 2D-canvas drawing call (vis-network's first frame);
- ``ready``: ``#network[data-ready="1"]`` — the view is drawn and answers input;
- ``still``: every node's position is the same 1 s after ``ready`` (physics off: nothing moves);
- long tasks (> 50 ms) on the main thread after ``ready``, in the following second;
- drawn labels that overlap at the default view (boxes from vis-network's label module).

Debian's Chromium (/usr/bin/chromium) is used; no browser is downloaded. The old chain-page
network (physics on: never stabilised at 2,000 nodes within 60 s) is gone; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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
GRAPH_DATA = re.compile(r'(<script type="application/json" id="network-data">)(.*?)(</script>)', re.S)

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
        raise RuntimeError("no #network-data in the page")
    return json.loads(match.group(2))


def choose_view(client: httpx.Client, chain: str, target: int) -> tuple[str, str, dict[str, Any], float]:
    """The network page URL whose view has ``target`` nodes (or all the chain has), its HTML, its
    data and how long the server took for it (first request: layout computed and kept)."""
    probe = graph_data(client.get(f"/chains/{chain}/network", params={"limit": 1}).raise_for_status().text)
    overhead = sum(1 for node in probe["nodes"] if node["kind"] != "Enterprise")  # products and headings
    path = f"/chains/{chain}/network?limit={max(1, target - overhead)}"
    started = time.perf_counter()
    response = client.get(path).raise_for_status()
    seconds = time.perf_counter() - started
    data = graph_data(response.text)
    print(f"  {path}: {len(data['nodes']):,} nodes, {len(data['edges']):,} edges ({seconds:.2f} s server, first time)", flush=True)
    return path, response.text, data, seconds


STILL_AND_LABELS = """async () => {
  const network = window.chainAtlasNetwork;
  const before = JSON.stringify(network.getPositions());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const still = JSON.stringify(network.getPositions()) === before;
  const scale = network.getScale();
  const boxes = [];
  for (const id of network.body.nodeIndices) {
    const node = network.body.nodes[id];
    const threshold = node.options.scaling.label.drawThreshold;
    if (!node.options.label || node.labelModule.fontOptions.size * scale < threshold - 1) { continue; }
    const s = node.labelModule.size;
    boxes.push([s.left, s.top, s.left + s.width, s.top + s.height]);
  }
  boxes.sort((a, b) => a[0] - b[0]);
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j][0] < boxes[i][2]; j++) {
      if (boxes[i][1] < boxes[j][3] && boxes[j][1] < boxes[i][3]) { overlaps++; }
    }
  }
  return {still: still, labels: boxes.length, overlaps: overlaps, scale: scale};
}"""


def measure(browser: Any, url: str, token: str, *, wait_s: float, fulfil: str | None = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One load of ``url`` in a fresh context; the page's own timings (ms from navigation start)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
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
            result.update(page.evaluate(STILL_AND_LABELS))  # one second after ready: still? labels overlapping?
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
    parser.add_argument("--nodes", type=int, nargs="+", default=[500, 2000], help="view sizes, in nodes")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per size (median)")
    parser.add_argument("--wait", type=float, default=60.0, help="cap on waiting for a view, seconds")
    args = parser.parse_args()
    if not (1 <= args.runs <= 20 and 0 < args.wait <= 300 and all(1 <= n <= 6000 for n in args.nodes)):
        parser.error("keep it bounded: runs 1–20, wait ≤ 300 s, 1–6,000 nodes")
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt package chromium)")

    from playwright.sync_api import sync_playwright

    code_at_start = git_state()
    store_path = args.store or default_store_path(args.scale, args.seed)
    print(f"store: {ensure_store(store_path, args.scale, args.seed)}", flush=True)
    rows: list[tuple[str, dict[str, Any], float, list[dict[str, Any]]]] = []
    with running_server(store_path) as server:
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=180) as client:
            started = time.perf_counter()
            client.get(f"/chains/{args.chain}").raise_for_status()  # projections and analyses: cold, not measured
            print(f"  warm-up of the chain page: {time.perf_counter() - started:.1f} s", flush=True)
            views = [choose_view(client, args.chain, target) for target in args.nodes]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                version = browser.version
                for path, _html, data, server_s in views:
                    url = server.url + path
                    measure(browser, url, server.token, wait_s=args.wait)  # warm-up, discarded
                    runs = []
                    for run in range(args.runs):
                        result = measure(browser, url, server.token, wait_s=args.wait)
                        runs.append(result)
                        print(f"  {len(data['nodes']):,} nodes, run {run + 1}: ttfb {fmt_ms(result['ttfb'])} ms, first draw "
                              f"{fmt_ms(result['firstDraw'])} ms, ready {fmt_ms(result['ready'])} ms, still {result.get('still')}, "
                              f"labels drawn {result.get('labels')}, overlapping {result.get('overlaps')}", flush=True)
                    rows.append((path, data, server_s, runs))
            finally:
                browser.close()
    leaks = sorted({u for _, _, _, runs in rows for r in runs for u in r["outside"]})

    def med(runs: list[dict[str, Any]], key: str) -> float | None:
        values = [run[key] for run in runs if run.get(key) is not None]
        return statistics.median(values) if values else None

    print()
    print(f"### Time to a still, interactive network view (`/chains/{args.chain}/network?limit=…`), Chromium {version}, 1440×900")
    print()
    print("| nodes | edges | runs | TTFB ms | HTML done ms | first canvas draw ms | ready (still, interactive) ms | "
          "long tasks after ready ms | still after 1 s | labels drawn / overlapping | JS heap MB | aim < 2 s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|")
    for _path, data, _server_s, runs in rows:
        ready = med(runs, "ready")
        print(f"| {len(data['nodes']):,} | {len(data['edges']):,} | {len(runs)} | {fmt_ms(med(runs, 'ttfb'))} | "
              f"{fmt_ms(med(runs, 'html'))} | {fmt_ms(med(runs, 'firstDraw'))} | **{fmt_ms(ready)}** | "
              f"{fmt_ms(med(runs, 'longtask_after_ready'))} | {'yes' if all(run.get('still') for run in runs) else '**no**'} | "
              f"{max(run.get('labels') or 0 for run in runs)} / {max(run.get('overlaps') or 0 for run in runs)} | "
              f"{med(runs, 'js_heap_mb') or 0:,.0f} | {'yes' if ready is not None and ready < TTI_AIM_S * 1000 else '**no**'} |")
    print()
    for path, _data, server_s, runs in rows:
        print(f"- `{path}`: each run's ready ms: {', '.join(fmt_ms(r['ready']) for r in runs)}; "
              f"server time for the page the first time (layout computed, then kept per revision): {server_s:.2f} s")
    print(f"- requests that left 127.0.0.1: {len(leaks)}" + (f" ({', '.join(leaks[:5])})" if leaks else ""))
    print(f"- peak resident memory: server {server.peak_rss_mb:,.0f} MB, this process {peak_rss_mb():,.0f} MB; "
          f"server garbage collections: {server.gc_summary()}")
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}; code: {code_at_start}"
          + ("" if git_state() == code_at_start else f" (changed during the run, now {git_state()})"))


if __name__ == "__main__":
    main()
