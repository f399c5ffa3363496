"""copytrace: which news articles reuse text from which others."""

from copytrace.compare import compare
from copytrace.model import Article, Direction, PairResult, Passage, Reject

__version__ = "0.1.0"

__all__ = ["Article", "Direction", "PairResult", "Passage", "Reject", "__version__", "compare"]
