"""ch05_positions: wrong answers students plausibly write; each must lose points."""

_PE_TEMPLATE = """
def sinusoidal_pe(seq_len, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    pos = np.arange(seq_len, dtype=float)[:, None]
    i = np.arange(d_model // 2, dtype=float)
    omega = {omega}
    pe = np.empty((seq_len, d_model))
    pe[:, 0::2] = np.{even}(pos * omega)
    pe[:, 1::2] = np.{odd}(pos * omega)
    return pe
"""

PE_SIN_COS_SWAPPED = _PE_TEMPLATE.format(
    omega="10000.0 ** (-2 * i / d_model)", even="cos", odd="sin"
)
PE_EXPONENT_I_OVER_D = _PE_TEMPLATE.format(omega="10000.0 ** (-i / d_model)", even="sin", odd="cos")
PE_POSITIVE_EXPONENT = _PE_TEMPLATE.format(
    omega="10000.0 ** (2 * i / d_model)", even="sin", odd="cos"
)
PE_BASE_1000 = _PE_TEMPLATE.format(omega="1000.0 ** (-2 * i / d_model)", even="sin", odd="cos")
PE_EXPONENT_OVER_D_MINUS_2 = _PE_TEMPLATE.format(
    omega="10000.0 ** (-2 * i / (d_model - 2))", even="sin", odd="cos"
)

PE_HALVES = """
def sinusoidal_pe(seq_len, d_model):
    if d_model % 2:
        raise ValueError("d_model must be even")
    pos = np.arange(seq_len, dtype=float)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    return np.concatenate([np.sin(pos * omega), np.cos(pos * omega)], axis=1)
"""

PE_NO_ODD_CHECK = """
def sinusoidal_pe(seq_len, d_model):
    pos = np.arange(seq_len, dtype=float)[:, None]
    j = np.arange(d_model)
    angles = pos * 10000.0 ** (-(j - j % 2) / d_model)
    return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))
"""

PE_DOT_COSINE = """
def pe_dot(pos1, pos2, d_model):
    pe = sinusoidal_pe(max(pos1, pos2) + 1, d_model)
    a, b = pe[pos1], pe[pos2]
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
"""

PE_DOT_FIXED_TABLE = """
def pe_dot(pos1, pos2, d_model):
    pe = sinusoidal_pe(1024, d_model)
    return float(pe[pos1] @ pe[pos2])
"""

PE_DOT_SIN_ONLY = """
def pe_dot(pos1, pos2, d_model):
    pe = sinusoidal_pe(max(pos1, pos2) + 1, d_model)
    return float(pe[pos1, 0::2] @ pe[pos2, 0::2])
"""

PE_DOT_ARRAY = """
def pe_dot(pos1, pos2, d_model):
    pe = sinusoidal_pe(max(pos1, pos2) + 1, d_model)
    return pe[pos1] * pe[pos2]
"""

ADD_IN_PLACE = """
def add_positions(emb, pe):
    seq, d = emb.shape[-2], emb.shape[-1]
    if pe.shape[1] != d or seq > pe.shape[0]:
        raise ValueError("shape mismatch")
    emb += pe[:seq]
    return emb
"""

ADD_NO_CHECKS = """
def add_positions(emb, pe):
    emb = np.asarray(emb, dtype=float)
    return emb + pe[: emb.shape[-2]]
"""

ADD_NO_D_CHECK = """
def add_positions(emb, pe):
    emb = np.asarray(emb, dtype=float)
    if emb.shape[-2] > pe.shape[0]:
        raise ValueError("sequence too long")
    return emb + pe[: emb.shape[-2]]
"""

ADD_LAST_ROWS = """
def add_positions(emb, pe):
    emb = np.asarray(emb, dtype=float)
    seq, d = emb.shape[-2], emb.shape[-1]
    if pe.shape[1] != d or seq > pe.shape[0]:
        raise ValueError("shape mismatch")
    return emb + pe[-seq:]
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

_ROPE_HEAD = """
def apply_rope(x, positions, base=10000.0):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    if d % 2:
        raise ValueError("d must be even")
