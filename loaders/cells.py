"""Reading and converting the cells of users' spreadsheets: text, names, dates, numbers, shares,
yes/no, credit codes, tags and the rows that are not data (examples, totals, notes).

A parser that can refuse a value takes a ``complain(reason, value=None, level="错误")`` callback,
which the importer binds to the cell's file, row and column; it returns None after complaining.

>>> said = []
>>> cell_number("12.5亿", lambda *problem: said.append(problem), low=0, unit="万元")
125000.0
>>> said
[('带单位的数值已换算为 125000 万元', '12.5亿', '警告')]
>>> cell_bool("是", print), cell_date("2025年上半年")
(True, (datetime.date(2025, 6, 30), None))
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Literal, Protocol

from rapidfuzz import fuzz, process

from graph_schema.credit_code import credit_code_problem
from graph_schema.models import ENTERPRISE_TAGS
from loaders.names import fold, split_list
from loaders.spreadsheet_cells import without_formula_guard


class Complain(Protocol):
    """Report a problem with the cell being read (an error unless ``level`` says 警告)."""

    def __call__(self, reason: str, value: Any = None, level: str = "错误") -> None: ...


CODE_SHAPE = re.compile(r"^[0-9A-Z]{18}$")
_TRUE = {"是", "true", "yes", "y", "1", "本地", "√", "✓", "t"}
_FALSE = {"否", "false", "no", "n", "0", "外地", "×", "f"}
Confidence = Literal["verified", "reported", "inferred"]
_CONFIDENCE: dict[str, Confidence] = {
    "verified": "verified", "已核实": "verified", "核实": "verified", "确认": "verified", "已确认": "verified",
    "reported": "reported", "公开报道": "reported", "报道": "reported", "公开": "reported", "披露": "reported",
    "inferred": "inferred", "推断": "inferred", "推测": "inferred", "估计": "inferred",
}
_EXAMPLE_MARK = re.compile(r"^示例\s*[:：]")
# A total under a list (合计 …) or a footnote (注：1. 营业收入为2024年数据 …) in a row's first column.
_TOTAL_ROW = re.compile(r"(?:合计|总计|小计|共计|总数)[:：]?")
_NOTE_ROW = re.compile(r"^(?:注|备注|说明|注释|填表说明|数据来源|资料来源)\s*[:：0-9]")
# Cells meaning "no value" in Chinese spreadsheets: read as blank, not as a bad number.
PLACEHOLDERS = frozenset({"-", "—", "——", "–", "/", "\\", "无", "暂无", "不详", "未知", "空", "n/a", "na", "#n/a", "null", "none"})
UNIT_SUFFIX = re.compile(r"(-?[0-9.]+)(亿元|亿|万元|万|元)")
YUAN = {"亿": 1e8, "万": 1e4, "元": 1.0}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_GAP_IN_CHINESE = re.compile(r"(?<=[\u3400-\u9fff（）()])\s+(?=[\u3400-\u9fff（）()])")


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# -- text ----------------------------------------------------------------------------------------


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty); the apostrophe an export puts before ``=`` etc. is dropped.

    >>> cell_text("  '=1+1企业 "), cell_text(3.0), cell_text("  ")
    ('=1+1企业', '3', None)
    """
    if type(value) is str:  # the common case (every CSV cell), first
        text = value.strip()
        if not text.isascii():
            text = _INVISIBLE.sub("", text).strip()  # zero-width spaces pasted from web pages
        return (without_formula_guard(text) if text[:1] == "'" else text) or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):
        value = "、".join(str(item) for item in value)
    text = str(value).strip()
    return text or None


def name_text(value: Any) -> str | None:
    r"""An enterprise name as text: also without the spaces and line breaks a cell may hold between
    Chinese characters ("南昌\u3000寅一科技\n有限公司" → "南昌寅一科技有限公司"); Latin words keep theirs.

    >>> name_text("南昌\u3000寅一科技\n有限公司"), name_text("Apple Inc. 苹果")
    ('南昌寅一科技有限公司', 'Apple Inc. 苹果')
    """
    text = cell_text(value)
    return _GAP_IN_CHINESE.sub("", text) if text and not text.isascii() else text


def cell_aliases(value: Any, name: str) -> list[str]:
    """曾用名/简称 other than ``name``; "赣锋锂业/赣锋" are two names, "Novo Nordisk A/S" one.

    >>> cell_aliases("赣锋锂业/赣锋、Novo Nordisk A/S", "赣锋锂业")
    ['赣锋', 'Novo Nordisk A/S']
    """
    return list(dict.fromkeys(
        alias for part in split_list(value)
        for alias in (re.split(r"\s*[/／]\s*", part) if not part.isascii() else [part])
        if alias and alias != name
    ))


def is_example(cell: Any) -> bool:
    """True for a template's example row (its first filled cell starts with 示例：)."""
    return cell is not None and bool(_EXAMPLE_MARK.match(str(cell).strip()))


