"""Our 统一社会信用代码 check against python-stdnum's (``stdnum.cn.uscc``): on GB 32100 vectors, on
random valid and invalid codes, and where the two disagree (the reasons are in
``graph_schema/credit_code.py``)."""

from __future__ import annotations

import random
import string

import pytest
from stdnum.cn import uscc

from graph_schema.credit_code import CHARSET, credit_code_check_char, credit_code_problem, is_valid_credit_code

VALID = [
    "91110000600037341L",  # python-stdnum's example; its 组织机构代码 600037341 is valid too
    "91360100MA35GWXY5H",
    "91360100MA35GWXY6L",
    "91360100MA35GWXY7P",
    "91360100MA35GWXY8T",
    "91360100000000000M",
]
INVALID = ["91360100MA35GWXY5A", "91110000600037341X", "9136010MA35GWXY5H", "91360100MA35GWXY5HH", ""]


def gb32100_check_char(first17: str) -> str:
    """The standard's formula written out: weights 3^i mod 31, check = (31 - sum mod 31) mod 31."""
    total = sum(CHARSET.index(char) * pow(3, position, 31) for position, char in enumerate(first17))
    return CHARSET[(31 - total % 31) % 31]


def gb11714_check_char(first8: str) -> str:
    """The check character of a 组织机构代码 (GB 11714), embedded in a credit code's characters 9–17."""
    values = {char: value for value, char in enumerate(string.digits + string.ascii_uppercase)}
    remainder = 11 - sum(values[char] * weight for char, weight in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors(code: str) -> None:
    assert is_valid_credit_code(code) and uscc.is_valid(code)
    assert credit_code_check_char(code[:17]) == gb32100_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", INVALID)
def test_invalid_vectors(code: str) -> None:
    assert not is_valid_credit_code(code) and not uscc.is_valid(code)


def test_the_embedded_organisation_code_is_checked_by_neither() -> None:
    """GB 32100's check character covers all 17 characters; the embedded GB 11714 check is not asked."""
    assert gb11714_check_char("60003734") == "1"  # 91110000 600037341 L
    assert gb11714_check_char("MA35GWXY") != "5"  # 91360100 MA35GWXY5 H: not a GB 11714 code ...
    assert is_valid_credit_code("91360100MA35GWXY5H") and uscc.is_valid("91360100MA35GWXY5H")  # ... valid anyway


def test_random_codes_agree() -> None:
    rng = random.Random(32100)
    for _ in range(5000):
        body = "".join(rng.choices(string.digits, k=8) + rng.choices(CHARSET, k=9))
        check = credit_code_check_char(body)
        assert check == gb32100_check_char(body)
        assert is_valid_credit_code(body + check) and uscc.is_valid(body + check)
        wrong = rng.choice(CHARSET.replace(check, ""))
        assert not is_valid_credit_code(body + wrong) and not uscc.is_valid(body + wrong)
        outside = body[:-1] + rng.choice("IOSVZ!") + check  # a character outside the alphabet
        assert credit_code_problem(outside).startswith("统一社会信用代码含非法字符") and not uscc.is_valid(outside)


def test_the_check_character_agrees_on_any_body() -> None:
    rng = random.Random(11714)
    for _ in range(5000):
        body = "".join(rng.choices(CHARSET, k=17))
        assert credit_code_check_char(body) == uscc.calc_check_digit(body) == gb32100_check_char(body)


def test_where_stdnum_disagrees() -> None:
    """stdnum refuses letters in the first two characters (GB 32100 allows them) and accepts codes in
    lower case or with spaces and hyphens (not the canonical form an id must have)."""
    for first2 in ("N2", "Y1", "A1"):
        body = first2 + "360100MA35GWXY5"
        code = body + credit_code_check_char(body)
        assert is_valid_credit_code(code) and not uscc.is_valid(code)
    for loose in ("91360100ma35gwxy5h", "9136 0100 MA35 GWXY 5H", "91360100-MA35GWXY5H"):
        assert not is_valid_credit_code(loose) and uscc.is_valid(loose)


def test_messages_stay_the_same() -> None:
    assert credit_code_problem("91360100MA35GWXY5") == "统一社会信用代码应为18位，实际为17位"
    assert credit_code_problem("91360100MA35GWXY5I") == "统一社会信用代码含非法字符 'I'（不使用 I、O、Z、S、V 及小写字母）"
    assert credit_code_problem("91360100MA35GWXY5A") == "统一社会信用代码校验位错误：应为 H，实际为 A"
    with pytest.raises(ValueError, match="character 'O' is not allowed"):
        credit_code_check_char("91360100MA35GWXYO")
    with pytest.raises(ValueError, match="expected 17 characters, got 3"):
        credit_code_check_char("913")
