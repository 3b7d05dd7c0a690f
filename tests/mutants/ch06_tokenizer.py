"""ch06_tokenizer: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the explicit sources below are genuinely different (wrong) implementations.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch06_tokenizer")
_RETURN_MAX = "return max(counts, key=counts.get)"

ENCODE_RIGHT_TO_LEFT = """
def bpe_encode(chars, merges):
    ids = list(chars)
    for (a, b), new_id in merges.items():
        merged, i = [], len(ids) - 1
        while i >= 0:
            if i >= 1 and ids[i - 1] == a and ids[i] == b:
                merged.append(new_id)
                i -= 2
            else:
                merged.append(ids[i])
                i -= 1
        ids = merged[::-1]
    return ids
"""

ENCODE_FIRST_OCCURRENCE_ONLY = """
def bpe_encode(chars, merges):
    ids = list(chars)
    for (a, b), new_id in merges.items():
        for i in range(len(ids) - 1):
            if ids[i] == a and ids[i + 1] == b:
                ids = ids[:i] + [new_id] + ids[i + 2:]
                break
    return ids
"""

ENCODE_IN_PLACE = """
def bpe_encode(chars, merges):
    ids = chars
    for (a, b), new_id in merges.items():
        i = 0
        while i < len(ids) - 1:
            if ids[i] == a and ids[i + 1] == b:
                ids[i:i + 2] = [new_id]
            i += 1
    return ids
"""

PAIR_NON_OVERLAPPING_COUNT = """
def most_frequent_pair(tokens):
    counts = {}
    i = 0
    tokens = list(tokens)
    while i < len(tokens) - 1:
        pair = (tokens[i], tokens[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
        i += 2 if tokens[i] == tokens[i + 1] else 1
    if not counts:
        return None
    return max(counts, key=counts.get)
"""

IDS_DROP_UNKNOWN = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    return [vocab[t] if t in vocab else unk_id for t in tokens if t in vocab or unk_id is not None]
"""

IDS_BARE_KEYERROR = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    if unk_id is None:
        return [vocab[t] for t in tokens]
    return [vocab.get(t, unk_id) for t in tokens]
"""

TRAIN_ON_CODE_POINTS = """
def train_bpe(text, n_merges):
    ids = [ord(c) for c in text]
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges):
        pair = most_frequent_pair(ids)
        if pair is None:
            break
        new_id = 256 + k
        merges[pair] = new_id
        vocab[new_id] = vocab.get(pair[0], b"?") + vocab.get(pair[1], b"?")
        ids = bpe_encode(ids, {pair: new_id})
    return merges, vocab
"""

TRAIN_NEVER_REMERGES = """
def train_bpe(text, n_merges):
    ids = list(text.encode("utf-8"))
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges):
        counts = {}
        for pair in zip(ids, ids[1:]):
            if pair not in merges:
                counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        pair = max(counts, key=counts.get)
        new_id = 256 + k
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
    return merges, vocab
