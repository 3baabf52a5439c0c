"""The Jinja2 templates of every page (``templates/``), with the filters and globals they use.

>>> templates.env.filters["readable_number"](27950.31)
'27,950.3'
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from app.web.field_labels import node_fields
from app.web.graph_view import inert_json, node_url
from app.web.number_format import readable_number
from queries.formatting import shortened

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["inert_json"] = inert_json
templates.env.globals["node_url"] = node_url
templates.env.globals["node_fields"] = node_fields
templates.env.filters["readable_number"] = readable_number
templates.env.filters["shortened"] = shortened  # long name lists: the first 10, then …等N家
