"""Synthetic corpora for the scale benchmark: the sample articles with new names, places, dates.

Each article of ``examples/corpus`` is a template. A synthetic article copies one template and
replaces, consistently within the article, every person the pipeline finds in it by a new name
of the same length (a surname from the lexicon and given-name characters), every place name of
the lexicon by another place of the same level (so 常熟市总工会 becomes 宜兴市总工会 and the
unions, bureaus and companies named after places vary with them), and every date by one random
date of 2016–2025. Entities therefore keep growing with the corpus instead of collapsing into
the few of the templates. Output is one JSON Lines file, one article per line, made from a seed.

    python benchmarks/synthetic.py 10000 -o corpus-10000.jsonl [--seed 8]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.nlp.extract import extract_sources
from kg.nlp.language import load
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.read.articles import split_articles
from kg.read.ingest import read_sources
from kg.wordlists import lexicon_dir

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "corpus"
# Characters common in given names (written for this benchmark, not taken from any list).
GIVEN = "国建明华志伟海军文平晓丽娟芳敏静磊洋勇艳杰涛超秀英红霞刚宁玉兰雪梅佳怡思远嘉浩然一鸣书瑶"
FIRST_DAY = datetime.date(2016, 1, 1)
DAYS = 3650
FULL_DATE = re.compile(r"(?<!\d)\d{4}年\d{1,2}月\d{1,2}日")
MONTH_DAY = re.compile(r"(?<![\d年])\d{1,2}月\d{1,2}日")
YEAR = re.compile(r"(?<!\d)20\d\d(?=年)")


@dataclass(frozen=True)
class Template:
    """One sample article: its text and the pieces a synthetic copy replaces."""

    text: str
    persons: tuple[str, ...]  # names as written, longest first
    places: tuple[str, ...]  # lexicon places as written, longest first


@dataclass(frozen=True)
class Places:
    """The lexicon's places by level: full names and short forms."""

    level_of: dict[str, str]
    full: dict[str, list[str]]  # level → full names
    short: dict[str, list[str]]  # level → short forms
    short_of: dict[str, str]  # short form → its level

    @classmethod
    def from_lexicon(cls) -> Places:
        """Read ``places.tsv`` of the packaged lexicon."""
        level_of: dict[str, str] = {}
        full: dict[str, list[str]] = {}
        short: dict[str, list[str]] = {}
        short_of: dict[str, str] = {}
        lines = (lexicon_dir() / "places.tsv").read_text(encoding="utf-8").splitlines()
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            name, level, abbreviation = ([*line.split("\t"), "", ""])[:3]
            level_of[name] = level
            full.setdefault(level, []).append(name)
            if len(abbreviation) >= 2:
                short.setdefault(level, []).append(abbreviation)
                short_of.setdefault(abbreviation, level)
        return cls(level_of, full, short, short_of)

    def pattern(self) -> re.Pattern[str]:
        """Any full name or short form of two characters or more, longest first."""
        names = sorted({*self.level_of, *self.short_of}, key=lambda n: (-len(n), n))
        return re.compile("|".join(re.escape(n) for n in names if len(n) >= 2))

    def replacement(self, place: str, rng: random.Random) -> str:
        """Another place of the same level, full or short as ``place`` is."""
        if place in self.level_of:
            return rng.choice(self.full[self.level_of[place]])
        return rng.choice(self.short[self.short_of[place]])


def read_templates(places: Places) -> list[Template]:
    """The articles of the sample corpus with the persons and places a copy replaces."""
    nlp = load()
    sources = list(read_sources([str(SAMPLE)], on_error=lambda error: sys.exit(str(error))))
    extractions = extract_sources(nlp, sources, NameParts(load_lexicon()))
    pattern = places.pattern()
    templates = []
    for source, extraction in zip(sources, extractions, strict=True):
        for article in split_articles(source):
            text = source.text[article.start : article.end].strip()
            persons = {
                mention.text
                for entity in extraction.entities
                if entity.type == "PERSON"
                for mention in entity.mentions
                if mention.article == article.index and len(mention.text) in (2, 3)
            }
            found = {match.group() for match in pattern.finditer(text)} - persons
            templates.append(Template(text, longest_first(persons), longest_first(found)))
    return templates


def longest_first(names: set[str]) -> tuple[str, ...]:
    """Names sorted so that a longer name is replaced before a name inside it."""
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def new_person(name: str, surnames: list[str], rng: random.Random) -> str:
    """A made-up name as long as ``name``: a surname and given-name characters."""
    return rng.choice(surnames) + "".join(rng.choice(GIVEN) for _ in range(len(name) - 1))


def fill(template: Template, places: Places, surnames: list[str], rng: random.Random) -> str:
    """A copy of ``template`` with new persons, places and dates."""
    substitutes = {name: new_person(name, surnames, rng) for name in template.persons}
    substitutes |= {place: places.replacement(place, rng) for place in template.places}
    if substitutes:
        names = sorted(substitutes, key=lambda n: (-len(n), n))
        pattern = re.compile("|".join(re.escape(n) for n in names))
        text = pattern.sub(lambda match: substitutes[match.group()], template.text)
    else:
        text = template.text
    return text


def redate(text: str, day: datetime.date) -> str:
    """``text`` with every date set to ``day`` (years, full dates and month-day dates)."""
    text = FULL_DATE.sub(f"{day.year}年{day.month}月{day.day}日", text)
    text = MONTH_DAY.sub(f"{day.month}月{day.day}日", text)
    return YEAR.sub(str(day.year), text)


def synthetic_articles(count: int, seed: int = 8) -> Iterator[dict[str, str]]:
    """``count`` synthetic articles as JSON Lines records (id, date, text)."""
    places = Places.from_lexicon()
    templates = read_templates(places)
    surnames = list(load_lexicon().surname_share)[:80]  # the 80 most frequent (file order)
    rng = random.Random(seed)
    for number in range(count):
        template = templates[number % len(templates)]
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        text = redate(fill(template, places, surnames, rng), day)
        yield {"id": f"syn-{number:06d}", "date": day.isoformat(), "text": text}


def write_corpus(path: Path, count: int, seed: int = 8) -> tuple[int, int]:
    """Write ``count`` synthetic articles to ``path``; return (articles, characters)."""
    characters = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in synthetic_articles(count, seed):
            characters += len(record["text"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count, characters


def main() -> None:
    """Command line: write a synthetic corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSON Lines file")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    articles, characters = write_corpus(args.output, args.count, args.seed)
    size = args.output.stat().st_size / 1e6
    print(f"wrote {articles} articles, {characters} characters, {size:.1f} MB to {args.output}")


if __name__ == "__main__":
    main()
