"""A firm already in the store, imported again: its stored aliases are kept, and a credit code
imported under another name is a rename made visible — a warning naming the old and the new name,
the old one kept as an alias (policy ``warn``, the default), or an error (policy ``refuse``).

>>> kept_names("南昌乙新材料有限公司", ["乙新材"], ("南昌甲科技有限公司", ("甲科技",)))
['乙新材', '甲科技', '南昌甲科技有限公司']
>>> rename_problem("91360100MA35GWXY5H", "南昌甲科技有限公司", "南昌乙新材料有限公司", "warn")[1]
'警告'
>>> is_rename("南昌甲（江西）有限公司", "南昌甲(江西)有限公司")
False
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from loaders.names import fold

RenamePolicy = Literal["warn", "refuse"]


def is_rename(old: str, new: str) -> bool:
    """Whether ``new`` is another name than ``old``, not the same one in full-width letters or other spacing."""
    return fold(old) != fold(new)


def kept_names(name: str, given: Sequence[str], stored: tuple[str, tuple[str, ...]]) -> list[str]:
    """The aliases to write for a firm stored as ``stored`` (name, aliases) and imported as ``name``
    with aliases ``given``: the given ones, the stored ones, and the stored name when it is another
    one — never ``name`` itself."""
    old_name, old_aliases = stored
    extra = [old_name] if is_rename(old_name, name) else []
    return [alias for alias in dict.fromkeys([*given, *old_aliases, *extra]) if alias != name]


def rename_problem(code: str, old: str, new: str, policy: RenamePolicy) -> tuple[str, Literal["错误", "警告"]]:
    """The report's reason and level for credit code ``code`` stored as ``old`` and imported as ``new``."""
    said = f"统一社会信用代码 {code} 在库中的企业名称为“{old}”，本次导入为“{new}”"
    if policy == "refuse":
        return (f"{said}：按改名策略 refuse 拒绝改名。若确为企业更名，请改用 --rename warn（上传时 rename=warn）导入，"
                "原名称将保留为曾用名；否则请核对名称或信用代码"), "错误"
    return f"{said}：已按新名称更新，原名称“{old}”保留为曾用名", "警告"
