"""The app's one stylesheet parses as blocks: an unclosed ``@media`` would swallow every rule after it
(a merge once left the phone block of the dashboard charts open, so the map's desktop rules applied
only on phones)."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "app" / "web" / "static" / "style.css"


def test_every_block_of_the_stylesheet_is_closed_where_it_should_be() -> None:
    depth = 0
    for number, line in enumerate(STYLESHEET.read_text("utf-8").splitlines(), start=1):
        if depth and not line.startswith((" ", "\t", "}")) and line.strip() and not line.lstrip().startswith("/*"):
            raise AssertionError(f"style.css:{number}: a top-level rule inside an unclosed block: {line[:60]}")
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"style.css:{number}: a closing brace without its block"
    assert depth == 0, "style.css ends inside an unclosed block"
