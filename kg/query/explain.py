"""Say in one line why the store's parser refused a query, in words a person can act on.

Oxigraph reports ``error at LINE:COLUMN: expected …``: it lists the characters it would have
taken as Unicode ranges, answers ``expected CONSTRUCT`` to a misspelt form (``SELEC``) or an
update (``INSERT``), and may report an undeclared prefix a few characters past it with no word
about prefixes. The query's own tokens (``kg.query.syntax``) say these cases plainly; the
parser's position is kept, its ranges are dropped. ``kg query``, ``kg.sparql`` and the endpoint
give the same message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.query.syntax import QueryForm, Token, placed_tokens, read_query

__all__ = ["explain_syntax_error"]

_REPORT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_FORMS = "SELECT, ASK, CONSTRUCT or DESCRIBE"
_INVALID_IRI = "IRI parsing failed"
_NEAR = 24  # characters of the query quoted after the position


def explain_syntax_error(text: str, message: str, prefixes: Iterable[str]) -> str:
    """One line on a query the parser refused with ``message``; ``prefixes`` are predeclared.

    An update, a missing or misspelt query form and an undeclared prefix are named as such;
    anything else gets the parser's position and what it expected there, in words.
    """
    report = _REPORT.match(message.strip())
    if report is None:
        return "invalid SPARQL: " + " ".join(message.split())
    line, column, expected = int(report.group(1)), int(report.group(2)), report.group(3)
    stop = _offset(text, line, column)
    if not text.strip():
        return "invalid SPARQL: the query is empty"
    tokens = list(placed_tokens(text))
    update = read_query(text).update
    if update is not None:
        offset = next(o for t, o in tokens if t.kind == "word" and t.text.upper() == update)
        return (
            f"SPARQL Update ({update}) at {_place(text, offset)} is refused: the build's store "
            f"is read-only; ask with {_FORMS}"
        )
    explained = _misplaced_form(text, tokens, stop) or _unknown_prefix(
        text, tokens, stop, sorted(prefixes)
    )
    return explained or f"invalid SPARQL at {line}:{column}: {_expectation(expected)}" + _near(
        text, stop
    )


def _misplaced_form(text: str, tokens: list[tuple[Token, int]], stop: int) -> str | None:
    """The message for a query that does not start with a query form after its prologue."""
    index = 0
    while index < len(tokens) and tokens[index][0].text.upper() in ("PREFIX", "BASE"):
        index += 3 if tokens[index][0].text.upper() == "PREFIX" else 2
    token, offset = tokens[index] if index < len(tokens) else (None, len(text))
    if (token is not None and token.text.upper() in QueryForm.__members__) or offset > stop:
        return None
    found = f"not {token.text!r}" if token is not None else "and this one has none"
    return (
        f"invalid SPARQL at {_place(text, offset)}: a query starts with {_FORMS} "
        f"(after any PREFIX and BASE), {found}"
    )


def _unknown_prefix(
    text: str, tokens: list[tuple[Token, int]], stop: int, predeclared: list[str]
) -> str | None:
    """The message for the first prefixed name, up to the parser's stop, whose prefix no one
    declared."""
    declared = set(predeclared)
    for index, (token, offset) in enumerate(tokens):
        if token.kind != "pname" or offset > stop or text.startswith("/", offset + len(token.text)):
            continue  # after the parser stopped, or the scheme of an IRI it could not read
        prefix = token.text.partition(":")[0]
        if index and tokens[index - 1][0].text.upper() == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared and prefix != "_":  # _: starts a blank node
            known = ", ".join(predeclared) or "none"
            return (
                f"invalid SPARQL at {_place(text, offset)}: unknown prefix {prefix}: in "
                f"{token.text}; declare it (PREFIX {prefix}: <…>) or use a predeclared one: {known}"
            )
    return None


def _expectation(expected: str) -> str:
    """What the parser expected, without the character ranges it lists.

    >>> _expectation("expected one of HAVING, OFFSET, ['A' ..= 'Z' | 'a' ..= 'z'], ['_'], [_]")
    'expected one of HAVING, OFFSET'
    """
    listing = expected.removeprefix("expected").strip().removeprefix("one of ")
    items = [item for item in _alternatives(listing) if "..=" not in item and item != "[_]"]
    if _INVALID_IRI in items:
        return "not a valid IRI"
    words = [item for item in items if not item.startswith("[")]  # single-character classes
    kept = words or items
    if not kept:
        return "unexpected character"
    return f"expected {kept[0]}" if len(kept) == 1 else f"expected one of {', '.join(kept)}"


def _alternatives(listing: str) -> list[str]:
    """Split the parser's list of alternatives at the commas outside quotes and brackets."""
    items: list[str] = []
    current: list[str] = []
    depth, quote, escaped = 0, "", False
    for character in listing:
        if escaped:
            escaped = False
        elif quote:
            escaped = character == "\\"
            quote = "" if character == quote else quote
        elif character in "\"'":
            quote = character
        elif character == "[":
            depth += 1
        elif character == "]":
            depth -= 1
        elif character == "," and depth == 0:
            items.append(" ".join("".join(current).split()))
            current = []
            continue
        current.append(character)
    items.append(" ".join("".join(current).split()))
    return [item for item in items if item]


def _offset(text: str, line: int, column: int) -> int:
    """The offset in ``text`` of a 1-based line and column (columns count characters)."""
    lines = text.split("\n")
    before = sum(len(earlier) + 1 for earlier in lines[: line - 1])
    return min(before + column - 1, len(text))


def _place(text: str, offset: int) -> str:
    """``LINE:COLUMN`` of an offset, as the parser writes positions."""
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _near(text: str, offset: int) -> str:
    """Where the parser stopped, quoted: the rest of its line, cut short."""
    rest = text[offset:].split("\n", 1)[0].strip()
    if not rest:
        return " at the end of the query" if not text[offset:].strip() else " at the end of a line"
    return f", before {rest[:_NEAR] + ('…' if len(rest) > _NEAR else '')!r}"
