"""Score reference resolution on its own: antecedent accuracy per kind of referring word.

    python benchmarks/coref_accuracy.py [--corpus data/annotated] [--split dev] [--limit N]

For each gold relation of the split whose end is named through a referring word (``head_ref`` /
``tail_ref``, ZERO aside), the word is found inside the evidence sentence
(``kg.learn.reference_gold``) and each resolver is asked which entity it means there:

- ``reader``: the relation reader's own references (``References.find`` of ``kg_relations``);
- ``kg_coref``: the component's ``doc.spans["kg_references"]``.

A word that is itself a linked name (省总工会, a short form ``kg_linker`` already resolves) counts
for both through ``doc.ents``. Right means the entity key names the gold end by its name or an
alias. ``reachable`` counts words whose gold end is an entity of the Doc at all: no resolver can
be right about the others.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

import kg
from kg.corpus import load_corpus
from kg.learn.alignment import AlignedArticle, aligned_articles
from kg.learn.reference_gold import KINDS, GoldReference, gold_references, names_entity, unique
from kg.nlp.coref import REFERENCES_KEY
from kg.nlp.relations.facts import doc_arguments

REPO = Path(__file__).resolve().parent.parent
Links = list[tuple[int, int, str]]


def _reader_links(nlp: Language) -> Callable[[Doc], Links]:
    references = nlp.get_pipe("kg_relations").references

    def links(doc: Doc) -> Links:
        args = doc_arguments(doc, references, use_component=False)
        return [(a.start, a.end, a.key) for a in args if a.reference]

    return links


def _component_links(doc: Doc) -> Links:
    group = doc.spans.get(REFERENCES_KEY, [])
    return [(span.start_char, span.end_char, span.kb_id_) for span in group]


def _resolved(doc: Doc, links: Links, reference: GoldReference) -> list[str]:
    """The keys a resolver gives the word at ``reference``: its links over the word (several for
    a group word such as 他们), else the linked name there."""
    keys = [key for start, end, key in links if start < reference.end and reference.start < end]
    if keys:
        return keys
    return [
        str(span.kb_id_)
        for span in doc.ents
        if span.kb_id_ and span.start_char < reference.end and reference.start < span.end_char
    ][:1]


def score(
    articles: Iterable[AlignedArticle], resolvers: dict[str, Callable[[Doc], Links]]
) -> tuple[Counter[str], Counter[str], dict[str, Counter[str]]]:
    """Counts per kind: words, reachable words, and right answers of each resolver."""
    total: Counter[str] = Counter()
    reachable: Counter[str] = Counter()
    right: dict[str, Counter[str]] = {name: Counter() for name in resolvers}
    for article in articles:
        doc = article.doc
        keys = {span.kb_id_ for span in doc.ents if span.kb_id_}
        links = {name: resolve(doc) for name, resolve in resolvers.items()}
        for reference in unique(gold_references(article)):
            total[reference.kind] += 1
            reachable[reference.kind] += any(names_entity(k, reference.entity) for k in keys)
            for name in resolvers:
                given = _resolved(doc, links[name], reference)
                right[name][reference.kind] += any(names_entity(k, reference.entity) for k in given)
    return total, reachable, right


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "annotated")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = parser.parse_args(argv)
    documents = load_corpus(args.corpus).split(args.split)
    if args.limit:
        documents = documents[: args.limit]
    nlp = kg.load()
    resolvers = {"reader": _reader_links(nlp), "kg_coref": _component_links}
    total, reachable, right = score(aligned_articles(documents, nlp), resolvers)
    print(f"{args.corpus.name} {args.split}: {len(documents)} documents, referring words")
    print(f"{'kind':<14}{'words':>6}{'reachable':>10}{'reader':>8}{'kg_coref':>10}")
    for kind in (*KINDS, "all"):
        n = sum(total.values()) if kind == "all" else total[kind]
        reach = sum(reachable.values()) if kind == "all" else reachable[kind]
        cells = []
        for name in resolvers:
            hits = sum(right[name].values()) if kind == "all" else right[name][kind]
            cells.append(f"{hits / n:.3f}" if n else "-")
        print(f"{kind:<14}{n:>6}{reach:>10}{cells[0]:>8}{cells[1]:>10}")


if __name__ == "__main__":
    main()
