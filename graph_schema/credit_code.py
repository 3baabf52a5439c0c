"""统一社会信用代码 (unified social credit code) check digit, GB 32100-2015.

>>> credit_code_check_char("91360100MA35GWXY5")
'H'
>>> is_valid_credit_code("91360100MA35GWXY5H")
True
>>> is_valid_credit_code("91360100MA35GWXY5A")
False
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17.

    Raises ValueError when a character is outside the code's 31-letter alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed in a 统一社会信用代码") from None
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [char for char in code if char not in _VALUE]
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(bad)!r}（不使用 I、O、Z、S、V 及小写字母）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}"
    return None


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is 18 characters of the code's alphabet with a correct check character."""
    return credit_code_problem(code) is None
