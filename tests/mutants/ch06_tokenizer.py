"""ch06_tokenizer: wrong answers students plausibly write; each must lose points."""

ENCODE_WRONG_ORDER = """
def bpe_encode(chars, merges):
    ids = list(chars)
    for (a, b), new_id in reversed(list(merges.items())):
        merged, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
                merged.append(new_id)
                i += 2
            else:
                merged.append(ids[i])
                i += 1
        ids = merged
    return ids
"""

ENCODE_SORTED_BY_PAIR = """
def bpe_encode(chars, merges):
    ids = list(chars)
    for (a, b), new_id in sorted(merges.items()):
        merged, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
                merged.append(new_id)
                i += 2
            else:
                merged.append(ids[i])
                i += 1
        ids = merged
    return ids
"""

ENCODE_OVERLAPPING = """
def bpe_encode(chars, merges):
    ids = list(chars)
    for (a, b), new_id in merges.items():
        merged, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
                merged.append(new_id)
            else:
                merged.append(ids[i])
            i += 1
        ids = merged
    return ids
"""

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

DECODE_WITH_SPACES = """
def bpe_decode(ids, vocab):
    return b" ".join(vocab[i] for i in ids).decode("utf-8", errors="replace")
"""

DECODE_PER_TOKEN = """
def bpe_decode(ids, vocab):
    return "".join(vocab[i].decode("utf-8", errors="replace") for i in ids)
"""

DECODE_STRICT = """
def bpe_decode(ids, vocab):
    return b"".join(vocab[i] for i in ids).decode("utf-8")
"""

DECODE_IGNORE = """
def bpe_decode(ids, vocab):
    return b"".join(vocab[i] for i in ids).decode("utf-8", errors="ignore")
"""

PAIR_LAST_OCCURRENCE = """
def most_frequent_pair(tokens):
    counts = {}
    for pair in zip(tokens, tokens[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return [p for p in counts if counts[p] == best][-1]
"""

