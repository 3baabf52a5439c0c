"""Name normalisation, generated ids and list cells."""

from __future__ import annotations

import pytest

from loaders.names import enterprise_id, normalise_name, split_list


@pytest.mark.parametrize("a, b", [
    ("南昌甲科技有限公司", "南昌甲科技股份有限公司"),
    ("南昌甲科技有限公司", "南昌甲科技（江西）有限公司"),
    ("南昌甲科技有限公司", "南昌甲科技(南昌市)有限责任公司"),
    ("南昌甲科技有限公司", " 南昌甲科技 有限公司 "),
    ("ＡＢＣ电子有限公司", "ABC电子有限公司"),
    ("Alps Electric Co., Ltd.", "ALPS ELECTRIC COMPANY LIMITED"),
    ("Advanced Micro Devices, Inc.", "Advanced Micro Devices Incorporated"),
    ("AT&S AG", "AT & S"),
    ("3M", "3M Company"),
])
def test_spellings_of_one_company_meet(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)
    assert enterprise_id(a) == enterprise_id(b)


@pytest.mark.parametrize("a, b", [
    ("南昌甲科技有限公司", "南昌乙科技有限公司"),
    ("南昌甲科技有限公司", "南昌甲科技有限公司（南昌分公司）"),
    ("AAC Technologies Holdings Inc.", "AAC Acoustic Technologies Holdings Inc."),
])
def test_different_companies_stay_apart(a: str, b: str) -> None:
    assert normalise_name(a) != normalise_name(b)


def test_generated_id_is_stable_and_prefixed() -> None:
    assert enterprise_id("南昌甲科技有限公司") == enterprise_id("南昌甲科技有限公司")
    assert enterprise_id("南昌甲科技有限公司").startswith("ent:")


def test_split_list_keeps_slashes_inside_names() -> None:
    assert split_list("Mini/Micro LED显示模组、LED芯片；  ") == ["Mini/Micro LED显示模组", "LED芯片"]
    assert split_list(["a", " ", "b"]) == ["a", "b"]
    assert split_list(None) == []
