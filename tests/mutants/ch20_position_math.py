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
