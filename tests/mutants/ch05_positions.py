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
