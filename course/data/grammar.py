"""A probabilistic grammar whose entropy rate is known exactly, and the course's text loader.

The source is a finite-state machine. In state ``s`` it writes word ``w`` with probability
``P(w | s)``, then a space, and moves to the state ``next(s, w)``. Within one state all words are
different (the machine is *unifilar*), so the text determines the state path: reading the words
from the start state, you always know which state the machine is in. Two consequences:

* the information in each word is exactly ``H(s) = -sum_w P(w|s) log P(w|s)`` nats, where ``s``
  is the current state;
* the text is uniquely split into words at the spaces, so the characters carry exactly the
  information of the words.

With ``pi`` the stationary distribution of the state chain, the **entropy rate** per character is

    h = sum_s pi_s H(s) / sum_s pi_s E[len(w) + 1 | s]      (nats per character),

the expected information per word over the expected characters per word (the ``+ 1`` is the
space). No model, however large, has a lower expected cross-entropy per character on long text;
a model that has learned the source exactly, and sees enough context to know the state, reaches
it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

Rules = dict[str, list[tuple[str, float, str]]]


@dataclass
class WordGrammar:
    """A unifilar probabilistic finite-state grammar over words.

    ``rules[state]`` lists ``(word, probability, next_state)``; probabilities of a state sum to 1,
    the words of a state are distinct, words contain no whitespace.
    """

    rules: Rules
    start: str
    _cum: dict[str, list[float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.start not in self.rules:
            raise ValueError(f"start state {self.start!r} has no rules")
        for state, options in self.rules.items():
            words = [w for w, _, _ in options]
            if len(set(words)) != len(words):
                raise ValueError(f"state {state!r} repeats a word: the grammar must be unifilar")
            if any(not w or any(ch.isspace() for ch in w) for w in words):
                raise ValueError(f"state {state!r}: words must be non-empty, without whitespace")
            total = sum(p for _, p, _ in options)
            if abs(total - 1.0) > 1e-12 or any(p <= 0 for _, p, _ in options):
                raise ValueError(f"state {state!r}: probabilities must be > 0 and sum to 1")
            missing = {n for _, _, n in options} - set(self.rules)
            if missing:
                raise ValueError(f"state {state!r} leads to undefined states {sorted(missing)}")
        self._cum = {s: list(np.cumsum([p for _, p, _ in opts])) for s, opts in self.rules.items()}

    # ------------------------------------------------------------------ exact quantities
    @property
    def states(self) -> list[str]:
        return list(self.rules)

    def transition_matrix(self) -> np.ndarray:
        """``T[i, j]`` = probability of moving from state i to state j in one word."""
        index = {s: i for i, s in enumerate(self.states)}
        matrix = np.zeros((len(index), len(index)))
        for state, options in self.rules.items():
            for _, p, nxt in options:
                matrix[index[state], index[nxt]] += p
        return matrix

    def stationary(self) -> np.ndarray:
        """Stationary distribution ``pi`` (pi T = pi), in the order of :attr:`states`."""
        matrix = self.transition_matrix()
        n = len(matrix)
        # Solve pi (T - I) = 0 with sum(pi) = 1 as a least-squares system (exact when unique).
        system = np.vstack([(matrix - np.eye(n)).T, np.ones(n)])
        rhs = np.zeros(n + 1)
        rhs[-1] = 1.0
        pi, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        if np.any(pi < -1e-12) or not np.allclose(pi @ matrix, pi, atol=1e-12):
            raise ValueError("the state chain has no unique stationary distribution")
        return np.clip(pi, 0.0, None)

    def state_entropies(self) -> np.ndarray:
        """``H(s)`` in nats for every state."""
        return np.array(
            [-sum(p * np.log(p) for _, p, _ in self.rules[s]) for s in self.states], dtype=float
        )

    def mean_chars_per_word(self) -> float:
        """Expected characters per emission (word + one space) under the stationary chain."""
        lengths = [sum(p * (len(w) + 1) for w, p, _ in self.rules[s]) for s in self.states]
        return float(self.stationary() @ np.array(lengths))

    def entropy_rate(self) -> float:
        """The lowest achievable loss on this source's text, in nats per character."""
        return float(self.stationary() @ self.state_entropies()) / self.mean_chars_per_word()

    # ------------------------------------------------------------------ text
    def sample(self, n_chars: int, seed: int = 0) -> str:
        """``n_chars`` characters of text, starting in the start state (the tail is cut)."""
        rng = np.random.default_rng(seed)
        state, pieces, length = self.start, [], 0
        while length < n_chars:
            draws = rng.random(1024)
            for u in draws:
                options = self.rules[state]
                i = min(bisect.bisect_right(self._cum[state], u), len(options) - 1)
                word, _, state = options[i]
                pieces.append(word + " ")
                length += len(word) + 1
                if length >= n_chars:
                    break
        return "".join(pieces)[:n_chars]

    def log_likelihood(self, text: str) -> tuple[float, int]:
        """(total log-probability in nats, number of characters scored) of ``text`` read from
        the start state; an unfinished last word is not scored."""
        state, total, scored = self.start, 0.0, 0
        complete = text[: text.rfind(" ") + 1] if " " in text else ""
        for word in complete.split(" ")[:-1]:
            options = {w: (p, nxt) for w, p, nxt in self.rules[state]}
            if word not in options:
                raise ValueError(f"word {word!r} cannot follow state {state!r}")
            p, state = options[word]
            total += float(np.log(p))
            scored += len(word) + 1
        return total, scored


COURSE_GRAMMAR = WordGrammar(
    start="S",
    rules={
        "S": [("the", 0.5, "D"), ("a", 0.35, "D"), ("one", 0.15, "D")],
        "D": [
            ("cat", 0.25, "N"),
            ("dog", 0.25, "N"),
            ("bird", 0.15, "N"),
            ("fish", 0.1, "N"),
            ("big", 0.15, "A"),
            ("small", 0.1, "A"),
        ],
        "A": [("cat", 0.3, "N"), ("dog", 0.3, "N"), ("bird", 0.25, "N"), ("fish", 0.15, "N")],
        "N": [
            ("sees", 0.25, "V"),
            ("chases", 0.2, "V"),
            ("likes", 0.15, "V"),
            ("sleeps", 0.2, "E"),
            ("runs", 0.2, "E"),
        ],
        "V": [("the", 0.5, "O"), ("a", 0.5, "O")],
        "O": [("cat", 0.3, "E"), ("dog", 0.3, "E"), ("bird", 0.2, "E"), ("fish", 0.2, "E")],
        "E": [(".", 0.75, "S"), ("and", 0.25, "S")],
    },
)
"""The course corpus source: short sentences such as ``the big dog chases a cat .``"""


def load_corpus(path: str | Path | None = None, n_chars: int = 200_000, seed: int = 0) -> str:
    """The course corpus (``n_chars`` characters of :data:`COURSE_GRAMMAR`, seeded), or the
    text of any plain-text file when ``path`` is given (UTF-8)."""
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
        if not text:
            raise ValueError(f"{path} is empty")
        return text
    return COURSE_GRAMMAR.sample(n_chars, seed)


class CharTokenizer:
    """Characters <-> integer ids, with the vocabulary of one text (sorted characters)."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.index = {ch: i for i, ch in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        try:
            return np.array([self.index[ch] for ch in text], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"character {exc.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids: np.ndarray | list[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def split_ids(ids: np.ndarray, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation): the last ``val_fraction`` of the sequence is held out, contiguous."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    cut = int(round(len(ids) * (1.0 - val_fraction)))
    return ids[:cut], ids[cut:]
