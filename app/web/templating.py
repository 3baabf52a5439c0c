"""The Jinja2 templates of every page (``templates/``), with the filters and globals they use.

Pages render the analyses' typed records; their column headings come from the one label table
(``labels`` and ``table_titles``, and ``columns(record)`` for a table that shows every field).

>>> templates.env.filters["readable_number"](27950.31)
'27,950.3'
>>> templates.env.globals["labels"]["severity"]
'严重程度'
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from app.web.field_labels import node_fields
from app.web.graph_view import inert_json, node_url
from queries.formatting import count, percent, readable_number, shortened, yuan_yi
from queries.labels import LABELS, TABLE_TITLES, in_focus

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["inert_json"] = inert_json
templates.env.globals["node_url"] = node_url
templates.env.globals["node_fields"] = node_fields
templates.env.filters["readable_number"] = readable_number  # the one number format: queries.formatting
templates.env.filters["percent"] = percent  # a share 0–1 as 45.7%
templates.env.filters["yuan_yi"] = yuan_yi  # 亿元: 1,783.8
templates.env.filters["count"] = count  # 3,000
templates.env.filters["shortened"] = shortened  # long name lists: the first 10, then …等N家
templates.env.filters["in_focus"] = in_focus  # a heading for the firms in focus: 本地… or, under scope all, 网络内…
templates.env.globals["labels"] = LABELS  # a record field's column heading
templates.env.globals["table_titles"] = TABLE_TITLES  # a record table's title


def record_columns(record: Any, focus: str | None = None) -> tuple[tuple[str, str], ...]:
    """(field, heading) of each field of ``record`` (a ``queries.labels.Record``), in field order;
    ``focus`` ``"all"`` heads what counts the firms in focus 网络内… (``queries.labels.in_focus``)."""
    return tuple((field.name, in_focus(LABELS[field.name], focus)) for field in dataclasses.fields(record))


templates.env.globals["columns"] = record_columns


def store_down(request: Any) -> bool:
    """Whether the app's store health probe says the store is down (the page then says its data may be old)."""
    health = getattr(getattr(getattr(request, "app", None), "state", None), "health", None)
    return bool(health is not None and not health.up)


templates.env.globals["store_down"] = store_down

def is_id_label(label: str) -> bool:
    """A column of ids (企业ID, 产品ID …): kept in downloads and JSON, never shown on a page.

    >>> is_id_label("产品ID"), is_id_label("产品名称")
    (True, False)
    """
    return label.endswith("ID")


templates.env.tests["id_label"] = is_id_label