PAIR_SMALLEST = """
def most_frequent_pair(tokens):
    counts = {}
    for pair in zip(tokens, tokens[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    if not counts:
        return None
    return max(sorted(counts), key=counts.get)
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

PAIR_NO_NONE = """
def most_frequent_pair(tokens):
    counts = {}
    for pair in zip(tokens, tokens[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return max(counts, key=counts.get)
"""

IDS_FALSY_UNK = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    ids = []
    for token in tokens:
        if token in vocab:
            ids.append(vocab[token])
        elif unk_id:
            ids.append(unk_id)
        else:
            raise KeyError(f"token {token!r} is not in the vocabulary")
    return ids
"""

IDS_DROP_UNKNOWN = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    return [vocab[t] if t in vocab else unk_id for t in tokens if t in vocab or unk_id is not None]
"""

IDS_VALUE_ERROR = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    ids = []
    for token in tokens:
        if token in vocab:
            ids.append(vocab[token])
        elif unk_id is not None:
            ids.append(unk_id)
        else:
            raise ValueError(f"token {token!r} is not in the vocabulary")
    return ids
"""

IDS_BARE_KEYERROR = """
def tokens_to_ids(tokens, vocab, unk_id=None):
    if unk_id is None:
        return [vocab[t] for t in tokens]
    return [vocab.get(t, unk_id) for t in tokens]
"""

TRAIN_OFF_BY_ONE = """
def train_bpe(text, n_merges):
    ids = list(text.encode("utf-8"))
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges - 1):
        pair = most_frequent_pair(ids)
        if pair is None:
            break
        new_id = 256 + k
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
        ids = bpe_encode(ids, {pair: new_id})
    return merges, vocab
"""

TRAIN_IDS_FROM_255 = """
def train_bpe(text, n_merges):
    ids = list(text.encode("utf-8"))
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges):
        pair = most_frequent_pair(ids)
        if pair is None:
            break
        new_id = 255 + k
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
        ids = bpe_encode(ids, {pair: new_id})
    return merges, vocab
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

TRAIN_VOCAB_WITH_SPACE = """
def train_bpe(text, n_merges):
    ids = list(text.encode("utf-8"))
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges):
        pair = most_frequent_pair(ids)
        if pair is None:
            break
        new_id = 256 + k
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + b" " + vocab[pair[1]]
        ids = bpe_encode(ids, {pair: new_id})
    return merges, vocab
"""

TRAIN_STOPS_AT_COUNT_ONE = """
def train_bpe(text, n_merges):
    ids = list(text.encode("utf-8"))
    vocab = {i: bytes([i]) for i in range(256)}
    merges = {}
    for k in range(n_merges):
        pair = most_frequent_pair(ids)
        if pair is None or sum(1 for p in zip(ids, ids[1:]) if p == pair) < 2:
            break
        new_id = 256 + k
        merges[pair] = new_id
        vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
        ids = bpe_encode(ids, {pair: new_id})
    return merges, vocab
"""

MUTANTS = {
    "encode: merges applied in reverse order": {"ex_6_1_bpe_encode": ENCODE_WRONG_ORDER},
    "encode: merges applied sorted by pair": {"ex_6_1_bpe_encode": ENCODE_SORTED_BY_PAIR},
    "encode: overlapping replacement ('aaa' -> [aa, aa])": {
        "ex_6_1_bpe_encode": ENCODE_OVERLAPPING
    },
    "encode: scanning right to left": {"ex_6_1_bpe_encode": ENCODE_RIGHT_TO_LEFT},
    "encode: only the first occurrence of each pair": {
        "ex_6_1_bpe_encode": ENCODE_FIRST_OCCURRENCE_ONLY
    },
    "encode: modifies the input list in place": {"ex_6_1_bpe_encode": ENCODE_IN_PLACE},
    "decode: joining tokens with spaces": {"ex_6_2_bpe_decode": DECODE_WITH_SPACES},
    "decode: decoding each token separately": {"ex_6_2_bpe_decode": DECODE_PER_TOKEN},
    "decode: strict UTF-8 (raises on invalid bytes)": {"ex_6_2_bpe_decode": DECODE_STRICT},
    "decode: errors='ignore' drops invalid bytes": {"ex_6_2_bpe_decode": DECODE_IGNORE},
    "pair: ties broken by last occurrence": {"ex_6_3_most_frequent_pair": PAIR_LAST_OCCURRENCE},
    "pair: ties broken by smallest pair": {"ex_6_3_most_frequent_pair": PAIR_SMALLEST},
    "pair: non-overlapping counts": {"ex_6_3_most_frequent_pair": PAIR_NON_OVERLAPPING_COUNT},
    "pair: no None for short input": {"ex_6_3_most_frequent_pair": PAIR_NO_NONE},
    "vocab trace answered A": {"ex_6_4_vocab_trace": 'answer_6_4 = "A"'},
    "vocab trace answered C": {"ex_6_4_vocab_trace": 'answer_6_4 = "C"'},
    "vocab trace answered D": {"ex_6_4_vocab_trace": 'answer_6_4 = "D"'},
    "ids: `if unk_id:` treats 0 as missing": {"ex_6_5_tokens_to_ids": IDS_FALSY_UNK},
    "ids: unknown tokens dropped": {"ex_6_5_tokens_to_ids": IDS_DROP_UNKNOWN},
    "ids: ValueError instead of KeyError": {"ex_6_5_tokens_to_ids": IDS_VALUE_ERROR},
    "ids: bare KeyError without a message": {"ex_6_5_tokens_to_ids": IDS_BARE_KEYERROR},
    "train: one merge too few": {"ex_6_6_train_bpe": TRAIN_OFF_BY_ONE},
    "train: new ids start at 255": {"ex_6_6_train_bpe": TRAIN_IDS_FROM_255},
    "train: on code points instead of bytes": {"ex_6_6_train_bpe": TRAIN_ON_CODE_POINTS},
    "train: never applies the merges to the sequence": {"ex_6_6_train_bpe": TRAIN_NEVER_REMERGES},
    "train: vocab joins parts with a space": {"ex_6_6_train_bpe": TRAIN_VOCAB_WITH_SPACE},
    "train: stops when the best count is 1": {"ex_6_6_train_bpe": TRAIN_STOPS_AT_COUNT_ONE},
}