def is_total_or_note(cell: Any) -> bool:
    """True for a 合计 row under a list or a footnote (注：…) in a row's first filled cell.

    >>> is_total_or_note("合 计"), is_total_or_note("注：营业收入为2024年数据"), is_total_or_note("南昌甲公司")
    (True, True, False)
    """
    if cell is None:
        return False
    text = str(cell)
    # every total word ends in 计 or 数, and no other character folds (NFKC) into either: most cells skip the fold
    maybe_total = "计" in text or "数" in text
    return bool((maybe_total and _TOTAL_ROW.fullmatch(fold(text).replace(" ", ""))) or _NOTE_ROW.match(text.strip()))


# -- codes, flags, tags ----------------------------------------------------------------------------


def cell_credit_code(raw: Any, complain: Complain) -> str | None:
    """A 统一社会信用代码, upper-cased without spaces, once its check digit holds."""
    if _blank(raw):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        complain("统一社会信用代码被存成了数字（可能已丢失位数或变成科学计数法）；请把该列设为文本后重新填写", raw)
        return None
    code = _INVISIBLE.sub("", fold(str(raw))).replace(" ", "").upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", code):
        complain("统一社会信用代码被 Excel 变成了科学计数法，原值已丢失；请把该列设为文本后重新填写", raw)
        return None
    problem = credit_code_problem(code)
    if problem:
        complain(problem, raw)
        return None
    return code


def looks_like_code(text: str) -> bool:
    """True when a name cell holds a valid credit code instead of a name."""
    return bool(CODE_SHAPE.match(text.upper())) and credit_code_problem(text.upper()) is None


def cell_bool(raw: Any, complain: Complain) -> bool | None:
    """是/否 (and true/false, yes/no, 本地/外地, √/×)."""
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = fold(str(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    complain("应为 是 或 否", raw)
    return None


def cell_confidence(raw: Any, complain: Complain) -> Confidence:
    """verified / reported / inferred from their English or Chinese words; reported when blank."""
    text = cell_text(raw)
    if not text:
        return "reported"
    confidence = _CONFIDENCE.get(text.lower())
    if confidence is None:
        complain("可信度应为 已核实/公开报道/推断（verified/reported/inferred）", text)
    return confidence or "reported"


_TAG_SYNONYMS = {
    "规上企业": ("规上",), "规模以上": ("规上",), "规模以上企业": ("规上",), "规模以上工业企业": ("规上",),
    "上市公司": ("上市",), "上市企业": ("上市",),
    "专精特新小巨人": ("专精特新", "小巨人"), "专精特新小巨人企业": ("专精特新", "小巨人"), "小巨人企业": ("小巨人",),
    "专精特新企业": ("专精特新",), "专精特新中小企业": ("专精特新",),
    "单项冠军企业": ("单项冠军",), "制造业单项冠军": ("单项冠军",), "制造业单项冠军企业": ("单项冠军",),
    "高新企业": ("高新技术企业",), "高企": ("高新技术企业",), "链主企业": ("链主",),
}


def canonical_tags(written: str) -> tuple[str, ...]:
    """The tags a written label stands for, in the tag list's words (a label with no synonym as written).

    >>> canonical_tags("国家级专精特新“小巨人”企业"), canonical_tags("规上企业"), canonical_tags("上市")
    (('专精特新', '小巨人'), ('规上',), ('上市',))
    """
    if written in ENTERPRISE_TAGS:
        return (written,)
    bare = re.sub(r"[“”\"'‘’「」]", "", written)
    bare = re.sub(r"^(?:国家级|国家|省级|市级|江西省|南昌市)", "", bare)
    if bare in ENTERPRISE_TAGS:
        return (bare,)
    return _TAG_SYNONYMS.get(bare, (written,))


def cell_tags(raw: Any, complain: Complain) -> list[str]:
    """The tags of a cell in canonical words, each once; an unknown tag is an error (with the closest)."""
    tags = list(dict.fromkeys(tag for written in split_list(raw) for tag in canonical_tags(written)))
    for tag in tags:
        if tag not in ENTERPRISE_TAGS:
            close = process.extract(tag, ENTERPRISE_TAGS, scorer=fuzz.WRatio, limit=2, score_cutoff=30)
            hint = f"；最接近：{'、'.join(m[0] for m in close)}" if close else ""
            complain(f"未知企业标签“{tag}”{hint}（可用：{'、'.join(ENTERPRISE_TAGS)}）", tag)
    return tags


# -- numbers ---------------------------------------------------------------------------------------


def cell_number(raw: Any, complain: Complain, *, low: float | None = None, high: float | None = None,
                unit: str | None = None) -> float | None:
    """A number from a cell: placeholders (—, /, 暂无, #N/A …) are blank; with ``unit`` (亿元 or
    万元) a value written with a unit ("12.5亿", "3000万元") is converted, with a warning."""
    if _blank(raw):
        return None
    value: float | None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = fold(str(raw)).replace(",", "").replace(" ", "")
        if text.lower() in PLACEHOLDERS:
            return None
        written = UNIT_SUFFIX.fullmatch(text) if unit else None
        if written:
            text = written.group(1)
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is not None and written and unit:
            factor = YUAN[written.group(2).removesuffix("元") or "元"] / YUAN[unit.removesuffix("元")]
            if factor != 1:
                value *= factor
                complain(f"带单位的数值已换算为 {value:g} {unit}", raw, "警告")
    if value is None or value != value or value in (float("inf"), float("-inf")):
        not_finite = value is not None  # NaN or infinity: a number to Python and JSON, not a value to store
        complain("应为数字" + (f"（单位：{unit}）" if unit else "") + ("，NaN 或无穷大不是有效数值" if not_finite else ""), raw)
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}"
        complain(f"超出范围：应为 {span}", raw)
        return None
    return value


def cell_share(raw: Any, complain: Complain, header: str = "") -> float | None:
    """A share in [0, 1] from 0.35 or 35%; in a column whose ``header`` says %, 35 is 35 % too.

    >>> cell_share("35%", print), cell_share(30, print, header="占比(%)"), cell_share(0.3, print, header="占比(%)")
    (0.35, 0.3, 0.3)
    """
    if _blank(raw):
        return None
    text = fold(str(raw)).strip()
    percent = text.endswith("%")
    value = cell_number(text.rstrip("%") if percent else raw, complain, low=0)
    if value is None:
        return None
    # a 占比(%) column holds percentages where a cell has no % sign: 30 is 30 %; 0.3 stays 0.3
    # (Excel keeps a cell formatted as 30% as 0.3)
    if percent or (value > 1 and "%" in fold(header)):
        value /= 100
    if value > 1:
        complain("占比应为 0–1 之间的小数或不超过 100% 的百分数（如 35%）", raw)
        return None
    return value


# -- dates -----------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), "ym"),
    (re.compile(r"^(\d{4})年?度?(?:末|底)?$"), "y"),                       # 2025, 2025年度, 2025年末
    (re.compile(r"^(\d{4})年?(上|下)半年$"), "half"),                      # 2025年上半年
    (re.compile(r"^(\d{4})年?(?:第?([1-4一二三四])季度|[Qq]([1-4]))$"), "quarter"),  # 2025年第一季度, 2025Q3
)
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
EXCEL_SERIALS = (25569, 73050)  # 1970-01-01 to 2099-12-31 as Excel day numbers; years and yyyymmdd fall outside
_BAD_DATE = "日期无法识别（应为 YYYY-MM-DD，如 2025-06-30）"


