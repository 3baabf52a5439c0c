"""Validated write batches as the CSV files of ``neo4j-admin database import full``.

Each row holds exactly what ``Neo4jStore.write`` would store for the item on an empty database
(what ``properties()`` gives, read straight from the model's fields): a node's properties
(``SEEN_MERGE`` applied to the observed ones), a relationship's properties with its key in the
property the driver path merges on (SUPPLIES' ``product``, else ``key``). One file per label and
relationship type, the model's fields as typed columns (``column``), the header in a file of its
own; strings are always quoted, so an empty string stays one and an empty field means "no property".

Three things the CSV format cannot say:

* **empty lists** (an enterprise's ``aliases: []``): Neo4j's CSV input drops an empty array, so a
  row names its empty list properties in the column ``chainatlas_empty_lists``; the launcher's
  importer (``chainatlas.ImportKeepingEmptyLists``, run by ``scripts/neo4j.sh import-full``) stores
  each as ``[]`` (what Cypher stores for ``[]``: an empty string array) and never the column itself;
* **repeats** — a node or relationship written a second time (the driver path merges it into the
  first): the first goes into the files, every later one into ``repeats``, written through the
  driver after the import, in order, so the merge is the driver's own;
* **missing ends**: a relationship whose end is not among the nodes written before it (in an earlier
  batch or its own) is a MissingEndpointError, as in the driver path — here for the whole load.

>>> import tempfile
>>> from graph_schema import Chain, Enterprise, Leads
>>> folder = tempfile.mkdtemp()
>>> files = ImportFiles(Path(folder))
>>> files.add(WriteBatch(nodes=[Chain(id="chain:ev", name="新能源", kind="新兴", target_2026_yi=1600),
...                             Enterprise(id="ent:a", name="甲公司")],
...                      relationships=[Leads(src="ent:a", dst="chain:ev")]))
>>> arguments = files.close()
>>> [argument.split("=")[0] for argument in arguments[:3]]
['--nodes', '--nodes', '--relationships']
>>> print((Path(folder) / "nodes-Chain.header.csv").read_text(), end="")
id:ID,source:string,as_of:string,synthetic:boolean,quote:string,name:string,kind:string,target_2026_yi:double,segments:string[],plan_order:long,chainatlas_empty_lists:string[]
>>> print((Path(folder) / "nodes-Chain.csv").read_text(), end="")
"chain:ev",,,false,,"新能源","新兴",1600.0,,,"segments"
>>> print((Path(folder) / "nodes-Enterprise.csv").read_text().split(",")[-1], end="")
"aliases\x1ftags"
>>> print((Path(folder) / "rels-LEADS.csv").read_text(), end="")
"ent:a","chain:ev","",,,false,,
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import IO, Any, Literal, Union, get_args, get_origin

from graph_schema.errors import MissingEndpointError, StoreError
from graph_schema.models import Node, Relationship
from graph_schema.registry import OBSERVED, RELATIONSHIP_TYPES
from stores.base import WriteBatch

ARRAY_DELIMITER = "\x1f"
"""Between the elements of a list in a CSV field (U+001F, refused in imported text)."""
EMPTY_LISTS = "chainatlas_empty_lists"
"""The column naming the row's list properties that are empty (``[]``); read by the launcher's
importer (``chainatlas.ImportKeepingEmptyLists``), never stored."""


def quoted(text: str) -> str:
    """A CSV string field, always quoted (RFC 4180: inner quotes doubled).

    >>> print(quoted('乙"丙'))
    "乙""丙"
    """
    return '"' + text.replace('"', '""') + '"'


def _joined(texts: list[str]) -> str:
    for text in texts:
        if ARRAY_DELIMITER in text:
            raise StoreError(f"列表值 {text!r} 含有控制字符 U+001F，不能批量导入；请去掉 --bulk，用常规导入")
    return quoted(ARRAY_DELIMITER.join(texts))


_CSV_TYPES: dict[Any, str] = {str: "string", bool: "boolean", int: "long", float: "double", dt.date: "string", list: "string[]"}
_LIST_ELEMENTS = (str, dt.date)


@dataclass(frozen=True)
class Column:
    """A property column: its name, the Python type of its values (``list`` for a list of
    ``element``); a field that may be None has the column of its other type."""

    name: str
    kind: type
    element: type | None = None

    @property
    def csv_type(self) -> str:
        return _CSV_TYPES[self.kind]


def column(name: str, annotation: Any) -> Column:
    """The column of a model field from its type annotation (``X | None``, ``Literal[...]`` of strings,
    ``list[X]``, or a plain str / bool / int / float / date).

    >>> column("tags", list[str]).csv_type, column("as_of", dt.date | None).csv_type
    ('string[]', 'string')
    """
    if get_origin(annotation) in (Union, UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) != 1:
            raise StoreError(f"字段 {name} 的类型 {annotation} 不能批量导入")
        annotation = members[0]
    if get_origin(annotation) is Literal:
        if not all(type(value) is str for value in get_args(annotation)):
            raise StoreError(f"字段 {name} 的类型 {annotation} 不能批量导入")
        annotation = str
    if get_origin(annotation) is list:
        (element,) = get_args(annotation)
        if element not in _LIST_ELEMENTS:
            raise StoreError(f"字段 {name} 的类型 {annotation} 不能批量导入")
        return Column(name, list, element)
    if annotation not in _CSV_TYPES:
        raise StoreError(f"字段 {name} 的类型 {annotation} 不能批量导入")
    return Column(name, annotation)


KEY_COLUMN = Column("key", str)
"""The ``key`` property of a relationship the driver path merges on ``key`` (an empty string but for
keyed types without their key)."""
_ABSENT = type(None)
"""The kind of a column left empty whatever the row holds (``first_seen`` of a record without ``seen``)."""


@dataclass
class _Table:
    """One CSV file: the rows of one label or relationship type (the model's fields as columns)."""

    path: Path
    ends: tuple[str, ...]  # the leading id columns: ("id:ID",) or (":START_ID", ":END_ID")
    columns: list[Column]
    observed: bool
    keyed: bool  # a relationship's table: its first property column is ``key``
    handle: IO[str]
    multiline: bool = False

    def __post_init__(self) -> None:
        # (name, kind, element) per column; the second plan for rows without ``seen``, whose first and
        # last seen SEEN_MERGE leaves unset
        self._plan = [(col.name, col.kind, col.element) for col in self.columns]
        self._unseen_plan = [(name, _ABSENT if name in ("first_seen", "last_seen") else kind, element)
                             for name, kind, element in self._plan]

    def write(self, ends: tuple[str, ...], values: dict[str, Any], key: str | None = None) -> None:
        """One row: ``values`` maps each column's name to the value (None: no property); ``key`` is
        the ``key`` property of a relationship (None: none). A value of another type than its column's
        is a StoreError (the driver would store another type). Written inline, without a call per
        value: this loop is most of a bulk load's Python time."""
        fields = ['"' + end.replace('"', '""') + '"' for end in ends]
        append = fields.append
        if self.keyed:
            append("" if key is None else '"' + key.replace('"', '""') + '"')
        marked: list[str] = []
        plan = self._unseen_plan if self.observed and values["seen"] is None else self._plan
        for name, kind, element in plan:
            value: Any = values[name]
            if value is None or kind is _ABSENT:
                append("")
                continue
            actual = type(value)  # (compared through a name: mypy would narrow ``value`` to object)
            if actual is not kind:
                raise StoreError(f"{self.path.name}：属性 {name} 的值 {value!r} 不是 {kind.__name__}，不能批量导入")
            if kind is str:
                append('"' + value.replace('"', '""') + '"')
            elif kind is float:
                append(repr(value))  # the shortest text that reads back as the same float
            elif kind is bool:
                append("true" if value else "false")
            elif kind is list:
                if value:
                    append(_joined(value if element is str else [item.isoformat() for item in value]))
                    continue
                marked.append(name)  # kept as [] by the launcher's importer
                append("")
            elif kind is int:
                append(str(value))
            else:  # a date
                append('"' + value.isoformat() + '"')
        append(_joined(marked) if marked else "")
        line = ",".join(fields)
        if "\n" in line or "\r" in line:
            self.multiline = True
        self.handle.write(line + "\n")

    def header(self) -> str:
        typed = [f"{col.name}:{col.csv_type}" for col in ([KEY_COLUMN] if self.keyed else []) + self.columns]
        return ",".join([*self.ends, *typed, f"{EMPTY_LISTS}:string[]"]) + "\n"


class ImportFiles:
    """The CSV files of one initial load in ``folder``: ``add`` batches in the order the driver path
    would write them, then ``close`` for the importer's arguments."""

    def __init__(self, folder: Path) -> None:
        if "," in str(folder) or "=" in str(folder):
            raise StoreError(f"批量导入的临时目录 {folder} 的路径中不能有逗号或等号")
        self.folder = folder
        self.items = 0
        """Items written into the files."""
        self.seconds = 0.0
        """Spent writing them (kept by the caller)."""
        self.repeats: list[Node | Relationship] = []
        """Items already written once, in order: for the driver after the import."""
        self._tables: dict[tuple[str, str], _Table] = {}
        self._node_ids: set[str] = set()
        self._rel_keys: set[int] = set()  # hashes: a collision only sends an item the driver's way, still right

    def add(self, batch: WriteBatch) -> None:
        """Write the batch's items (its nodes first, as the driver path does)."""
        node_ids = self._node_ids
        for node in batch.nodes:
            if node.id in node_ids:
                self.repeats.append(node)
                continue
            node_ids.add(node.id)
            self._table("node", node.label, type(node)).write((node.id,), node.__dict__)
            self.items += 1
        for rel in batch.relationships:
            missing = [end for end in (rel.src, rel.dst) if end not in node_ids]
            if missing:
                raise MissingEndpointError(
                    f"{len(missing)} relationship end(s) not in the store, nothing written: {', '.join(missing)}")
            # as stores.neo4j_store._batch_work: a keyed relationship merges on (and keeps its key in) the
            # type's key property, any other on ``key``
            key = rel.key
            keyed = bool(key and RELATIONSHIP_TYPES[rel.type].key_property)
            identity = hash((rel.type, rel.src, rel.dst, keyed, key))
            if identity in self._rel_keys:
                self.repeats.append(rel)
                continue
            self._rel_keys.add(identity)
            self._table("relationship", rel.type, type(rel)).write((rel.src, rel.dst), rel.__dict__, None if keyed else key)
            self.items += 1

    def _table(self, kind: str, name: str, model: type[Node | Relationship]) -> _Table:
        table = self._tables.get((kind, name))
        if table is None:
            structural = {"id"} if kind == "node" else {"src", "dst"}
            columns = [column(field_name, info.annotation) for field_name, info in model.model_fields.items()
                       if field_name not in structural]
            path = self.folder / f"{'nodes' if kind == 'node' else 'rels'}-{name}.csv"
            ends = ("id:ID",) if kind == "node" else (":START_ID", ":END_ID")
            handle = path.open("w", encoding="utf-8", newline="")
            table = self._tables[(kind, name)] = _Table(path, ends, columns, name in OBSERVED, kind == "relationship", handle)
        return table

    def close(self) -> list[str]:
        """Close the files, write their headers; the arguments of ``neo4j-admin database import full``
        (without the database name)."""
        arguments: list[str] = []
        multiline: list[str] = []
        for (kind, name), table in self._tables.items():
            table.handle.close()
            header = table.path.with_suffix(".header.csv")
            header.write_text(table.header(), encoding="utf-8")
            option = "--nodes" if kind == "node" else "--relationships"
            arguments.append(f"{option}={name}={header},{table.path}")
            if table.multiline:
                multiline.append(str(table.path))
        arguments += [
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            "--id-type=string",
            "--bad-tolerance=0",  # a bad row stops the import (the state before it is put back)
            "--skip-bad-relationships=false",
            "--skip-duplicate-nodes=false",
            "--ignore-empty-strings=false",
            "--trim-strings=false",
            f"--report-file={self.folder / 'import.report'}",
        ]
        if multiline:  # only the files that hold a line break are read the slower way
            arguments += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
        return arguments

    def discard(self) -> None:
        """Close the files without writing headers (a load given up)."""
        for table in self._tables.values():
            table.handle.close()
