"""统一社会信用代码 (unified social credit code) check, GB 32100-2015.

>>> credit_code_check_char("91360100MA35GWXY5")
'H'
>>> is_valid_credit_code("91360100MA35GWXY5H")
True
>>> is_valid_credit_code("91360100MA35GWXY5A")
False

The check character is python-stdnum's (``stdnum.cn.uscc.calc_check_digit``). Its validator
(``stdnum.cn.uscc.validate`` / ``is_valid``) is not used, because it disagrees with ours, and with
GB 32100, in two ways (``tests/test_credit_code.py`` shows both):

- it requires the first 8 characters to be digits, but the first two (登记管理部门代码 and
  机构类别代码) may be letters in GB 32100 — ``N`` (农业农村), ``Y`` (其他) and others — so it
  refuses real codes;
- it first upper-cases the text and drops spaces and hyphens, so it accepts ``91360100ma35gwxy5h``;
  a code is an id here and must already be in its one canonical form (the importer normalises cells
  before it asks, and says so).

So the length and alphabet checks, and every message users see, stay ours. Neither checks the
组织机构代码 embedded in characters 9–17 (GB 11714 has a check character of its own): GB 32100's
check character covers all 17.
"""

from __future__ import annotations

from stdnum.cn import uscc

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ALLOWED = frozenset(CHARSET)


def credit_code_check_char(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17.

    Raises ValueError when a character is outside the code's 31-letter alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    bad = next((char for char in first17 if char not in _ALLOWED), None)
    if bad is not None:
        raise ValueError(f"character {bad!r} is not allowed in a 统一社会信用代码")
    return uscc.calc_check_digit(first17)


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [char for char in code if char not in _ALLOWED]
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(bad)!r}（不使用 I、O、Z、S、V 及小写字母）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}"
    return None


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is 18 characters of the code's alphabet with a correct check character."""
    return credit_code_problem(code) is None
