"""The ``table`` parameter of the analyses and lists: which table of a result an answer gives.

Each operation declares every table its results can hold (``TABLE_TITLES`` keys, the main one
first); the OpenAPI document lists their titles and ``all`` as the parameter's values, and every
one of them answers 200: a table this result does not hold (卡点 of the every-chain risk list, 部分损失
without ``partial``) is empty, with a note saying so; ``all`` gives every table (JSON: a page of
each; CSV: one file with a 表 column; XLSX: a sheet each). Any other value is a 422 naming the
choices.

>>> choose({"缺口": [{"产品": "电芯"}], "概要": []}, "概要", ["缺口", "概要"])
('概要', [], None)
>>> choose({"缺口": []}, "概要", ["缺口", "概要"])[2]
'本次结果没有“概要”表（部分表只在某些参数下给出，如指定产业链、partial=true）；本次结果的表：缺口'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import HTTPException, Query
from fastapi.responses import Response

from app.api.listing import MEDIA_TYPES, ListFormat, page_of
from app.output import render_rows, render_tables
from queries.labels import TABLE_TITLES

ALL = "all"


def titles(keys: Sequence[str]) -> list[str]:
    """The titles of tables ``keys`` (``queries.labels.TABLE_TITLES``)."""
    return [TABLE_TITLES[key] for key in keys]


def table_query(keys: Sequence[str]) -> Any:
    """The ``table`` query parameter of an operation whose results hold tables ``keys``."""
    names = titles(keys)
    return Query(None, max_length=40, json_schema_extra={"enum": [*names, ALL]},
                 description=f"结果中的哪张表（默认主表 {names[0]}）：{'、'.join(names)}；all 为全部表"
                             "（json 每表一页，csv 一个文件加“表”列，xlsx 每表一个工作表）")


def choose(tables: dict[str, list[dict[str, Any]]], table: str | None,
           declared: Sequence[str]) -> tuple[str, list[dict[str, Any]], str | None]:
    """(title, rows, note) of the table asked for; the note when this result does not hold it."""
    names = list(tables)
    if table is None:
        return names[0], tables[names[0]], None
    if table not in declared:
        raise HTTPException(status_code=422, detail=f"参数错误：table 可选 {'、'.join(declared)}、all，实际为“{table[:40]}”")
    if table in tables:
        return table, tables[table], None
    return table, [], (f"本次结果没有“{table}”表（部分表只在某些参数下给出，如指定产业链、partial=true）；"
                       f"本次结果的表：{'、'.join(names)}")


def every_table(tables: dict[str, list[dict[str, Any]]], fmt: ListFormat, filename: str, *, page: int,
                size: int) -> Response | dict[str, Any]:
    """``table=all``: a page of every table (JSON), or every table as one file."""
    if fmt == "json":
        return {"table": ALL, "pages": {name: page_of(rows, page=page, size=size) for name, rows in tables.items()}}
    if fmt == "csv":
        body = render_rows([{"表": name, **row} for name, rows in tables.items() for row in rows], "csv")
    else:
        body = render_tables(tables)
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
