"""ch05_positions: wrong answers students plausibly write; each must lose points.

Most mutants are the reference solution with one piece changed (see ``tests.mutants.swap``);
the few that are a genuinely different implementation stay explicit.
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch05_positions")

_PE_SINCOS = "pe[:, 0::2] = np.sin(angles)\n    pe[:, 1::2] = np.cos(angles)"
_OMEGA = "omega = 10000.0 ** (-two_i / d_model)"
_PE_DOT_RETURN = "return float(pe[pos1] @ pe[pos2])"
_ADD_RETURN = "return emb + pe[:seq]"
_ADD_D_CHECK = (
    "if pe.ndim != 2 or pe.shape[1] != d:\n"
    '        raise ValueError(f"pe must be [max_len, {d}], got shape {pe.shape}")\n    '
)
_ADD_LEN_CHECK = (
    "if seq > pe.shape[0]:\n"
    '        raise ValueError(f"sequence of length {seq} is longer than max_len = {pe.shape[0]}")\n'
    "    "
)
_SHIFT_EXPONENT = "10000.0 ** (-2 * i / d_model)"
_SHIFT_BLOCK = (
    "= c, s  # new sin = sin*cos(k w) + cos*sin(k w)\n"
    "        R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = -s, c"
)
_ROPE_POS = "pos = np.asarray(positions, dtype=float)[:, None]"
_ROPE_THETA = "theta = base ** (-np.arange(0, d, 2, dtype=float) / d)"
_ROPE_OUT = "out[:, 0::2] = a * cos - b * sin\n    out[:, 1::2] = a * sin + b * cos"
_LOOKUP_LOOP = (
    "    for p in positions.ravel():\n"
    "        if not 0 <= p < table.shape[0]:\n"
    '            raise IndexError(f"position {p} is outside the learned table '
    '[0, {table.shape[0]})")\n'
)
_NEAR = "score_near = float(apply_rope(q_57, [10])[0] @ apply_rope(k_57, [7])[0])"
_FAR = "score_far = float(apply_rope(q_57, [640])[0] @ apply_rope(k_57, [637])[0])"
_WAVELENGTHS = "2 * np.pi * 10000.0 ** (np.arange(0, 64, 2) / 64)"

PE_NO_ODD_CHECK = """
def sinusoidal_pe(seq_len, d_model):
    pos = np.arange(seq_len, dtype=float)[:, None]
    j = np.arange(d_model)
    angles = pos * 10000.0 ** (-(j - j % 2) / d_model)
    return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))
"""

ADD_BATCH_AXIS_AS_SEQ = """
def add_positions(emb, pe):
    emb = np.asarray(emb, dtype=float)
    seq, d = emb.shape[0], emb.shape[-1]
    if pe.shape[1] != d or seq > pe.shape[0]:
        raise ValueError("shape mismatch")
    if emb.ndim == 3:
        return emb + pe[:seq][:, None, :]
    return emb + pe[:seq]