"""

MUTANTS = {
    "encode: merges applied in reverse order": _swap(
        "ex_6_1_bpe_encode", "in merges.items()", "in reversed(list(merges.items()))"
    ),
    "encode: merges applied sorted by pair": _swap(
        "ex_6_1_bpe_encode", "in merges.items()", "in sorted(merges.items())"
    ),
    "encode: overlapping replacement ('aaa' -> [aa, aa])": _swap(
        "ex_6_1_bpe_encode", "i += 2", "i += 1"
    ),
    "encode: scanning right to left": {"ex_6_1_bpe_encode": ENCODE_RIGHT_TO_LEFT},
    "encode: only the first occurrence of each pair": {
        "ex_6_1_bpe_encode": ENCODE_FIRST_OCCURRENCE_ONLY
    },
    "encode: modifies the input list in place": {"ex_6_1_bpe_encode": ENCODE_IN_PLACE},
    "decode: joining tokens with spaces": _swap("ex_6_2_bpe_decode", 'b"".join', 'b" ".join'),
    "decode: decoding each token separately": _swap(
        "ex_6_2_bpe_decode",
        'data = b"".join(vocab[i] for i in ids)\n    return data.decode("utf-8", errors="replace")',
        'return "".join(vocab[i].decode("utf-8", errors="replace") for i in ids)',
    ),
    "decode: strict UTF-8 (raises on invalid bytes)": _swap(
        "ex_6_2_bpe_decode", ', errors="replace"', ""
    ),
    "decode: errors='ignore' drops invalid bytes": _swap(
        "ex_6_2_bpe_decode", 'errors="replace"', 'errors="ignore"'
    ),
    "pair: ties broken by last occurrence": _swap(
        "ex_6_3_most_frequent_pair",
        _RETURN_MAX,
        "best = max(counts.values())\n    return [p for p in counts if counts[p] == best][-1]",
    ),
    "pair: ties broken by smallest pair": _swap(
        "ex_6_3_most_frequent_pair", _RETURN_MAX, "return max(sorted(counts), key=counts.get)"
    ),
    "pair: non-overlapping counts": {"ex_6_3_most_frequent_pair": PAIR_NON_OVERLAPPING_COUNT},
    "pair: no None for short input": _swap(
        "ex_6_3_most_frequent_pair", "    if not counts:\n        return None\n", ""
    ),
    "vocab trace answered A": _swap("ex_6_4_vocab_trace", 'answer_6_4 = "B"', 'answer_6_4 = "A"'),
    "vocab trace answered C": _swap("ex_6_4_vocab_trace", 'answer_6_4 = "B"', 'answer_6_4 = "C"'),
    "vocab trace answered D": _swap("ex_6_4_vocab_trace", 'answer_6_4 = "B"', 'answer_6_4 = "D"'),
    "ids: `if unk_id:` treats 0 as missing": _swap(
        "ex_6_5_tokens_to_ids", "elif unk_id is not None:", "elif unk_id:"
    ),
    "ids: unknown tokens dropped": {"ex_6_5_tokens_to_ids": IDS_DROP_UNKNOWN},
    "ids: ValueError instead of KeyError": _swap(
        "ex_6_5_tokens_to_ids", "raise KeyError", "raise ValueError"
    ),
    "ids: bare KeyError without a message": {"ex_6_5_tokens_to_ids": IDS_BARE_KEYERROR},
    "train: one merge too few": _swap("ex_6_6_train_bpe", "range(n_merges)", "range(n_merges - 1)"),
    "train: new ids start at 255": _swap("ex_6_6_train_bpe", "256 + k", "255 + k"),
    "train: on code points instead of bytes": {"ex_6_6_train_bpe": TRAIN_ON_CODE_POINTS},
    "train: never applies the merges to the sequence": {"ex_6_6_train_bpe": TRAIN_NEVER_REMERGES},
    "train: vocab joins parts with a space": _swap(
        "ex_6_6_train_bpe",
        "vocab[pair[0]] + vocab[pair[1]]",
        'vocab[pair[0]] + b" " + vocab[pair[1]]',
    ),
    "train: stops when the best count is 1": _swap(
        "ex_6_6_train_bpe",
        "if pair is None:",
        "if pair is None or sum(1 for p in zip(ids, ids[1:]) if p == pair) < 2:",
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "encode: merges applied in reverse order": (
        "applying the merges in reverse instead of in the order they were learned"
    ),
    "encode: merges applied sorted by pair": (
        "applying the merges sorted by pair instead of in the order they were learned"
    ),
    "encode: overlapping replacement ('aaa' -> [aa, aa])": (
        "moving on by one position after a merge instead of two, so overlapping pairs both merge"
    ),
    "encode: scanning right to left": (
        "scanning right to left, so 'aaa' becomes [a, aa] instead of [aa, a]"
    ),
    "encode: only the first occurrence of each pair": (
        "merging only the first occurrence of each pair"
    ),
    "encode: modifies the input list in place": (
        "merging inside the caller's list instead of a copy"
    ),
    "decode: joining tokens with spaces": "joining the tokens' bytes with spaces",
    "decode: decoding each token separately": (
        "decoding each token on its own, which breaks a character split across tokens"
    ),
    "decode: strict UTF-8 (raises on invalid bytes)": (
        'decoding without errors="replace", so invalid bytes raise'
    ),
    "decode: errors='ignore' drops invalid bytes": (
        'errors="ignore", which drops invalid bytes instead of replacing them'
    ),
    "pair: ties broken by last occurrence": (
        "a tie going to the pair that appears last instead of first"
    ),
    "pair: ties broken by smallest pair": (
        "a tie going to the smallest pair instead of the one that appears first"
    ),
    "pair: non-overlapping counts": (
        "not counting overlapping pairs (('a', 'a') occurs twice in 'aaa')"
    ),
    "pair: no None for short input": "an error instead of None for fewer than 2 tokens",
    "vocab trace answered A": (
        "answer A: one merge per vocabulary entry, forgetting the byte tokens"
    ),
    "vocab trace answered C": "answer C",
    "vocab trace answered D": "answer D",
    "ids: `if unk_id:` treats 0 as missing": (
        "`if unk_id:`, which treats unk_id=0 as if none was given"
    ),
    "ids: unknown tokens dropped": (
        "leaving unknown tokens out instead of raising KeyError when unk_id is None"
    ),
    "ids: ValueError instead of KeyError": "ValueError instead of KeyError for an unknown token",
    "ids: bare KeyError without a message": "a KeyError that does not name the unknown token",
    "train: one merge too few": "learning n_merges - 1 merges instead of n_merges",
    "train: new ids start at 255": "numbering new tokens from 255 (a byte's id) instead of 256",
    "train: on code points instead of bytes": (
        "training on Unicode code points (ord) instead of the text's UTF-8 bytes"
    ),
    "train: never applies the merges to the sequence": (
        "never merging the chosen pair in the sequence, so later counts see the old tokens"
    ),
    "train: vocab joins parts with a space": "joining the two parts' bytes with a space in vocab",
    "train: stops when the best count is 1": (
        "stopping when the best pair occurs only once instead of merging on"
    ),
}
