"""The course corpus: text from a known stochastic source, so the best possible loss is known.

``course.data.grammar`` defines a small probabilistic grammar that writes English-like sentences
("the big dog chases a cat .") and computes its entropy rate exactly: the lowest average
cross-entropy, in nats per character, that any model can reach on its text. ``load_corpus`` returns
that text, or the contents of any plain-text file you point it at.
"""

from course.data.grammar import (
    COURSE_GRAMMAR,
    CharTokenizer,
    WordGrammar,
    load_corpus,
    split_ids,
)

__all__ = ["COURSE_GRAMMAR", "CharTokenizer", "WordGrammar", "load_corpus", "split_ids"]