def cell_date(value: Any) -> tuple[dt.date | None, str | None]:
    """(date, None) or (None, reason); a year, half year, quarter or month means its last day.

    >>> [str(cell_date(v)[0]) for v in (45838, "2025年度", "2025年上半年", "2025年第三季度", "2025Q1", 2025, 20250630)]
    ['2025-06-30', '2025-12-31', '2025-06-30', '2025-09-30', '2025-03-31', '2025-12-31', '2025-06-30']
    """
    if _blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:  # an Excel date left as a number: 45838 is 2025-06-30
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None
        value = str(int(value))
    return _parse_date(str(value))


def cell_dates(raw: Any, complain: Complain) -> list[dt.date] | None:
    """The observation dates of a 观测日期 cell: dates or years (a year means its last day) separated
    like any list cell; None when blank. An unreadable item is complained about and left out.

    >>> [str(d) for d in cell_dates("2021、2022; 2020-06-30", print)]
    ['2021-12-31', '2022-12-31', '2020-06-30']
    """
    items = [raw] if isinstance(raw, (int, float, dt.date)) else split_list(raw)
    found = []
    for item in items:
        date, reason = cell_date(item)
        if date is None:
            complain(f"观测日期“{item}”无法识别：{reason or '空'}", item)
        else:
            found.append(date)
    return found or None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> tuple[dt.date | None, str | None]:
    text = fold(value)
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for pattern, shape in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if shape in ("half", "quarter"):  # the period's last day
            year, part = int(match.group(1)), next(group for group in match.groups()[1:] if group)
            month = (6 if part == "上" else 12) if shape == "half" else 3 * _QUARTERS[part]
            try:
                return _month_end(year, month), None
            except ValueError:
                return None, _BAD_DATE
        parts = [int(part) for part in match.groups()]
        try:
            if shape == "ymd":
                return dt.date(*parts), None
            if shape == "ym":
                return _month_end(*parts), None
            return dt.date(parts[0], 12, 31), None
        except ValueError:
            break
    return None, _BAD_DATE
