"""extract_sources: the articles of all sources share one nlp.pipe, records stay per source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from spacy.language import Language

from kg.cli import main
from kg.model import Source
from kg.nlp.extract import (
    PIPE_BATCH,
    article_pieces,
    extract_sources,
    is_model_worker_honour,
    to_record,
)
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.nlp.ner.mentions import CONFIRMED_KEY
from kg.read.articles import split_articles
from kg.read.ingest import source_from_text

# fmt: off
TEXTS = [
    "常熟市总工会主席沈丽华到青禾机械有限公司调研，吕国梁介绍了劳模创新工作室的情况。",
    "",  # no article: its record still comes, in its place
    "白鹭镇总工会与栎阳精密铸造有限公司签约，共建工匠学院。",
    "   ",
    "记者王海涛报道 青禾机械有限公司工会举办技能竞赛。",
]
# fmt: on


def sources(texts: list[str]) -> list[Source]:
    return [
        source_from_text(text, path=f"{n}.txt", document=f"{n}.txt") for n, text in enumerate(texts)
    ]


def records(nlp: Language, given: list[Source]) -> list[str]:
    extractions = extract_sources(nlp, given, NameParts(load_lexicon()))
    return [json.dumps(to_record(e), ensure_ascii=False) for e in extractions]


def record_of(nlp: Language, text: str) -> dict[str, Any]:
    """The output record of one text."""
    return to_record(next(extract_sources(nlp, sources([text]), NameParts(load_lexicon()))))


def test_sources_together_give_the_records_of_each_alone(nlp: Language) -> None:
    given = sources(TEXTS)
    alone = [record for source in given for record in records(nlp, [source])]
    together = records(nlp, given)
    assert together == alone
    assert [json.loads(r)["document"] for r in together] == [f"{n}.txt" for n in range(len(TEXTS))]
    assert "常熟市总工会" in together[0] and "白鹭镇总工会" in together[2]


def test_records_span_batches_of_the_pipeline(nlp: Language) -> None:
    given = sources([TEXTS[n % len(TEXTS)] for n in range(PIPE_BATCH * 2 + 3)])
    together = records(nlp, given)
    assert len(together) == len(given)
    for n in (0, PIPE_BATCH - 1, PIPE_BATCH, PIPE_BATCH * 2 + 2):
        assert together[n] == records(nlp, [given[n]])[0]


def test_records_stream_before_the_input_ends(nlp: Language) -> None:
    read: list[int] = []

    def lazily() -> Iterator[Source]:
        for n, source in enumerate(sources([TEXTS[0]] * PIPE_BATCH * 4)):
            read.append(n)
            yield source

    first = next(extract_sources(nlp, lazily(), NameParts(load_lexicon())))
    assert first.document == "0.txt"
    assert len(read) <= PIPE_BATCH * 2


def test_a_craftsman_honour_makes_its_holder_a_model_worker(nlp: Language) -> None:
    text = "去年，青禾机械有限公司焊工吕国梁获评“常熟工匠”。徒弟沈佳在技能竞赛中获得一等奖。"
    people = {
        entity["name"]: entity["roles"]
        for entity in record_of(nlp, text)["entities"]
        if entity["type"] == "PERSON"
    }
    assert "MODEL_WORKER" in people["吕国梁"]
    assert "MODEL_WORKER" not in people.get("沈佳", [])


def test_model_worker_honours_are_the_craftsman_and_model_worker_titles() -> None:
    assert is_model_worker_honour("2023年度“安徽工匠”")
    assert is_model_worker_honour("全国五一劳动奖章")
    assert not is_model_worker_honour("一等奖")


def test_an_article_over_a_million_characters_is_read_in_pieces_with_offsets_kept(
    tmp_path: Path,
) -> None:
    sentence = "青禾机械有限公司工会组织职工开展技能培训，张明师傅担任讲师。\n"
    filler = ("工作" * 50 + "\n") * 10_400  # one article: no headline, byline or caption
    raw = "## 青禾工会开班\n" + sentence + filler + sentence
    page = tmp_path / "long.md"
    page.write_text(raw, encoding="utf-8")
    assert len(raw) > 1_000_000  # spaCy's max_length: a longer text is refused whole (E088)
    result = CliRunner().invoke(main, ["extract", str(page)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert len(record["articles"]) == 1
    mentions = [m for e in record["entities"] for m in e["mentions"]]
    assert all(raw[m["start"] : m["end"]] == m["text"] for m in mentions)
    last = len(raw) - len(sentence)  # the sentence again, in the last piece
    found = {m["text"] for m in mentions if m["start"] >= last}
    assert found == {"青禾机械有限公司工会", "青禾机械有限公司", "张明"}


def test_article_pieces_cover_a_long_article_and_end_at_line_breaks() -> None:
    raw = ("职工" * 30 + "。" + "工会" * 20 + "\n") * 300
    source = source_from_text(raw, "a.txt", "a.txt")
    (article,) = split_articles(source)
    pieces = article_pieces(article, source.text, limit=10_000, size=1_000)
    assert pieces[0].start == article.start and pieces[-1].end == article.end
    assert all(before.end == after.start for before, after in pairwise(pieces))
    assert len(pieces) > 10 and all(p.end - p.start <= 1_000 for p in pieces)
    assert all(source.text[p.end - 1] == "\n" for p in pieces[:-1])
    assert article_pieces(article, source.text, limit=len(raw)) == [article]


def rule_facts(record: dict[str, Any], rule: str) -> set[tuple[str, str]]:
    """The (head, tail) names of the facts ``rule`` states in ``record``."""
    names = {entity["id"]: entity["name"] for entity in record["entities"]}
    return {
        (names[fact["head"]], names[fact["tail"]])
        for fact in record["relations"]
        if fact["rule"] == rule
    }


def test_the_reporters_of_a_dateline_work_at_its_outlet_and_its_correspondents_do_not(
    nlp: Language,
) -> None:
    text = "青禾日报讯（记者孟晓岚 通讯员韦一鸣）7月13日，吴江区职工技能大赛开幕。"
    assert rule_facts(record_of(nlp, text), "reporter") == {("孟晓岚", "青禾日报")}


def test_a_web_desks_reporter_works_for_no_outlet(nlp: Language) -> None:
    text = "青禾日报客户端记者孟晓岚\n7月13日，吴江区职工技能大赛开幕。"
    assert rule_facts(record_of(nlp, text), "reporter") == set()


class _Unconfirmed:
    """The pipeline, as if the entity model had found none of its names (``CONFIRMED_KEY``)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.max_length = nlp.max_length

    def pipe(self, texts, **options):  # type: ignore[no-untyped-def]
        for doc, context in self.nlp.pipe(texts, **options):
            doc.user_data[CONFIRMED_KEY] = set()
            yield doc, context


