"""The annotated-corpus loader and checks (kg.corpus), on small corpora written here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus import corpus_problems, corpus_stats, format_stats, gold_names, load_corpus
from kg.errors import GoldError

PAGE = (
    "本报讯 记者周晓 青禾机械有限公司工会主席陶立新为徒弟沈佳讲解焊接要领。"
    "他说，师傅带徒弟要有耐心。"
)


def manifest_line(document: str, article: int = 0, **fields: Any) -> dict[str, Any]:
    """A manifest line with plausible values; ``fields`` override them."""
    return {
        "document": document,
        "article": article,
        "url": f"https://news.example.cn/{document}/{article}",
        "outlet": "职工日报",
        "date": "2024-05-08",
        "province": "江苏",
        "sector": "manufacturing",
        "style": "plain",
        "split": "train",
        **fields,
    }


def gold_record(document: str, relations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The gold of PAGE: a union, its company, two people and who trained whom."""
    return {
        "document": document,
        "entities": [
            {"id": "E1", "type": "PERSON", "name": "周晓", "roles": ["JOURNALIST"]},
            {"id": "E2", "type": "UNION", "name": "青禾机械有限公司工会"},
            {"id": "E3", "type": "ENTERPRISE", "name": "青禾机械有限公司"},
            {"id": "E4", "type": "PERSON", "name": "陶立新", "roles": ["TRAINER"]},
            {"id": "E5", "type": "PERSON", "name": "沈佳", "roles": ["TRAINEE"]},
        ],
        "relations": relations
        if relations is not None
        else [
            {
                "head": "E4",
                "type": "TRAINED",
                "tail": "E5",
                "evidence": "青禾机械有限公司工会主席陶立新为徒弟沈佳讲解焊接要领。",
            },
            {
                "head": "E4",
                "type": "LEADS",
                "tail": "E2",
                "evidence": "青禾机械有限公司工会主席陶立新为徒弟沈佳讲解焊接要领。",
            },
        ],
    }


def write_corpus(
    root: Path,
    lines: list[dict[str, Any]],
    texts: dict[str, str],
    golds: dict[str, dict[str, Any]],
) -> Path:
    """Write a corpus folder: manifest lines, texts by file name, gold by file name."""
    (root / "corpus").mkdir(parents=True)
    (root / "gold").mkdir()
    manifest = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (root / "MANIFEST.jsonl").write_text(manifest, encoding="utf-8")
    for name, text in texts.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    for name, gold in golds.items():
        (root / "gold" / name).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture()
def one_page(tmp_path: Path) -> Path:
    """A corpus of one plain-text page with its gold."""
    return write_corpus(
        tmp_path / "c",
        [manifest_line("p.txt")],
        {"p.txt": PAGE},
        {"p.json": gold_record("p.txt")},
    )


def test_load_corpus_reads_documents_and_their_articles(one_page: Path) -> None:
    corpus = load_corpus(one_page)
    assert [document.name for document in corpus.documents] == ["p.txt"]
    assert corpus.documents[0].gold_path == one_page / "gold" / "p.json"
    assert corpus.split("train") == corpus.documents
    assert corpus.split("dev") == ()


def test_a_clean_corpus_has_no_problems(one_page: Path) -> None:
    assert corpus_problems(load_corpus(one_page)) == []


def test_a_manifest_line_with_an_unknown_field_is_refused_with_its_line(tmp_path: Path) -> None:
    lines = [manifest_line("p.txt"), manifest_line("p.txt", 1, sectr="coal")]
    root = write_corpus(tmp_path / "c", lines, {"p.txt": PAGE}, {"p.json": gold_record("p.txt")})
    with pytest.raises(GoldError, match=r"MANIFEST.jsonl:2: .*unknown fields \['sectr'\]"):
        load_corpus(root)


def test_a_manifest_line_with_an_unknown_province_is_refused(tmp_path: Path) -> None:
    lines = [manifest_line("p.txt", province="江南")]
    root = write_corpus(tmp_path / "c", lines, {"p.txt": PAGE}, {"p.json": gold_record("p.txt")})
    with pytest.raises(GoldError, match=r"MANIFEST.jsonl:1: province '江南' is not one of"):
        load_corpus(root)


def test_a_name_missing_from_the_text_is_a_problem(tmp_path: Path) -> None:
    gold = gold_record("p.txt")
    gold["entities"][4]["aliases"] = ["小沈"]
    root = write_corpus(tmp_path / "c", [manifest_line("p.txt")], {"p.txt": PAGE}, {"p.json": gold})
    assert corpus_problems(load_corpus(root)) == [
        f"{root / 'gold' / 'p.json'}: E5: name '小沈' is not in the text"
    ]


@pytest.mark.parametrize(
    ("listed", "name", "alias", "problems"),
    [
        ("青山市教委、市人社局", "青山市人社局", "市人社局", 0),  # rebuilt with the list's place
        ("青山市教委、市人社局", "白鹭市人社局", "市人社局", 1),  # a place the text never writes
        ("青山自治區教委、區人社廳", "青山自治區人社廳", "區人社廳", 0),  # in Traditional
    ],
)
def test_a_level_form_rebuilt_with_its_lists_place_may_be_canonical(
    tmp_path: Path, listed: str, name: str, alias: str, problems: int
) -> None:
    text = PAGE + f"比赛由{listed}联合主办。\n"
    gold = gold_record("p.txt")
    gold["entities"].append({"id": "G1", "type": "GOVERNMENT", "name": name, "aliases": [alias]})
    root = write_corpus(tmp_path / "c", [manifest_line("p.txt")], {"p.txt": text}, {"p.json": gold})
    assert len(corpus_problems(load_corpus(root))) == problems


