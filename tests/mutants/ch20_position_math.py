"""ch20_position_math: wrong answers students plausibly write; each must lose points.

Each mutant is the reference solution with one piece changed (see ``tests.mutants.swap``).
"""

import functools

from tests.mutants import swap

_swap = functools.partial(swap, "ch20_position_math")

WAVE = "ex_20_1_wavelengths"
LEARNED = "ex_20_2_learned_positions"
SHIFT = "ex_20_4_shift_invariance"
_LAST = "wavelength(255, d)"
_SLOPE = "return 2.0 ** (-8.0 * h / n_heads)"
_GAP = "abs(score(i + shift, j + shift) - score(i, j))"

MUTANTS = {
    "wavelength with exponent i/d instead of 2i/d": _swap(
        WAVE, "base ** (2 * i / d)", "base ** (i / d)"
    ),
    "wavelength: the seed's 62,577 slip": _swap(
        WAVE,
        _LAST + "  # 2*pi * 10000^(510/512) ~ 60,611\n"
        "wavelength_ratio = wavelength_last / wavelength_first",
        "62577.0\nwavelength_ratio = 9961.0",
    ),
    "wavelength with exponent 1 for the last pair": _swap(WAVE, _LAST, "2 * np.pi * 10000.0"),
    "frequency reported instead of wavelength": _swap(
        WAVE, "return 2 * np.pi * base **", "return base **"
    ),
    "learned table counted in bytes": _swap(LEARNED, "= T * d_model", "= T * d_model * 2"),
    "RoPE given d/2 parameters": _swap(
        LEARNED, "rope_pos_params = 0", "rope_pos_params = d_model // 2"
    ),
    "fraction given as a percentage": _swap(
        LEARNED,
        "learned_pos_fraction = learned_pos_params",
        "learned_pos_fraction = 100 * learned_pos_params",
    ),
    "parameter count as a float": _swap(
        LEARNED, "T, d_model = 4096, 4096", "T, d_model = 4096.0, 4096.0"
    ),
    "RoPE trace answered A": _swap("ex_20_3_rope_trace", '"B"', '"A"'),
    "RoPE trace answered C": _swap("ex_20_3_rope_trace", '"B"', '"C"'),
    "ALiBi slopes starting at h = 0": _swap(
        SHIFT, "np.arange(1, n_heads + 1)", "np.arange(n_heads)"
    ),
    "ALiBi slopes 1/(2h)": _swap(SHIFT, _SLOPE, "return 1.0 / (2.0 * h)"),
    "ALiBi slopes 2^-h ignoring H": _swap(SHIFT, _SLOPE, "return 2.0 ** (-h)"),
    "ALiBi bias with a positive sign": _swap(
        SHIFT, "return -np.asarray(slopes, dtype=float)", "return np.asarray(slopes, dtype=float)"
    ),
    "ALiBi bias with i - j instead of |i - j|": _swap(
        SHIFT,
        "distance = np.abs(pos[:, None] - pos[None, :])",
        "distance = pos[:, None] - pos[None, :]",
    ),
    "ALiBi bias using the first slope for every head": _swap(
        SHIFT,
        "return -np.asarray(slopes, dtype=float)[:, None, None] * distance[None, :, :]",
        "return -np.asarray(slopes, dtype=float)[0] * np.stack([distance] * len(slopes))",
    ),
    "shift_gap without abs": _swap(SHIFT, _GAP, "score(i + shift, j + shift) - score(i, j)"),
    "shift_gap shifting only the query position": _swap(
        SHIFT, "abs(score(i + shift, j + shift)", "abs(score(i + shift, j)"
    ),
    "shift_gap checking only the diagonal": _swap(
        SHIFT,
        "for j in range(n):\n            gap = max(gap, " + _GAP + ")",
        "j = i\n        gap = max(gap, " + _GAP + ")",
    ),
    "shift_gap averaging instead of max": _swap(
        SHIFT,
        "    gap = 0.0\n    for i in range(n):\n        for j in range(n):\n"
        "            gap = max(gap, " + _GAP + ")\n"
        "    return float(gap)",
        "    diffs = [" + _GAP + "\n             for i in range(n) for j in range(n)]\n"
        "    return float(np.mean(diffs))",
    ),
    # Half of the pairs: the score is assumed symmetric, so only i <= j (or i >= j) is visited.
    "shift_gap over the upper triangle only": _swap(
        SHIFT, "        for j in range(n):", "        for j in range(i, n):"
    ),
    "shift_gap over the lower triangle only": _swap(
        SHIFT, "        for j in range(n):", "        for j in range(i + 1):"
    ),
}

# What a student whose result equals a mutant's reads ("Likely mistake: <words>").
WORDS = {
    "wavelength with exponent i/d instead of 2i/d": "the exponent i / d instead of 2 * i / d",
    "wavelength: the seed's 62,577 slip": (
        "typing the quoted 62,577 instead of computing the wavelength in code"
    ),
    "wavelength with exponent 1 for the last pair": (
        "exponent 1 for the last pair (2*pi * 10000) instead of 2i/d with i = 255"
    ),
    "frequency reported instead of wavelength": (
        "base^(2i/d) without the factor 2*pi: one over the frequency, not the wavelength"
    ),
    "learned table counted in bytes": "counting bytes (times 2) instead of parameters",
    "RoPE given d/2 parameters": "counting RoPE's d/2 rotation frequencies as trained parameters",
    "fraction given as a percentage": "a percentage (times 100) instead of a fraction",
    "parameter count as a float": "a float count (4096.0 * 4096.0) instead of an int",
    "RoPE trace answered A": "answer A (RoPE adds learned position vectors)",
    "RoPE trace answered C": "answer C (RoPE scores decay to zero with distance)",
    "ALiBi slopes starting at h = 0": "slopes for h = 0 .. H-1 instead of h = 1 .. H",
    "ALiBi slopes 1/(2h)": "slopes 1 / (2h) instead of 2^(-8h/H)",
    "ALiBi slopes 2^-h ignoring H": "slopes 2^(-h), without the 8 / H in the exponent",
    "ALiBi bias with a positive sign": "+slope * |i - j| instead of -slope * |i - j|",
    "ALiBi bias with i - j instead of |i - j|": "i - j instead of |i - j| for the distance",
    "ALiBi bias using the first slope for every head": "the first head's slope for every head",
    "shift_gap without abs": "the signed difference instead of its absolute value",
    "shift_gap shifting only the query position": (
        "shifting only i, score(i + shift, j), instead of both positions"
    ),
    "shift_gap checking only the diagonal": (
        "comparing only the pairs i == j instead of every (i, j)"
    ),
    "shift_gap averaging instead of max": "the mean change instead of the largest",
    "shift_gap over the upper triangle only": (
        "visiting only the pairs with j >= i, as if every score were symmetric"
    ),
    "shift_gap over the lower triangle only": (
        "visiting only the pairs with j <= i, as if every score were symmetric"
    ),
}