def test_the_model_confirms_its_names_and_a_name_it_did_not_find_needs_a_fact(
    nlp: Language,
) -> None:
    text = "常熟市总工会主席沈丽华出席开幕式。青禾机械有限公司派出十名选手。"
    doc = nlp(text)
    assert (text.index("沈丽华"), text.index("沈丽华") + 3) in doc.user_data[CONFIRMED_KEY]
    both = json.loads(records(nlp, sources([text]))[0])
    alone = json.loads(records(_Unconfirmed(nlp), sources([text]))[0])  # type: ignore[arg-type]
    assert {e["name"] for e in both["entities"]} == {"常熟市总工会", "沈丽华", "青禾机械有限公司"}
    assert {e["name"] for e in alone["entities"]} == {"常熟市总工会", "沈丽华"}
    assert alone["relations"] == both["relations"]


def test_a_bureaus_union_committee_is_part_of_the_bureau_and_a_countys_union_of_nothing(
    nlp: Language,
) -> None:
    text = (
        "吴江区气象局工会委员会组织职工参加培训，吴江区气象局局长孟晓岚到场。"
        "婺源县工会组织职工参加培训，婺源县副县长韦一鸣到场。"
    )
    record = record_of(nlp, text)
    assert {"婺源县工会", "婺源县"} <= {entity["name"] for entity in record["entities"]}
    assert rule_facts(record, "named_part") == {("吴江区气象局工会委员会", "吴江区气象局")}
