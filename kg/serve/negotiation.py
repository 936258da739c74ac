"""HTTP content negotiation: pick the answer's media type from a client's ``Accept`` header.

The rules of RFC 9110 §12.5.1: the most specific media range that matches an offer gives its
quality; the offer with the highest quality wins, ties going to the server's order of
preference; quality 0 means "not acceptable".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "Offer", "negotiate"]


@dataclass(frozen=True)
class Offer:
    """A media type the client may ask for, and the media type actually sent for it.

    ``application/json`` is offered as a synonym of the SPARQL JSON results type, for example.
    """

    accepted: str
    sent: str


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    range: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """3 for an exact match, 2 for ``type/*``, 1 for ``*/*``, 0 when it does not match."""
        if self.range == media_type:
            return 3
        if self.range == media_type.split("/")[0] + "/*":
            return 2
        return 1 if self.range == "*/*" else 0


def _parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; a malformed quality counts as 0."""
    ranges = []
    for part in header.split(","):
        media, *parameters = part.split(";")
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media.strip():
            ranges.append(MediaRange(media.strip().lower(), quality))
    return ranges


def _quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """How much the client wants ``media_type``: the quality of the most specific match."""
    best_specificity, best_quality = 0, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, media_range.quality
    return best_quality


def negotiate(accept: str | None, offers: Sequence[Offer]) -> str | None:
    """The media type to send, or ``None`` when the client accepts none of the offers.

    A missing or empty ``Accept`` header accepts anything: the first offer is sent.

    >>> negotiate("text/csv;q=0.5, application/json", [Offer("text/csv", "text/csv"),
    ...     Offer("application/json", "application/sparql-results+json")])
    'application/sparql-results+json'
    """
    if not accept or not accept.strip():
        return offers[0].sent
    ranges = _parse_accept(accept)
    chosen, chosen_quality = None, 0.0
    for offer in offers:
        offer_quality = _quality(ranges, offer.accepted)
        if offer_quality > chosen_quality:
            chosen, chosen_quality = offer.sent, offer_quality
    return chosen
