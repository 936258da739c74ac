"""The head nouns of the lexicon as patterns: where organisation and programme names end.

Organisation names end in a head noun (总工会, 有限公司, 工匠学院) that gives their label;
programme names in theirs (活动, 竞赛, 项目); a level word before an organisation head (县总工会)
names a body by its level alone. The patterns are built once from a ``Lexicon``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.nlp.lexicon import Lexicon
from kg.wordlists import word_list

__all__ = ["BODY_LEVELS", "HeadNouns"]

BODY_LEVELS = word_list("body_levels")  # 省 市 区 县 镇 街道, in pattern order


def _alternatives(words: Iterable[str]) -> str:
    """``words`` as a regex alternation, in their order."""
    return "|".join(map(re.escape, words))


@dataclass(frozen=True)
class HeadNouns:
    """The head-noun patterns of one lexicon and the label each organisation head gives."""

    label_of: Mapping[str, str]  # organisation head → label
    organisations: re.Pattern[str]  # any organisation head, longest first
    programmes: re.Pattern[str]  # any programme head, longest first
    level_short_forms: re.Pattern[str]  # a level word, then a head of a body that is no company

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> HeadNouns:
        """Compile the patterns of ``lexicon``'s head nouns."""
        level_heads = [head for head, label in lexicon.heads if label != "ENTERPRISE"]
        return cls(
            label_of=dict(lexicon.heads),
            organisations=re.compile(_alternatives(head for head, _ in lexicon.heads)),
            programmes=re.compile(_alternatives(lexicon.programme_heads)),
            level_short_forms=re.compile(
                rf"(?:{_alternatives(BODY_LEVELS)})(?P<head>{_alternatives(level_heads)})"
            ),
        )

    def ends_in_organisation_head(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` ends with an organisation's head noun (总工会, 公司)."""
        return any(
            match.end() == end
            for match in self.organisations.finditer(text, max(start, end - 8), end)
        )