def test_evidence_naming_an_end_by_a_pronoun_needs_a_reference(tmp_path: Path) -> None:
    said = {"head": "E4", "type": "TRAINED", "tail": "E5", "evidence": "他说，师傅带徒弟要有耐心。"}
    gold = gold_record("p.txt", [said])
    root = write_corpus(tmp_path / "c", [manifest_line("p.txt")], {"p.txt": PAGE}, {"p.json": gold})
    problems = corpus_problems(load_corpus(root))
    assert any("names '陶立新' by no name or reference" in problem for problem in problems)
    gold["relations"][0] |= {"head_ref": "他", "tail_ref": "徒弟"}
    (root / "gold" / "p.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert corpus_problems(load_corpus(root)) == []


def test_a_relation_of_the_wrong_end_types_is_a_problem(tmp_path: Path) -> None:
    backwards = {"head": "E2", "type": "LEADS", "tail": "E4", "evidence": PAGE.split(" ")[2]}
    gold = gold_record("p.txt", [backwards])
    root = write_corpus(tmp_path / "c", [manifest_line("p.txt")], {"p.txt": PAGE}, {"p.json": gold})
    assert any(
        "LEADS head E2 must be one of ['PERSON']" in p for p in corpus_problems(load_corpus(root))
    )


def test_two_articles_from_one_source_are_a_problem(tmp_path: Path) -> None:
    url = "https://news.example.cn/same"
    lines = [manifest_line("p.txt", 0, url=url), manifest_line("p.txt", 1, url=url)]
    root = write_corpus(tmp_path / "c", lines, {"p.txt": PAGE}, {"p.json": gold_record("p.txt")})
    assert corpus_problems(load_corpus(root)) == [f"{url}: the source of 2 articles"]


def test_a_name_of_the_reserved_gold_is_a_problem(one_page: Path, tmp_path: Path) -> None:
    reserved = tmp_path / "reserved"
    reserved.mkdir()
    other = {"entities": [{"name": "青禾机械有限公司"}, {"name": "市总工会"}, {"name": "常熟市"}]}
    (reserved / "d.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    assert gold_names(reserved) == {"青禾机械有限公司"}
    problems = corpus_problems(load_corpus(one_page), gold_names(reserved))
    assert problems == [
        f"{one_page / 'gold' / 'p.json'}: E3: '青禾机械有限公司' is a name of the development gold"
    ]


def test_a_reserved_name_written_in_traditional_characters_is_a_problem(
    one_page: Path,
) -> None:
    problems = corpus_problems(load_corpus(one_page), {"青禾機械有限公司"})
    assert problems == [
        f"{one_page / 'gold' / 'p.json'}: E3: '青禾机械有限公司' is a name of the development gold"
    ]


def test_a_feed_is_one_gold_record_per_line(tmp_path: Path) -> None:
    feed = [
        {
            "id": "a",
            "title": "焊工",
            "date": "2024-05-08",
            "source": "职工日报",
            "url": "u",
            "text": PAGE,
        }
    ]
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in feed)
    gold = json.dumps(gold_record("f.jsonl") | {"id": "a"}, ensure_ascii=False) + "\n"
    root = write_corpus(
        tmp_path / "c", [manifest_line("f.jsonl", record="a", style="jsonl")], {"f.jsonl": text}, {}
    )
    (root / "gold" / "f.jsonl").write_text(gold, encoding="utf-8")
    assert corpus_problems(load_corpus(root)) == []


def test_stats_count_articles_regions_and_relations(one_page: Path) -> None:
    stats = corpus_stats(load_corpus(one_page))
    assert (stats["articles"], stats["documents"], stats["outlets"]) == (1, 1, 1)
    assert stats["regions"] == {"江苏": 1}
    assert stats["relations"]["TRAINED"] == 1
    assert "regions: 1 of 31 (江苏 1)" in format_stats(stats)


def test_kg_corpus_stats_prints_the_counts(one_page: Path) -> None:
    result = CliRunner().invoke(main, ["corpus", "stats", str(one_page)])
    assert result.exit_code == 0, result.output
    assert "articles: 1 in 1 documents (train 1)" in result.output


def test_kg_corpus_check_exits_1_on_a_problem(tmp_path: Path) -> None:
    gold = gold_record("p.txt")
    gold["entities"][0]["type"] = "REPORTER"
    root = write_corpus(tmp_path / "c", [manifest_line("p.txt")], {"p.txt": PAGE}, {"p.json": gold})
    result = CliRunner().invoke(main, ["corpus", "check", str(root)])
    assert result.exit_code == 1
    assert "E1: unknown type 'REPORTER'" in result.output


def test_agreement_scores_a_second_annotation_against_the_gold(
    one_page: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second"
    second.mkdir()
    fewer = gold_record("p.txt")
    fewer["relations"] = fewer["relations"][:1]
    (second / "p.json").write_text(json.dumps(fewer, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["corpus", "agreement", str(one_page), "--second", str(second)]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"TRAINED\s+1\.000\s+1\.000\s+1\.000", result.output)
    assert re.search(r"LEADS\s+-\s+0\.000\s+0\.000", result.output)
