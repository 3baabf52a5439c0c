"""Node properties as a Chinese details table: a label per field, 是/否, readable numbers.

>>> node_fields({"id": "park:x", "label": "Park", "name": "小蓝经开区", "kind": "开发区", "synthetic": False})
[('名称', '小蓝经开区'), ('类型', '开发区')]
>>> node_fields({"id": "ent:a", "name": "甲", "local": True, "revenue_yi": 27950.31, "tags": ["链主", "上市"]})
[('名称', '甲'), ('本地企业', '是'), ('营业收入（亿元）', '27,950.3'), ('企业标签', '链主、上市')]
"""

from __future__ import annotations

from typing import Any

from queries.formatting import readable_number

FIELD_LABELS = {
    "name": "名称", "kind": "类型", "credit_code": "统一社会信用代码", "aliases": "别名",
    "country": "国家/地区", "province": "省份", "city": "城市", "district": "所在区县",
    "local": "本地企业", "revenue_yi": "营业收入（亿元）", "tags": "企业标签",
    "target_2026_yi": "2026年营业收入目标（亿元）", "segments": "重点领域", "plan_order": "规划中的顺序",
    "segment": "环节", "stage": "上中下游", "focus_links": "聚焦的产业链环节",
    "address": "地址", "first_seen": "首次观测", "last_seen": "最近观测", "seen": "观测日期", "listing": "观测所属名单",
    "quote": "规划原文", "source": "数据来源", "as_of": "数据日期",
}
HIDDEN = frozenset({"id", "label", "synthetic"})  # the id is in the URL; synthetic data has its banner


def node_fields(node: dict[str, Any]) -> list[tuple[str, str]]:
    """(Chinese label, text) for each shown property, in FIELD_LABELS' order; unknown fields last, by name."""
    known = [(FIELD_LABELS[key], _text(node[key])) for key in FIELD_LABELS if key in node]
    other = [(key, _text(node[key])) for key in sorted(node) if key not in FIELD_LABELS and key not in HIDDEN]
    return [(label, text) for label, text in known + other if text != ""]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return readable_number(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return str(value)