"""

MUTANTS = {
    # 5.1 sinusoidal_pe
    "sinusoidal_pe with sin and cos swapped": _swap(
        "ex_5_1_sinusoidal_pe",
        _PE_SINCOS,
        "pe[:, 0::2] = np.cos(angles)\n    pe[:, 1::2] = np.sin(angles)",
    ),
    "sinusoidal_pe with exponent i/d": _swap(
        "ex_5_1_sinusoidal_pe", _OMEGA, "omega = 10000.0 ** (-np.arange(d_model // 2) / d_model)"
    ),
    "sinusoidal_pe with a positive exponent": _swap(
        "ex_5_1_sinusoidal_pe", _OMEGA, "omega = 10000.0 ** (two_i / d_model)"
    ),
    "sinusoidal_pe with base 1000": _swap(
        "ex_5_1_sinusoidal_pe", _OMEGA, "omega = 1000.0 ** (-two_i / d_model)"
    ),
    "sinusoidal_pe dividing by d - 2": _swap(
        "ex_5_1_sinusoidal_pe", _OMEGA, "omega = 10000.0 ** (-two_i / (d_model - 2))"
    ),
    "sinusoidal_pe with sines then cosines (halves)": _swap(
        "ex_5_1_sinusoidal_pe",
        _PE_SINCOS,
        "pe[:, : d_model // 2] = np.sin(angles)\n    pe[:, d_model // 2 :] = np.cos(angles)",
    ),
    "sinusoidal_pe without the odd-d check": {"ex_5_1_sinusoidal_pe": PE_NO_ODD_CHECK},
    # 5.2 pe_dot
    "pe_dot as cosine similarity": _swap(
        "ex_5_2_pe_dot",
        _PE_DOT_RETURN,
        "a, b = pe[pos1], pe[pos2]\n"
        "    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))",
    ),
    "pe_dot with a fixed 1024-row table": _swap(
        "ex_5_2_pe_dot",
        "sinusoidal_pe(max(pos1, pos2) + 1, d_model)",
        "sinusoidal_pe(1024, d_model)",
    ),
    "pe_dot over the sine dimensions only": _swap(
        "ex_5_2_pe_dot", _PE_DOT_RETURN, "return float(pe[pos1, 0::2] @ pe[pos2, 0::2])"
    ),
    "pe_dot returning the elementwise product": _swap(
        "ex_5_2_pe_dot", _PE_DOT_RETURN, "return pe[pos1] * pe[pos2]"
    ),
    # 5.3 add_positions
    "add_positions modifying emb in place": _swap(
        "ex_5_3_add_positions", _ADD_RETURN, "emb += pe[:seq]\n    return emb"
    ),
    "add_positions without checks": _swap(
        "ex_5_3_add_positions", _ADD_D_CHECK + _ADD_LEN_CHECK, ""
    ),
    "add_positions without the d check": _swap("ex_5_3_add_positions", _ADD_D_CHECK, ""),
    "add_positions using the last rows of pe": _swap(
        "ex_5_3_add_positions", _ADD_RETURN, "return emb + pe[-seq:]"
    ),
    "add_positions taking the batch axis as seq": {"ex_5_3_add_positions": ADD_BATCH_AXIS_AS_SEQ},
    # 5.4 trace
    "raw-index trace answered C": _swap("ex_5_4_raw_index_trace", '"B"', '"C"'),
    "raw-index trace answered A": _swap("ex_5_4_raw_index_trace", '"B"', '"A"'),
    # 5.5 shift_rotation
    "shift_rotation transposed (shifts by -k)": _swap(
        "ex_5_5_shift_rotation",
        _SHIFT_BLOCK,
        "= c, -s\n        R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = s, c",
    ),
    "shift_rotation with exponent i/d": _swap(
        "ex_5_5_shift_rotation", _SHIFT_EXPONENT, "10000.0 ** (-i / d_model)"
    ),
    "shift_rotation with a symmetric block": _swap("ex_5_5_shift_rotation", "= -s, c", "= s, c"),
    "shift_rotation with one angle for all pairs": _swap(
        "ex_5_5_shift_rotation", "angle = k * " + _SHIFT_EXPONENT, "angle = k"
    ),
    # 5.6 apply_rope
    "RoPE rotating (i, i + d/2) instead of adjacent pairs": _swap(
        "ex_5_6_apply_rope",
        "x[:, 0::2], x[:, 1::2]  # [seq, d/2] each: the two halves of every pair\n"
        "    out = np.empty_like(x)\n    " + _ROPE_OUT,
        "x[:, : d // 2], x[:, d // 2 :]\n    out = np.empty_like(x)\n"
        "    out[:, : d // 2] = a * cos - b * sin\n    out[:, d // 2 :] = a * sin + b * cos",
    ),
    "RoPE with the wrong rotation sign": _swap(
        "ex_5_6_apply_rope",
        _ROPE_OUT,
        "out[:, 0::2] = a * cos + b * sin\n    out[:, 1::2] = -a * sin + b * cos",
    ),
    "RoPE with exponent i/d": _swap(
        "ex_5_6_apply_rope", _ROPE_THETA, "theta = base ** (-np.arange(d // 2, dtype=float) / d)"
    ),
    "RoPE ignoring positions (uses 0..seq-1)": _swap(
        "ex_5_6_apply_rope", _ROPE_POS, "pos = np.arange(len(x), dtype=float)[:, None]"
    ),
    "RoPE ignoring base": _swap("ex_5_6_apply_rope", "theta = base **", "theta = 10000.0 **"),
    "RoPE with one-based positions": _swap("ex_5_6_apply_rope", _ROPE_POS, _ROPE_POS + " + 1"),
    "RoPE modifying x in place": _swap(
        "ex_5_6_apply_rope", "out = np.empty_like(x)", "a, b, out = a.copy(), b.copy(), x"
    ),
    # 5.7 beyond training
    "learned lookup letting negative positions wrap": _swap(
        "ex_5_7_beyond_training", _LOOKUP_LOOP, ""
    ),
    "learned lookup clamping to the last row": _swap(
        "ex_5_7_beyond_training",
        _LOOKUP_LOOP + "    return table[positions]",
        "    return table[np.minimum(positions, len(table) - 1)]",
    ),
    "far score with unrotated vectors": _swap(
        "ex_5_7_beyond_training", _FAR, "score_far = float(q_57[0] @ k_57[0])"
    ),
    "scores with the positions swapped": _swap(
        "ex_5_7_beyond_training",
        _NEAR + "\n" + _FAR,
        "score_near = float(apply_rope(q_57, [7])[0] @ apply_rope(k_57, [10])[0])\n"
        "score_far = float(apply_rope(q_57, [637])[0] @ apply_rope(k_57, [640])[0])",
    ),
    "learned table believed to extrapolate": _swap(
        "ex_5_7_beyond_training", '"learned": False', '"learned": True'
    ),
    "sinusoidal chosen for long context": _swap(
        "ex_5_7_beyond_training", 'pe_choice = "rope"', 'pe_choice = "sinusoidal"'
    ),
    # 5.8 wavelengths
    "wavelengths with exponent i/d": _swap(
        "ex_5_8_wavelengths", "np.arange(0, 64, 2) / 64", "np.arange(32) / 64"
    ),
    "wavelengths as frequencies": _swap(
        "ex_5_8_wavelengths", _WAVELENGTHS, "10000.0 ** (-np.arange(0, 64, 2) / 64)"
    ),
    "wavelengths without 2 pi": _swap("ex_5_8_wavelengths", "2 * np.pi * 10000.0", "10000.0"),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "sinusoidal_pe with sin and cos swapped": "cos in the even columns and sin in the odd ones",
    "sinusoidal_pe with exponent i/d": "10000^(-i/d) instead of 10000^(-2i/d) for pair i",
    "sinusoidal_pe with a positive exponent": "10000^(+2i/d) instead of 10000^(-2i/d)",
    "sinusoidal_pe with base 1000": "base 1000 instead of 10000",
    "sinusoidal_pe dividing by d - 2": "dividing the exponent by d_model - 2 instead of d_model",
    "sinusoidal_pe with sines then cosines (halves)": (
        "sines in the first half of the columns and cosines in the second, instead of "
        "alternating columns"
    ),
    "sinusoidal_pe without the odd-d check": "no ValueError for an odd d_model",
    "pe_dot as cosine similarity": (
        "dividing by the two norms (cosine similarity) instead of the plain dot product"
    ),
    "pe_dot with a fixed 1024-row table": (
        "a fixed table of 1024 rows instead of one long enough for both positions"
    ),
    "pe_dot over the sine dimensions only": "only the sine (even) columns instead of all of them",
    "pe_dot returning the elementwise product": (
        "returning the elementwise product instead of its sum"
    ),
    "add_positions modifying emb in place": "adding pe into the caller's emb in place (+=)",
    "add_positions without checks": (
        "no ValueError when pe's width differs from emb's or the sequence is longer than pe"
    ),
    "add_positions without the d check": "no ValueError when pe's width differs from emb's",
    "add_positions using the last rows of pe": "the last seq rows of pe instead of the first",
    "add_positions taking the batch axis as seq": (
        "taking emb.shape[0] as the sequence length (for a 3-D emb it is the batch)"
    ),
    "raw-index trace answered C": "answer C",
    "raw-index trace answered A": "answer A",
    "shift_rotation transposed (shifts by -k)": "the transposed rotation, which shifts by -k",
    "shift_rotation with exponent i/d": "10000^(-i/d) instead of 10000^(-2i/d) for pair i",
    "shift_rotation with a symmetric block": (
        "the same sign on both off-diagonal entries of a block (not a rotation)"
    ),
    "shift_rotation with one angle for all pairs": (
        "rotating every pair by k instead of by k times that pair's frequency"
    ),
    "RoPE rotating (i, i + d/2) instead of adjacent pairs": (
        "pairing column i with i + d/2 instead of adjacent columns (2i, 2i + 1)"
    ),
    "RoPE with the wrong rotation sign": (
        "rotating by minus the angle (sin terms with the wrong sign)"
    ),
    "RoPE with exponent i/d": "base^(-i/d) instead of base^(-2i/d) for pair i",
    "RoPE ignoring positions (uses 0..seq-1)": (
        "positions 0..seq-1 instead of the positions you were given"
    ),
    "RoPE ignoring base": "10000 instead of the base you were given",
    "RoPE with one-based positions": "counting positions from 1 (positions + 1)",
    "RoPE modifying x in place": "writing the rotated values into the caller's x",
    "learned lookup letting negative positions wrap": (
        "no IndexError of your own, so a negative position wraps around to the end of the table"
    ),
    "learned lookup clamping to the last row": (
        "clamping positions past the table to its last row instead of raising IndexError"
    ),
    "far score with unrotated vectors": "score_far from q_57 and k_57 without applying RoPE",
    "scores with the positions swapped": (
        "rotating the query to the key's position and the key to the query's"
    ),
    "learned table believed to extrapolate": 'marking "learned" as defined beyond T',
    "sinusoidal chosen for long context": 'choosing "sinusoidal" for pe_choice',
    "wavelengths with exponent i/d": "10000^(i/64) instead of 10000^(2i/64) for pair i",
    "wavelengths as frequencies": "the frequencies omega_i instead of the wavelengths",
    "wavelengths without 2 pi": "leaving out the factor 2 pi",
}
