"""ch06's reference solution against a second, independently written byte-level BPE.

The notebook applies merges one after another in learned order; the reference below encodes the
way GPT-2 and minbpe do (repeatedly merge the lowest-ranked pair present) and trains with
``collections.Counter``. Both must agree on merges, encodings and round trips.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.conftest import source_nb

CHAPTER = "ch06_tokenizer"


@pytest.fixture(scope="module")
def notebook() -> dict:
    """The namespace after running the notebook's solution and provided cells (no test cells)."""
    namespace: dict = {"__name__": "__main__"}
    for cell in source_nb(CHAPTER).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        if "print(" in cell.source:  # demo cells
            continue
        exec(compile(cell.source, f"<{CHAPTER}>", "exec"), namespace)
    return namespace


def _merge(seq: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    out: list[int] = []
    i = 0
    while i < len(seq):
        if i + 1 < len(seq) and (seq[i], seq[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def ref_train(text: str, n_merges: int) -> tuple[dict, dict]:
    seq = list(text.encode("utf-8"))
    merges: dict[tuple[int, int], int] = {}
    vocab = {i: bytes([i]) for i in range(256)}
    for new_id in range(256, 256 + n_merges):
        if len(seq) < 2:
            break
        # Counter.most_common orders equal counts by first insertion = first occurrence.
        pair = Counter(zip(seq, seq[1:], strict=False)).most_common(1)[0][0]
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
        seq = _merge(seq, pair, new_id)
    return merges, vocab


def ref_encode(text: str, merges: dict) -> list[int]:
    seq = list(text.encode("utf-8"))
    while len(seq) >= 2:
        pair = min(zip(seq, seq[1:], strict=False), key=lambda p: merges.get(p, float("inf")))
        if pair not in merges:
            break
        seq = _merge(seq, pair, merges[pair])
    return seq


def random_text(rng: random.Random, length: int) -> str:
    ranges = [(0x20, 0x7E), (0xA1, 0x24F), (0x391, 0x3C9), (0x4E00, 0x9FFF), (0x1F300, 0x1FAFF)]
    weights = [6, 2, 1, 1, 1]
    chars = []
    for _ in range(length):
        lo, hi = rng.choices(ranges, weights)[0]
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars)


TEXTS = [
    "",
    "a",
    "aaaa",
    "abababab",
    "the cat sat on the mat; the cat ate the rat",
    "🙂🙂🙂 猫猫猫 éééé naïveté",
]


@pytest.mark.parametrize("text", TEXTS + [random_text(random.Random(s), 300) for s in range(4)])
def test_training_matches_reference(notebook, text):
    merges, vocab = notebook["train_bpe"](text, 40)
    ref_merges, ref_vocab = ref_train(text, 40)
    assert list(merges.items()) == list(ref_merges.items())
    assert vocab == ref_vocab


def test_encoding_matches_gpt2_style_encoder(notebook):
    rng = random.Random(6)
    corpus = notebook["corpus"] + random_text(rng, 400)
    merges, vocab = notebook["train_bpe"](corpus, 80)
    for _ in range(200):
        text = random_text(rng, rng.randint(0, 40))
        ids = notebook["encode"](text, merges)
        assert ids == ref_encode(text, merges), text
        assert notebook["decode"](ids, vocab) == text
    assert notebook["encode"](corpus, merges) == ref_encode(corpus, merges)


def test_vocab_size_identity(notebook):
    merges, vocab = notebook["train_bpe"](notebook["corpus"], 50)
    assert len(vocab) == 256 + len(merges) == 306
