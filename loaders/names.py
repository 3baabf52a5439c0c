"""Enterprise names: normalisation for matching, stable generated ids, list cells.

Two spellings of one company should meet at the same normalised name: the legal form
(有限公司, 股份有限公司, 株式会社, Co., Ltd., Inc., N.V./NV, S.A., GmbH, AG …), a continuation
marker ("(continued)", （续）) and a parenthesised region (（江西）, (南昌)) are dropped,
full-width characters folded, case and punctuation ignored.

Latin-script legal forms come from cleanco's term list (``strip_legal_forms``: its ``basename``
applied until nothing more comes off, so "Co., Ltd." loses both words); the Chinese and Japanese
forms, which cleanco does not know, from the short ``_CN_FORMS`` list. The older token filter
(``_EN_FORMS``) still runs after cleanco, so every name that matched before still does.

>>> normalise_name("江西某某锂业（南昌）股份有限公司")
'江西某某锂业'
>>> normalise_name("Alps Electric Co., Ltd.") == normalise_name("ALPS ELECTRIC COMPANY LIMITED")
True
>>> normalise_name("STMicroelectronics N.V.") == normalise_name("STMicroelectronics NV") == "stmicroelectronics"
True
>>> normalise_name("Trinseo S.A.") == normalise_name("Trinseo LLC") == normalise_name("TRINSEO s.a.")
True
>>> normalise_name("IDEMIA Group (continued)") == normalise_name("IDEMIA Group")
True
>>> normalise_name("株式会社村田製作所") == normalise_name("村田製作所株式会社") == "村田製作所"
True
>>> enterprise_id("南昌示例科技有限公司") == enterprise_id("南昌示例科技股份有限公司")
True
>>> split_list("锂电池、正极材料; 隔膜")
['锂电池', '正极材料', '隔膜']
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from cleanco import basename  # type: ignore[import-untyped]
from cleanco.clean import normalized, strip_punct, strip_tail  # type: ignore[import-untyped]

# Chinese and Japanese legal forms (cleanco has none), longest first; removed at the end of the name
# (repeatedly); 株式会社 also at its start.
_CN_FORMS = (
    "股份有限公司", "有限责任公司", "株式会社", "有限公司", "股份公司", "集团公司", "责任公司", "总公司", "公司",
)
_CN_PREFIX_FORMS = ("株式会社",)
# A continuation marker that a list carries over from a page break: "(continued)", "(cont'd)", （续）.
_CONTINUED = re.compile(r"[（(]\s*(?:continued|cont'?d\.?|续)\s*[）)]", re.IGNORECASE)
# English legal-form words, removed wherever they stand as separate tokens.
_EN_FORMS = {
    "inc", "incorporated", "co", "company", "ltd", "limited", "corp", "corporation", "llc", "plc", "gmbh",
    "ag", "aktiengesellschaft", "sa", "nv", "bv", "kk", "pte", "bhd", "sdn", "srl", "spa", "the", "oy", "ab",
}
_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "中国",
)
_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")
# A parenthesised part that is short Chinese text — a region (（江西）, (南昌市)) or a note such as (集团) —
# is dropped; a branch designation (（南昌分公司）) is kept.
_REGION = re.compile(r"^(?:" + "|".join(_PROVINCES) + r")(?:省|市|自治区|特别行政区)?$|^[\u4e00-\u9fff]{1,6}$")
_BRANCH = ("分公司", "分厂", "分行", "办事处", "分部")
_PUNCT = re.compile(r"[\s\-_.,，。、'\"“”‘’·•/\\&＆+:：;；!！?？*]+")
_LIST_SPLIT = re.compile(r"\s*[、,，;；|\n]\s*")


def fold(text: str) -> str:
    """NFKC-folded text (full-width letters, digits and brackets to ASCII), whitespace collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)  # ~15 MB when full: a supply file names the same firms again and again
def normalise_name(name: str) -> str:
    """The matching key of an enterprise name (see the module docstring); cached, as an import asks
    for the same names again and again."""
    text = _CONTINUED.sub(" ", fold(name))
    # Parenthesised regions: (江西), （南昌市）; other parenthesised text is kept (without brackets).
    text = _PAREN.sub(lambda m: "" if _is_region(m.group(1).strip()) else f" {m.group(1)} ", text)
    text = strip_legal_forms(text).lower()
    for form in _CN_PREFIX_FORMS:
        if text.startswith(form) and len(text) > len(form):
            text = text[len(form):]
    text = text.replace("&", " and ")
    changed = True
    while changed:
        changed = False
        stripped = text.rstrip(" .,")
        for form in _CN_FORMS:
            if stripped.endswith(form) and len(stripped) > len(form):
                text, changed = stripped[: -len(form)], True
                break
    tokens = [token for token in re.split(r"[\s,.]+", text) if token]
    if any(token.isascii() for token in tokens):
        tokens = [token for token in tokens if token not in _EN_FORMS] or tokens
    return _PUNCT.sub("", "".join(tokens)) or _PUNCT.sub("", text)


@lru_cache(maxsize=1 << 12)  # called by normalise_name, whose own cache answers repeats
def strip_legal_forms(name: str) -> str:
    """``name`` without its trailing Latin-script legal forms, by cleanco's term list, until none is left.

    >>> strip_legal_forms("Hon Hai Precision Industry Co., Ltd.")
    'Hon Hai Precision Industry'
    >>> strip_legal_forms("Lumileds Holding B.V."), strip_legal_forms("3M")
    ('Lumileds Holding', '3M')
    """
    text = " ".join(name.split())
    if " " not in text:  # one word (every Chinese name): a set lookup gives cleanco's answer
        return _one_word_basename(text)
    while True:
        shorter = basename(text)
        if not shorter or shorter == text:
            return text
        text = shorter


@lru_cache(maxsize=1)
def _one_word_terms() -> frozenset[str]:
    """cleanco's one-word legal forms, as its ``basename`` compares them (normalised, no punctuation)."""
    return frozenset(parts[0] for size, parts in basename.keywords["terms"] if size == 1)


def _one_word_basename(word: str) -> str:
    """``strip_legal_forms`` of a name without spaces, without cleanco's loop over its ~1,000 terms.

    ``basename`` drops trailing symbols, then the word itself when it is a legal form (an empty
    answer, so the loop keeps ``word``); repeated, only the trailing symbols go.

    >>> _one_word_basename("南昌甲公司"), _one_word_basename("3M!!"), _one_word_basename("Ltd."), _one_word_basename("Ltd!!")
    ('南昌甲公司', '3M', 'Ltd.', 'Ltd!!')
    """
    tail: str = strip_tail(word)
    if tail == word or not tail or strip_punct(normalized(tail)) in _one_word_terms():
        return word  # nothing trailing to drop (most names: no need to normalise), or only a legal form left
    return tail


def _is_region(text: str) -> bool:
    return bool(_REGION.match(text)) and not any(word in text for word in _BRANCH)


def enterprise_id(name: str) -> str:
    """A stable ``ent:`` id for an enterprise known only by name (same normalised name, same id)."""
    return "ent:" + hashlib.sha1(normalise_name(name).encode("utf-8")).hexdigest()[:16]


def split_list(value: object) -> list[str]:
    """Items of a list cell: separated by 、 , ， ; ； | or line breaks; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item for item in _LIST_SPLIT.split(str(value).strip()) if item]
