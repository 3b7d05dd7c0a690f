"""The course table of contents: every chapter and exercise of the syllabus.

Generated once from ``shared/SYLLABUS.md``; ``tests/test_syllabus.py`` re-checks it against that
file whenever it is present (exercises added since are listed in ``BEYOND_SPECIFICATION``).
Notebook lint checks each chapter notebook against this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    name: str
    summary: str
    exercises: tuple[tuple[str, str], ...]  # (number, type)

    @property
    def number(self) -> int:
        return int(self.name[2:4])


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "ch01_softmax",
        "Logits to probabilities; numerical stability.",
        (("1.1", "Build"), ("1.2", "Build"), ("1.3", "Trace"), ("1.4", "Debug"), ("1.5", "Build")),
    ),
    Chapter(
        "ch02_linear",
        "The linear layer, its gradients, and a numerical gradient check.",
        (
            ("2.1", "Build"),
            ("2.2", "Build"),
            ("2.3", "Build"),
            ("2.4", "Build"),
            ("2.5", "Trace"),
            ("2.6", "Build"),
            ("2.7", "Build"),
        ),
    ),
    Chapter(
        "ch03_attention",
        "Scaled dot-product attention, masks, heads.",
        (
            ("3.1", "Build"),
            ("3.2", "Build"),
            ("3.3", "Build"),
            ("3.4", "Build"),
            ("3.5", "Build"),
            ("3.6", "Build"),
            ("3.7", "Trace"),
            ("3.8", "Prove"),
            ("3.9", "Plot"),
        ),
    ),
    Chapter(
        "ch04_normalization",
        "LayerNorm, RMSNorm, residual streams.",
        (
            ("4.1", "Build"),
            ("4.2", "Build"),
            ("4.3", "Build"),
            ("4.4", "Debug"),
            ("4.5", "Trace"),
            ("4.6", "Build"),
        ),
    ),
    Chapter(
        "ch05_positions",
        "Sinusoidal, learned, rotary positions.",
        (
            ("5.1", "Build"),
            ("5.2", "Build"),
            ("5.3", "Build"),
            ("5.4", "Trace"),
            ("5.5", "Prove"),
            ("5.6", "Build"),
            ("5.7", "Design"),
            ("5.8", "Plot"),
        ),
    ),
    Chapter(
        "ch06_tokenizer",
        "Byte-pair encoding.",
        (
            ("6.1", "Build"),
            ("6.2", "Build"),
            ("6.3", "Build"),
            ("6.4", "Trace"),
            ("6.5", "Build"),
            ("6.6", "Build"),
        ),
    ),
    Chapter(
        "ch07_loss_and_backprop",
        "Cross-entropy, perplexity, backpropagation, gradient checks; making the training pairs.",
        (
            ("7.1", "Build"),
            ("7.2", "Build"),
            ("7.3", "Build"),
            ("7.4", "Build"),
            ("7.5", "Build"),
            ("7.6", "Trace"),
            ("7.7", "Build"),
            ("7.8", "Plot"),
        ),
    ),
    Chapter(
        "ch08_optimizers",
        "SGD, Adam, schedules, clipping.",
        (
            ("8.1", "Build"),
            ("8.2", "Build"),
            ("8.3", "Build"),
            ("8.4", "Trace"),
            ("8.5", "Debug"),
            ("8.6", "Build"),
            ("8.7", "Build"),
            ("8.8", "Plot"),
        ),
    ),
    Chapter(
        "ch09_kv_cache",
        "Caching keys and values for generation.",
        (
            ("9.1", "Build"),
            ("9.2", "Build"),
            ("9.3", "Derive"),
            ("9.4", "Build"),
            ("9.5", "Trace"),
            ("9.6", "Build"),
        ),
    ),
    Chapter(
        "ch10_sampling",
        "Decoding strategies.",
        (
            ("10.1", "Build"),
            ("10.2", "Build"),
            ("10.3", "Build"),
            ("10.4", "Build"),
            ("10.5", "Trace"),
            ("10.6", "Build"),
            ("10.7", "Build"),
            ("10.8", "Plot"),
        ),
    ),
    Chapter(
        "ch11_gpt_model",
        "A complete decoder-only transformer in numpy (the GPT-2 architecture).",
        (
            ("11.1", "Build"),
            ("11.2", "Build"),
            ("11.3", "Build"),
            ("11.4", "Build"),
            ("11.5", "Build"),
            ("11.6", "Build"),
            ("11.7", "Build"),
            ("11.8", "Trace"),
            ("11.9", "Prove"),
            ("11.10", "Trace"),
            ("11.11", "Build"),
        ),
    ),
    Chapter(
        "ch12_training",
        "Training a small GPT from scratch with a hand-written backward pass.",
        (
            ("12.1", "Build"),
            ("12.2", "Build"),
            ("12.3", "Build"),
            ("12.4", "Trace"),
            ("12.5", "Build"),
            ("12.6", "Capstone"),
            ("12.7", "Build"),
            ("12.8", "Build"),
            ("12.9", "Build"),
        ),
    ),
    Chapter(
        "ch13_alignment",
        "From next-token predictor to assistant.",
        (
            ("13.1", "Trace"),
            ("13.2", "Build"),
            ("13.3", "Build"),
            ("13.4", "Build"),
            ("13.5", "Build"),
        ),
    ),
    Chapter(
        "ch14_parameter_counting",
        None,
        (
            ("14.1", "Derive"),
            ("14.2", "Derive"),
            ("14.3", "Trace"),
            ("14.4", "Design"),
            ("14.5", "Build"),
            ("14.6", "Debug"),
            ("14.7", "Derive"),
        ),
    ),
    Chapter(
        "ch15_attention_math",
        None,
        (
            ("15.1", "Derive"),
            ("15.2", "Derive"),
            ("15.3", "Derive"),
            ("15.4", "Derive"),
            ("15.5", "Trace"),
            ("15.6", "Build"),
        ),
    ),
    Chapter(
        "ch16_attention_variants",
        None,
        (
            ("16.1", "Derive"),
            ("16.2", "Derive"),
            ("16.3", "Trace"),
            ("16.4", "Derive"),
            ("16.5", "Design"),
            ("16.6", "Build"),
        ),
    ),
    Chapter(
        "ch17_memory_budget",
        None,
        (
            ("17.1", "Derive"),
            ("17.2", "Derive"),
            ("17.3", "Derive"),
            ("17.4", "Trace"),
            ("17.5", "Derive"),
            ("17.6", "Derive"),
            ("17.7", "Build"),
        ),
    ),
    Chapter(
        "ch18_kv_cache_math",
        None,
        (
            ("18.1", "Derive"),
            ("18.2", "Derive"),
            ("18.3", "Derive"),
            ("18.4", "Derive"),
            ("18.5", "Derive"),
            ("18.6", "Build"),
            ("18.7", "Build"),
        ),
    ),
    Chapter(
        "ch19_numerics",
        None,
        (
            ("19.1", "Trace"),
            ("19.2", "Build"),
            ("19.3", "Trace"),
            ("19.4", "Build"),
            ("19.5", "Derive"),
            ("19.6", "Build"),
        ),
    ),
    Chapter(
        "ch20_position_math",
        None,
        (("20.1", "Derive"), ("20.2", "Derive"), ("20.3", "Trace"), ("20.4", "Build")),
    ),
    Chapter(
        "ch21_throughput_latency",
        None,
        (
            ("21.1", "Derive"),
            ("21.2", "Derive"),
            ("21.3", "Derive"),
            ("21.4", "Derive"),
            ("21.5", "Derive"),
            ("21.6", "Build"),
            ("21.7", "Measure"),
        ),
    ),
    Chapter(
        "ch22_architecture_design",
        None,
        (
            ("22.1", "Trace"),
            ("22.2", "Derive"),
            ("22.3", "Design"),
            ("22.4", "Derive"),
            ("22.5", "Derive"),
        ),
    ),
    Chapter(
        "ch23_capstone_design",
        "A 13B chat model on 64 H100s; 50 users at 4K context, 30 tokens/s each.",
        (
            ("23.1", "Derive"),
            ("23.2", "Derive"),
            ("23.3", "Derive"),
            ("23.4", "Derive"),
            ("23.5", "Derive"),
            ("23.6", "Build"),
        ),
    ),
)

# Exercises the course has beyond shared/SYLLABUS.md (added from what the source material covers
# and the syllabus lacked); tests/test_syllabus.py leaves them out when it compares with the spec.
BEYOND_SPECIFICATION: dict[str, str] = {
    "12.8": "epochs and data repetition: batches over a fixed set of windows (issue 13)",
    "12.9": "data augmentation: input noising for character-level text (issue 13)",
    "13.5": "PPO's clipped objective (issue 13)",
    "18.7": "the KV cache as a memory pool: admission, eviction, no over-commit (issue 13)",
}

BY_NAME: dict[str, Chapter] = {c.name: c for c in CHAPTERS}


def find_chapter(key: str) -> Chapter:
    """Look a chapter up by full name (``ch01_softmax``), prefix (``ch01``) or number (``1``)."""
    key = key.strip().lower()
    if key.isdigit():
        key = f"ch{int(key):02d}"
    for chapter in CHAPTERS:
        if chapter.name == key or chapter.name.startswith(key + "_"):
            return chapter
    known = ", ".join(c.name for c in CHAPTERS)
    raise KeyError(f"unknown chapter {key!r}; known chapters: {known}")
