"""A reviewer's session on a build (``kg review``): what is left to decide, and the decisions.

The session reads the build's graph as the build made it (``load_graph``: with the corrections
that build applied) and its ``curation.jsonl``; facts and merge suggestions decided there, or
during the session, leave the queue at once. Decisions are appended to ``curation.jsonl``, the
only file the session writes; the next ``kg build`` of the directory applies them.
"""

from __future__ import annotations

import datetime
import getpass
import os
import shlex
import threading
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.graph.network import EXTRACTION_FILE, load_graph, read_records
from kg.graph.review import ReviewItem, merge_suggestions, review_queue
from kg.model import RELATION_TYPES
from kg.records.curation import (
    CURATION_FILE,
    Correction,
    append_corrections,
    ends_problem,
    parse_correction,
    read_curation,
)
from kg.records.merge import ArticleInfo, article_infos
from kg.records.runner import BUILD_MIN_CONFIDENCE
from kg.serve.review_text import ArticleTexts, mark_names
from kg.workflow import kept_confidence

__all__ = ["PAGE_OPS", "ReviewSession", "rebuild_command"]

PAGE_OPS = ("accept_fact", "reject_fact", "add_fact", "merge", "keep_apart")
_STATEMENTS_SHOWN = 3  # sentences shown per fact; the rest are counted
_FILES_LISTED = 3  # a build read from more files is rebuilt from their common folder


def rebuild_command(
    build_dir: Path, files: list[str], min_confidence: float = BUILD_MIN_CONFIDENCE
) -> str:
    """The ``kg build`` command that rebuilds ``build_dir`` from the files it was read from,
    keeping the facts it kept (``--min-confidence``, when not the default): a build of every fact
    rebuilt at the default would lose the less sure facts a reviewer accepted."""
    shown = sorted({_relative(path) for path in files})
    if len(shown) > _FILES_LISTED:
        shown = [os.path.commonpath(shown) or "."]
    command = ["kg", "build", *shown, "-o", _relative(str(build_dir))]
    if min_confidence != BUILD_MIN_CONFIDENCE:
        command += ["--min-confidence", f"{min_confidence:g}"]
    return shlex.join(command)


def _relative(path: str) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _fact(head: str, relation: str, tail: str) -> frozenset[tuple[str, str, str]]:
    """A fact as both of its orientations, so a symmetric one is found either way round."""
    return frozenset({(head, relation, tail), (tail, relation, head)})


