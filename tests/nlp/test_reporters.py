"""kg.nlp.relations.reporters: where a dateline's or byline's reporters stand after the outlet."""

from __future__ import annotations

from kg.nlp.relations.reporters import is_outlet, line_around, reporter_window


def window(text: str, outlet: str) -> str | None:
    start = text.index(outlet)
    found = reporter_window(text, start, start + len(outlet))
    return None if found is None else text[found[0] : found[1]]


def test_the_reporters_names_run_from_the_role_to_the_correspondent() -> None:
    assert window("青禾日报记者 孟晓岚 韦一鸣　通讯员 沈佳", "青禾日报") == "孟晓岚 韦一鸣　"
    assert window("青禾日报讯（全媒体记者孟晓岚）开幕。", "青禾日报") == "孟晓岚"


def test_an_intern_and_a_photographers_credit_end_the_reporters() -> None:
    assert window("青禾日报讯（记者孟晓岚　实习生沈佳）", "青禾日报") == "孟晓岚　"
    assert window("青禾日报记者 孟晓岚 文 沈佳 摄", "青禾日报") == "孟晓岚 "


def test_an_outlet_inside_a_sentence_or_with_a_web_desk_has_no_reporters() -> None:
    assert window("首场由青禾日报社高级记者孟晓岚讲述。", "青禾日报社") is None
    assert window("青禾日报社原副总编辑、高级记者孟晓岚讲述。", "青禾日报社") is None
    assert window("青禾日报客户端记者孟晓岚", "青禾日报") is None


def test_outlets_are_named_by_their_heads_and_the_evidence_is_the_line() -> None:
    assert is_outlet("青禾日报") and is_outlet("青禾广播电视台") and not is_outlet("青禾机械")
    text = "标题\n青禾日报记者 孟晓岚\n正文。"
    assert text[slice(*line_around(text, 3, 10))] == "青禾日报记者 孟晓岚"


def test_the_reporters_of_a_web_desk_joined_to_its_paper_are_the_papers() -> None:
    assert window("青禾日报-中工网记者 孟晓岚 通讯员 沈佳", "青禾日报") == "孟晓岚 "
    assert window("中工网讯（青禾日报—中工网记者 孟晓岚）开幕。", "青禾日报") == "孟晓岚"
    assert window("本报讯（青禾工人报记者 孟晓岚 通讯员 沈佳）", "青禾工人报") == "孟晓岚 "


def test_a_bracket_after_a_word_with_dian_opens_no_byline() -> None:
    assert window("停电（青禾日报记者 孟晓岚）", "青禾日报") is None


def test_an_agencys_long_dateline_with_a_special_dispatch_reaches_its_reporters() -> None:
    text = "青禾社白鹭省青禾市1月11日专电（记者孟晓岚、沈佳）开幕。"
    assert window(text, "青禾社") == "孟晓岚、沈佳"
