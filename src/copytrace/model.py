"""Plain data shared by every stage.

All offsets are character offsets into ``Article.text``, the original input text
(decoded, newlines as in the file; for HTML input, the HTML source itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["verbatim", "near-verbatim", "paraphrase"]
SpanList = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its original text and what the cleaner learned about it.

    ``content`` lists the ``[start, end)`` spans of ``text`` that are the article
    itself (chrome excluded). Spans are sorted and do not overlap.
    """

    id: str
    text: str
    content: SpanList = ()
    title: str | None = None
    published: str | None = None  # ISO 8601, with offset when known
    source: str | None = None  # publisher / agency / series
    dateline: str | None = None
    url: str | None = None
    path: str | None = None
    is_html: bool = False

    def content_text(self) -> str:
        """The article text with chrome removed, spans joined by blank lines."""
        return "\n\n".join(self.text[s:e] for s, e in self.content)


@dataclass(frozen=True, slots=True)
class Passage:
    """One reused passage between articles ``a`` and ``b`` (offsets into each text)."""

    kind: Kind
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int  # matched words (the smaller side's count for paraphrase)
    similarity: float  # 0..1
    attributed: bool = False


@dataclass(frozen=True, slots=True)
class Direction:
    """Which side is the source, how sure we are, and why."""

    source: Literal["a", "b"] | None
    confidence: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PairResult:
    """Everything ``compare`` says about two articles."""

    a: Article
    b: Article
    passages: tuple[Passage, ...]
    coverage_a: float
    coverage_b: float
    direction: Direction
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reject:
    """A record a reader could not turn into an article."""

    file: str
    record: int | None  # line number (1-based) or record index, None for whole file
    reason: str