class ReviewSession:
    """The review queue and merge suggestions of a build, and the corrections a reviewer makes.

    Safe to use from several threads: writes to ``curation.jsonl`` are made one at a time.
    """

    def __init__(self, build_dir: Path, by: str | None = None) -> None:
        self.build_dir = build_dir
        self.by = by or getpass.getuser()
        self.path = build_dir / CURATION_FILE
        self.graph = load_graph(build_dir)
        self.texts = ArticleTexts(build_dir)
        files = [p for p in self.texts.paths.values() if p]
        self.command = rebuild_command(build_dir, files, kept_confidence(build_dir))
        self.items = review_queue(self.graph)
        self.suggestions = merge_suggestions(self.graph)
        self.articles: dict[str, ArticleInfo] = {
            info.ref: info for info in article_infos(read_records(build_dir / EXTRACTION_FILE))
        }
        self.article_keys: dict[str, list[str]] = defaultdict(list)
        for key, articles in self.graph.nodes(data="articles"):
            for article in articles:
                self.article_keys[article].append(key)
        self.decided: set[tuple[str, str, str]] = set()
        self.settled: set[frozenset[str]] = set()  # pairs merged or kept apart
        self.in_file = self.this_session = 0
        self.lock = threading.Lock()
        for correction in read_curation(self.path) if self.path.is_file() else []:
            self._note(correction)

    def _note(self, correction: Correction) -> None:
        """Take a correction's decision out of what is left to review."""
        fields = correction.fields
        if correction.op in ("accept_fact", "reject_fact"):
            self.decided |= _fact(fields["head"], fields["relation"], fields["tail"])
        elif correction.op in ("merge", "keep_apart"):
            keys = sorted(set(fields["keys"]))
            self.settled |= {frozenset((a, b)) for n, a in enumerate(keys) for b in keys[n + 1 :]}
        self.in_file += 1

    def _open_items(self) -> list[ReviewItem]:
        """The queue without the facts decided since the build."""
        return [i for i in self.items if (i.head, i.relation, i.tail) not in self.decided]

    def queue(self, start: int = 0, limit: int = 50) -> dict[str, Any]:
        """Part of the queue still to decide, each fact with its passages and article's entities."""
        items = self._open_items()
        return {
            "total": len(items),
            "items": [self._item(item) for item in items[start : start + limit]],
        }

    def _names(self, key: str) -> list[str]:
        """The names of a node (its label and aliases), or the honour itself."""
        if key not in self.graph:
            return [key]
        node = self.graph.nodes[key]
        return [node["label"], *node["aliases"]]

    def _item(self, item: ReviewItem) -> dict[str, Any]:
        """A fact as the page shows it."""
        names = {"head": self._names(item.head), "tail": self._names(item.tail)}
        statements = []
        for evidence in item.evidence[:_STATEMENTS_SHOWN]:
            passage = self.texts.passage(evidence)
            article = self.articles.get(evidence["article"])
            statements.append({
                "document": evidence["document"], "record": evidence["record"],
                "article": evidence["article"], "date": evidence["date"],
                "article_index": article.index if article else 0,
                "headline": article.headline if article else "",
                "rule": evidence["rule"], "confidence": evidence["confidence"],
                "start": evidence["start"], "end": evidence["end"],
                "before": passage.before, "after": passage.after,
                "sentence": passage.sentence, "marked": mark_names(passage.sentence, names),
            })  # fmt: skip
        entities = self.article_keys.get(item.evidence[0]["article"], []) if item.evidence else []
        return {
            "head": item.head, "relation": item.relation, "tail": item.tail,
            "head_label": names["head"][0], "tail_label": names["tail"][0],
            "confidence": item.confidence, "gain": item.gain,
            "statements": statements, "more": max(0, len(item.evidence) - _STATEMENTS_SHOWN),
            "entities": sorted(entities),
        }  # fmt: skip

    def merges(self) -> list[dict[str, Any]]:
        """The merge suggestions still to decide, each with the name a merge would keep."""
        found = []
        for suggestion in self.suggestions:
            if frozenset(suggestion.keys) in self.settled:
                continue
            labels = [self.graph.nodes[key]["label"] for key in suggestion.keys]
            name = max(labels, key=lambda label: (len(label), label))
            found.append({"keys": list(suggestion.keys), "labels": labels,
                          "reason": suggestion.reason, "name": name})  # fmt: skip
        return found

    def status(self) -> dict[str, Any]:
        """The counts the page shows, and the command that applies the corrections."""
        return {
            "build": str(self.build_dir), "by": self.by, "session": self.this_session,
            "in_file": self.in_file, "queue": len(self._open_items()),
            "merges": len(self.merges()), "command": self.command,
            "relations": list(RELATION_TYPES),
        }  # fmt: skip

    def record(self, line: Mapping[str, Any]) -> Correction:
        """Write one decision of the page to ``curation.jsonl``; ``ValueError`` saying why not.

        ``line`` is a correction without ``by`` and ``at``: the session adds its reviewer and
        the time, and checks the line as a curation file's line is checked.
        """
        if line.get("op") not in PAGE_OPS:
            raise ValueError(
                f"the review page writes {', '.join(PAGE_OPS)}, not {line.get('op')!r}"
            )
        if "by" in line or "at" in line:
            raise ValueError("by and at are the session's: leave them out")
        at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        correction = parse_correction({**line, "by": self.by, "at": at})
        if correction.op == "add_fact" and (problem := ends_problem(correction.fields)):
            raise ValueError(f"add_fact: {problem}")
        with self.lock:
            append_corrections(self.path, [correction])
            self._note(correction)
            self.this_session += 1
        return correction
