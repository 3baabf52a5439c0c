"""The 分析范围 selector the analysis pages share (template ``_scope.html``): 南昌本地企业 or
网络中全部企业, as two links that keep the page's other query parameters; ``word`` is what the page calls the firms
in focus (本地 / 网络内, ``queries.labels.FOCUS_WORDS``).

>>> from starlette.datastructures import URL

from queries.labels import FOCUS_WORDS
>>> choice = scope_choice(URL("http://x/risks?chain=chain:ev&page=3"), "local", "")
>>> [(option["label"], option["href"], option["active"]) for option in choice["options"]]
[('南昌本地企业', '/risks?chain=chain%3Aev&scope=local', True), ('网络中全部企业', '/risks?chain=chain%3Aev&scope=all', False)]
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL

from queries.labels import FOCUS_WORDS

SCOPE_LABELS = {"local": "南昌本地企业", "all": "网络中全部企业"}
SCOPE_PATTERN = "^(local|all)?$"


def scope_choice(url: URL, current: str, note: str) -> dict[str, Any]:
    """The selector's options (label, href, active) for the page at ``url`` with ``current`` scope,
    and the note that says when ``all`` was chosen for the user (no local firm)."""
    kept = [(name, value) for name, value in parse_qsl(url.query, keep_blank_values=True) if name not in ("scope", "page")]
    options = [
        {"label": label, "href": f"{url.path}?{urlencode([*kept, ('scope', value)])}", "active": value == current}
        for value, label in SCOPE_LABELS.items()
    ]
    return {"options": options, "note": note, "current": SCOPE_LABELS.get(current, current), "scope": current,
            "word": FOCUS_WORDS.get(current, FOCUS_WORDS["local"])}
