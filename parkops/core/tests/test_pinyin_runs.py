"""Pinyin search keys read a name run by run exactly as pypinyin splits it."""

import itertools

from pypinyin.seg.simpleseg import simple_seg

from parkops.core import text

PIECES = ["苏州", "重庆", "abc", "123", " ", "（", "）", "\n", "〇", "𠀀", "\ue815", "Ａ", "·", ""]


def test_a_name_is_split_into_the_runs_pypinyin_finds():
    for size in (1, 2, 3):
        for parts in itertools.product(PIECES, repeat=size):
            name = "".join(parts)
            if name:
                assert text._RUNS.findall(name) == simple_seg(name), name


def test_names_keep_their_search_keys():
    assert text.pinyin_keys("重庆渝北区123号（测试）") == (
        "chongqingyubeiqu123haoceshi",
        "cqybq123hcs",
    )
    assert text.pinyin_keys("") == ("", "")


def test_a_character_read_two_ways_is_read_as_its_phrase_says():
    # 重 zhong/chong, 长 chang/zhang, 行 xing/hang: pypinyin's phrase dictionary decides.
    assert text.pinyin_keys("重庆") == ("chongqing", "cq")
    assert text.pinyin_keys("长沙银行") == ("changshayinhang", "csyh")
    assert text.pinyin_keys("行长") == ("hangzhang", "hz")
    assert text.pinyin_keys("重要") == ("zhongyao", "zy")