"""

ROPE_ROTATE_HALF = (
    _ROPE_HEAD
    + """
    pos = np.asarray(positions, dtype=float)[:, None]
    angles = pos * base ** (-np.arange(0, d, 2) / d)
    cos, sin = np.cos(angles), np.sin(angles)
    a, b = x[:, : d // 2], x[:, d // 2 :]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=1)
"""
)

ROPE_CLOCKWISE = (
    _ROPE_HEAD
    + """
    pos = np.asarray(positions, dtype=float)[:, None]
    angles = pos * base ** (-np.arange(0, d, 2) / d)
    cos, sin = np.cos(angles), np.sin(angles)
    a, b = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = a * cos + b * sin
    out[:, 1::2] = -a * sin + b * cos
    return out
"""
)

_ROPE_ADJACENT = (
    _ROPE_HEAD
    + """
    pos = {pos}
    angles = pos * {theta}
    cos, sin = np.cos(angles), np.sin(angles)
    a, b = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = a * cos - b * sin
    out[:, 1::2] = a * sin + b * cos
    return out
"""
)

ROPE_EXPONENT_I_OVER_D = _ROPE_ADJACENT.format(
    pos="np.asarray(positions, dtype=float)[:, None]", theta="base ** (-np.arange(d // 2) / d)"
)
ROPE_IGNORES_POSITIONS = _ROPE_ADJACENT.format(
    pos="np.arange(len(x), dtype=float)[:, None]", theta="base ** (-np.arange(0, d, 2) / d)"
)
ROPE_IGNORES_BASE = _ROPE_ADJACENT.format(
    pos="np.asarray(positions, dtype=float)[:, None]", theta="10000.0 ** (-np.arange(0, d, 2) / d)"
)
ROPE_ONE_BASED = _ROPE_ADJACENT.format(
    pos="np.asarray(positions, dtype=float)[:, None] + 1", theta="base ** (-np.arange(0, d, 2) / d)"
)

ROPE_IN_PLACE = (
    _ROPE_HEAD
    + """
    pos = np.asarray(positions, dtype=float)[:, None]
    angles = pos * base ** (-np.arange(0, d, 2) / d)
    cos, sin = np.cos(angles), np.sin(angles)
    a, b = x[:, 0::2].copy(), x[:, 1::2].copy()
    x[:, 0::2] = a * cos - b * sin
    x[:, 1::2] = a * sin + b * cos
    return x
"""
)

_SHIFT = """
def shift_rotation(k, d_model):
    R = np.zeros((d_model, d_model))
    for i in range(d_model // 2):
        angle = k * 10000.0 ** ({exponent})
        c, s = math.cos(angle), math.sin(angle)
        R[2 * i, 2 * i], R[2 * i, 2 * i + 1] = {top}
        R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = {bottom}
    return R
"""

SHIFT_TRANSPOSED = _SHIFT.format(exponent="-2 * i / d_model", top="c, -s", bottom="s, c")
SHIFT_EXPONENT_I_OVER_D = _SHIFT.format(exponent="-i / d_model", top="c, s", bottom="-s, c")
SHIFT_NO_ROTATION_SIGN = _SHIFT.format(exponent="-2 * i / d_model", top="c, s", bottom="s, c")

SHIFT_DENSE_SAME_ANGLE = """
def shift_rotation(k, d_model):
    R = np.zeros((d_model, d_model))
    c, s = math.cos(k), math.sin(k)
    for i in range(d_model // 2):
        R[2 * i, 2 * i], R[2 * i, 2 * i + 1] = c, s
        R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = -s, c
    return R
"""

_BEYOND = """
def learned_lookup(table, positions):
{body}


score_near = {near}
score_far = {far}
defined_beyond_T = {defined}
pe_choice = {choice}
"""

_GOOD_LOOKUP = """    table = np.asarray(table)
    positions = np.asarray(positions)
    for p in positions.ravel():
        if not 0 <= p < table.shape[0]:
            raise IndexError(f"position {p} is outside [0, {table.shape[0]})")
    return table[positions]"""
_NEAR = "float(apply_rope(q_57, [10])[0] @ apply_rope(k_57, [7])[0])"
_FAR = "float(apply_rope(q_57, [640])[0] @ apply_rope(k_57, [637])[0])"
_DEFINED = '{"learned": False, "sinusoidal": True, "rope": True}'


def _beyond(
    body: str = _GOOD_LOOKUP,
    near: str = _NEAR,
    far: str = _FAR,
    defined: str = _DEFINED,
    choice: str = '"rope"',
) -> str:
    return _BEYOND.format(body=body, near=near, far=far, defined=defined, choice=choice)


MUTANTS = {
    "sinusoidal_pe with sin and cos swapped": {"ex_5_1_sinusoidal_pe": PE_SIN_COS_SWAPPED},
    "sinusoidal_pe with exponent i/d": {"ex_5_1_sinusoidal_pe": PE_EXPONENT_I_OVER_D},
    "sinusoidal_pe with a positive exponent": {"ex_5_1_sinusoidal_pe": PE_POSITIVE_EXPONENT},
    "sinusoidal_pe with base 1000": {"ex_5_1_sinusoidal_pe": PE_BASE_1000},
    "sinusoidal_pe dividing by d - 2": {"ex_5_1_sinusoidal_pe": PE_EXPONENT_OVER_D_MINUS_2},
    "sinusoidal_pe with sines then cosines (halves)": {"ex_5_1_sinusoidal_pe": PE_HALVES},
    "sinusoidal_pe without the odd-d check": {"ex_5_1_sinusoidal_pe": PE_NO_ODD_CHECK},
    "pe_dot as cosine similarity": {"ex_5_2_pe_dot": PE_DOT_COSINE},
    "pe_dot with a fixed 1024-row table": {"ex_5_2_pe_dot": PE_DOT_FIXED_TABLE},
    "pe_dot over the sine dimensions only": {"ex_5_2_pe_dot": PE_DOT_SIN_ONLY},
    "pe_dot returning the elementwise product": {"ex_5_2_pe_dot": PE_DOT_ARRAY},
    "add_positions modifying emb in place": {"ex_5_3_add_positions": ADD_IN_PLACE},
    "add_positions without checks": {"ex_5_3_add_positions": ADD_NO_CHECKS},
    "add_positions without the d check": {"ex_5_3_add_positions": ADD_NO_D_CHECK},
    "add_positions using the last rows of pe": {"ex_5_3_add_positions": ADD_LAST_ROWS},
    "add_positions taking the batch axis as seq": {"ex_5_3_add_positions": ADD_BATCH_AXIS_AS_SEQ},
    "raw-index trace answered C": {"ex_5_4_raw_index_trace": 'answer_5_4 = "C"'},
    "raw-index trace answered A": {"ex_5_4_raw_index_trace": 'answer_5_4 = "A"'},
    "shift_rotation transposed (shifts by -k)": {"ex_5_5_shift_rotation": SHIFT_TRANSPOSED},
    "shift_rotation with exponent i/d": {"ex_5_5_shift_rotation": SHIFT_EXPONENT_I_OVER_D},
    "shift_rotation with a symmetric block": {"ex_5_5_shift_rotation": SHIFT_NO_ROTATION_SIGN},
    "shift_rotation with one angle for all pairs": {
        "ex_5_5_shift_rotation": SHIFT_DENSE_SAME_ANGLE
    },
    "RoPE rotating (i, i + d/2) instead of adjacent pairs": {"ex_5_6_apply_rope": ROPE_ROTATE_HALF},
    "RoPE with the wrong rotation sign": {"ex_5_6_apply_rope": ROPE_CLOCKWISE},
    "RoPE with exponent i/d": {"ex_5_6_apply_rope": ROPE_EXPONENT_I_OVER_D},
    "RoPE ignoring positions (uses 0..seq-1)": {"ex_5_6_apply_rope": ROPE_IGNORES_POSITIONS},
    "RoPE ignoring base": {"ex_5_6_apply_rope": ROPE_IGNORES_BASE},
    "RoPE with one-based positions": {"ex_5_6_apply_rope": ROPE_ONE_BASED},
    "RoPE modifying x in place": {"ex_5_6_apply_rope": ROPE_IN_PLACE},
    "learned lookup letting negative positions wrap": {
        "ex_5_7_beyond_training": _beyond(body="    return np.asarray(table)[positions]")
    },
    "learned lookup clamping to the last row": {
        "ex_5_7_beyond_training": _beyond(
            body="    return np.asarray(table)[np.minimum(positions, len(table) - 1)]"
        )
    },
    "far score with unrotated vectors": {
        "ex_5_7_beyond_training": _beyond(far="float(q_57[0] @ k_57[0])")
    },
    "scores with the positions swapped": {
        "ex_5_7_beyond_training": _beyond(
            near="float(apply_rope(q_57, [7])[0] @ apply_rope(k_57, [10])[0])",
            far="float(apply_rope(q_57, [637])[0] @ apply_rope(k_57, [640])[0])",
        )
    },
    "learned table believed to extrapolate": {
        "ex_5_7_beyond_training": _beyond(
            defined='{"learned": True, "sinusoidal": True, "rope": True}'
        )
    },
    "sinusoidal chosen for long context": {
        "ex_5_7_beyond_training": _beyond(choice='"sinusoidal"')
    },
    "wavelengths with exponent i/d": {
        "ex_5_8_wavelengths": "wavelengths_64 = 2 * np.pi * 10000.0 ** (np.arange(32) / 64)"
    },
    "wavelengths as frequencies": {
        "ex_5_8_wavelengths": "wavelengths_64 = 10000.0 ** (-np.arange(0, 64, 2) / 64)"
    },
    "wavelengths without 2 pi": {
        "ex_5_8_wavelengths": "wavelengths_64 = 10000.0 ** (np.arange(0, 64, 2) / 64)"
    },
}
