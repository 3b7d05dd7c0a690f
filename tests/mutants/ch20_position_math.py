"""ch20_position_math: wrong answers students plausibly write; each must lose points."""

WAVELENGTH_I_OVER_D = """
d = 512
wavelength_first = 2 * np.pi
wavelength_last = 2 * np.pi * 10000 ** (255 / d)
wavelength_ratio = wavelength_last / wavelength_first
"""

WAVELENGTH_SEED_SLIP = """
wavelength_first = 2 * np.pi
wavelength_last = 62577.0
wavelength_ratio = 9961.0
"""

WAVELENGTH_FULL_EXPONENT = """
wavelength_first = 2 * np.pi
wavelength_last = 2 * np.pi * 10000.0
wavelength_ratio = 10000.0
"""

WAVELENGTH_FREQUENCY = """
wavelength_first = 1.0
wavelength_last = 10000 ** (510 / 512)
wavelength_ratio = wavelength_last / wavelength_first
"""

LEARNED_BYTES = """
learned_pos_params = 4096 * 4096 * 2
rope_pos_params = 0
learned_pos_fraction = learned_pos_params / 6_738_415_616
"""

ROPE_HAS_PARAMS = """
learned_pos_params = 4096 * 4096
rope_pos_params = 4096 // 2
learned_pos_fraction = learned_pos_params / 6_738_415_616
"""

FRACTION_PERCENT = """
learned_pos_params = 4096 * 4096
rope_pos_params = 0
learned_pos_fraction = 100 * learned_pos_params / 6_738_415_616
"""

COUNT_AS_FLOAT = """
learned_pos_params = 4096.0 * 4096.0
rope_pos_params = 0
learned_pos_fraction = learned_pos_params / 6_738_415_616
"""

SLOPES_FROM_ZERO = """
def alibi_slopes(n_heads):
    h = np.arange(n_heads)
    return 2.0 ** (-8.0 * h / n_heads)


def alibi_bias(seq_len, slopes):
    pos = np.arange(seq_len)
    distance = np.abs(pos[:, None] - pos[None, :])
    return -np.asarray(slopes, dtype=float)[:, None, None] * distance[None, :, :]


def shift_gap(score, n, shift):
    gap = 0.0
    for i in range(n):
        for j in range(n):
            gap = max(gap, abs(score(i + shift, j + shift) - score(i, j)))
    return float(gap)
"""

SLOPES_HARMONIC = SLOPES_FROM_ZERO.replace(
    "h = np.arange(n_heads)\n    return 2.0 ** (-8.0 * h / n_heads)",
    "h = np.arange(1, n_heads + 1)\n    return 1.0 / (2.0 * h)",
)

SLOPES_FIXED_BASE = SLOPES_FROM_ZERO.replace(
    "h = np.arange(n_heads)\n    return 2.0 ** (-8.0 * h / n_heads)",
    "h = np.arange(1, n_heads + 1)\n    return 2.0 ** (-h)",
)

_GOOD_SLOPES = "h = np.arange(1, n_heads + 1)\n    return 2.0 ** (-8.0 * h / n_heads)"
_BAD_SLOPES = "h = np.arange(n_heads)\n    return 2.0 ** (-8.0 * h / n_heads)"
_GOOD = SLOPES_FROM_ZERO.replace(_BAD_SLOPES, _GOOD_SLOPES)

BIAS_POSITIVE = _GOOD.replace(
    "return -np.asarray(slopes, dtype=float)", "return np.asarray(slopes, dtype=float)"
)

BIAS_SIGNED = _GOOD.replace(
    "distance = np.abs(pos[:, None] - pos[None, :])", "distance = pos[:, None] - pos[None, :]"
)

BIAS_ONE_SLOPE = _GOOD.replace(
    "return -np.asarray(slopes, dtype=float)[:, None, None] * distance[None, :, :]",
    "return -np.asarray(slopes, dtype=float)[0] * np.stack([distance] * len(slopes))",
)

GAP_SIGNED = _GOOD.replace(
    "abs(score(i + shift, j + shift) - score(i, j))", "score(i + shift, j + shift) - score(i, j)"
)

GAP_SHIFT_ONE_SIDE = _GOOD.replace("score(i + shift, j + shift)", "score(i + shift, j)")

GAP_DIAGONAL_ONLY = _GOOD.replace(
    "for j in range(n):\n"
    "            gap = max(gap, abs(score(i + shift, j + shift) - score(i, j)))",
    "j = i\n        gap = max(gap, abs(score(i + shift, j + shift) - score(i, j)))",
)

GAP_MEAN = _GOOD.replace(
    "    gap = 0.0\n    for i in range(n):\n        for j in range(n):\n"
    "            gap = max(gap, abs(score(i + shift, j + shift) - score(i, j)))\n"
    "    return float(gap)",
    "    diffs = [abs(score(i + shift, j + shift) - score(i, j))\n"
    "             for i in range(n) for j in range(n)]\n"
    "    return float(np.mean(diffs))",
)

MUTANTS = {
    "wavelength with exponent i/d instead of 2i/d": {"ex_20_1_wavelengths": WAVELENGTH_I_OVER_D},
    "wavelength: the seed's 62,577 slip": {"ex_20_1_wavelengths": WAVELENGTH_SEED_SLIP},
    "wavelength with exponent 1 for the last pair": {
        "ex_20_1_wavelengths": WAVELENGTH_FULL_EXPONENT
    },
    "frequency reported instead of wavelength": {"ex_20_1_wavelengths": WAVELENGTH_FREQUENCY},
    "learned table counted in bytes": {"ex_20_2_learned_positions": LEARNED_BYTES},
    "RoPE given d/2 parameters": {"ex_20_2_learned_positions": ROPE_HAS_PARAMS},
    "fraction given as a percentage": {"ex_20_2_learned_positions": FRACTION_PERCENT},
    "parameter count as a float": {"ex_20_2_learned_positions": COUNT_AS_FLOAT},
    "RoPE trace answered A": {"ex_20_3_rope_trace": 'answer_20_3 = "A"'},
    "RoPE trace answered C": {"ex_20_3_rope_trace": 'answer_20_3 = "C"'},
    "ALiBi slopes starting at h = 0": {"ex_20_4_shift_invariance": SLOPES_FROM_ZERO},
    "ALiBi slopes 1/(2h)": {"ex_20_4_shift_invariance": SLOPES_HARMONIC},
    "ALiBi slopes 2^-h ignoring H": {"ex_20_4_shift_invariance": SLOPES_FIXED_BASE},
    "ALiBi bias with a positive sign": {"ex_20_4_shift_invariance": BIAS_POSITIVE},
    "ALiBi bias with i - j instead of |i - j|": {"ex_20_4_shift_invariance": BIAS_SIGNED},
    "ALiBi bias using the first slope for every head": {"ex_20_4_shift_invariance": BIAS_ONE_SLOPE},
    "shift_gap without abs": {"ex_20_4_shift_invariance": GAP_SIGNED},
    "shift_gap shifting only the query position": {"ex_20_4_shift_invariance": GAP_SHIFT_ONE_SIDE},
    "shift_gap checking only the diagonal": {"ex_20_4_shift_invariance": GAP_DIAGONAL_ONLY},
    "shift_gap averaging instead of max": {"ex_20_4_shift_invariance": GAP_MEAN},
}
