"""Answers that redefine what the release notebook provides (issue #10, item 3): a helper, a
model or config object, a constant, a data set or a class that a provided code cell binds and a
test cell uses. Under plain nbgrader the test cells run in the student's namespace, so they call
the student's redefinition instead of the notebook's: a reference helper that returns the
student's own (wrong) result, a checker that reports no error, a model or data set on which the
wrong answer happens to be right. The grading command runs the provided cells in the judge, so the
tests see the notebook's definitions; the submission is flagged ("redefines X, which the notebook
provides"), and must score exactly like the same wrong answers without the redefinition.

Each redefinition sits in an answer cell (the only student cells the rebuild keeps, see
``course/grading/sanitize.py``) placed after the provided cell that binds the name and before the
test cells that use it, where a student would type it.

Which provided names the tests use (``ReleasePlan.of(release)``: names a test cell loads without
binding them itself, bound by a provided cell, not an answer; ``np`` and the ``check_*`` helpers
imported from ``course.checks`` left aside), and what is done with each chapter:

* ch01 softmax, ch02 linear, ch08 optimizers, ch21 throughput, ch22 architecture, ch23 capstone:
  the tests use only the ``check_*`` helpers (ch02's ``rng`` is bound by a provided cell *after*
  the test that reads it; that test reads a test's own ``rng``). Rebinding the check helpers in an
  answer cell is ``patching.check_names_rebound`` (ch01); the judge treats it like any other
  redefinition (``test_redefinition_is_flagged`` covers it too), so no threat per chapter here.
* ch03 attention: ``rng`` (cell 5), read by test_3_1_attention_4, which compares attention on a
  stack with attention on one of its heads (the student's function both times): no data makes a
  wrong stacked attention agree without failing the shape check. No threat.
* ch04 normalization: ``statistics`` (the module) -> :func:`statistics_module_redefined`.
* ch05 positions: ``learned_table_57`` (cell 31), read by test_5_7_beyond_training, which
  compares the lookup with rows of the table itself and expects IndexError at row T: the answer
  converts the table with ``np.asarray``, so no table object changes what a wrong lookup does
  there. No threat.
* ch06 tokenizer: ``byte_vocab`` (cell 12), ``corpus``/``encode``/``decode`` (cell 30): no answer
  cell lies between those provided cells and the tests that read them (a redefinition in an
  earlier answer cell is overwritten by the provided cell, under plain nbgrader too). No threat.
* ch07 loss and backprop: ``softmax``, ``numerical_gradient``, ``relative_error`` (cell 3),
  ``gradient_check``, ``make_mlp_case``, ``mlp_loss_reference`` (cell 32, no answer cell before
  its tests; ``gradient_check`` calls ``relative_error``), ``p_grid`` (cell 40)
  -> :func:`gradient_checker_and_grid_redefined`.
* ch09 KV cache: ``softmax`` (cell 1), ``model`` (a ``TinyLM``, cell 16)
  -> :func:`tiny_model_redefined`.
* ch10 sampling: ``softmax`` (cell 1); the student's answers call the same ``softmax``, so a
  redefinition moves the answer and the expected value together (it would have to be invariant to
  the temperature to rescue "temperature multiplied"). No threat.
* ch11 GPT model: ``gelu``, ``randomize``, ``GPTConfig``, ``KVCache`` (cell 3), ``gpt2_state``,
  ``expected``, ``tiny_config`` (cell 27), ``generate_recompute`` (cell 32)
  -> :func:`gelu_and_generation_reference_redefined`.
* ch12 training: ``numerical_gradient``, ``rel_error``, ``cross_entropy``, ``lr_schedule``
  (cell 3), the layer functions and ``init_params``/``gpt_forward`` (cell 1), ``loss_and_grads``
  (cell 23), ``TrainSettings`` (cell 26), ``all_ids``/``curve``/``tok``/``tiny_settings``
  (cell 33), ``bigram_floor``/``bigram_losses`` (cell 46), ``floor``/``capstone_margin``/
  ``unigram_entropy`` (cell 49) -> :func:`gradient_error_redefined`.
* ch13 alignment: ``D``, ``Xc_train``, ``Xr_train``, ``Xc_test``, ``Xr_test`` (cell 13)
  -> :func:`preference_data_redefined`.
* ch14 parameter counting: ``make_tiny_decoder`` (cell 23), ``buggy_count_gpt2`` (cell 29)
  -> :func:`model_builder_redefined`.
* ch15 attention math: ``counted_matmul`` (cell 3), read by test_15_6_sdp_3, whose hidden part
  also pins ``sdp_flops`` to an absolute figure (and counts with ``np.ones`` operands of other
  shapes): every wrong ``sdp_flops`` of the mutants fails there whatever the counter says, and
  one that survives it (d_k used for d_v) would need a counter that knows the other product's
  shape. No plausible redefinition gains; no threat.
* ch16 attention variants: ``softmax``, ``causal_mask`` (cell 1) -> :func:`causal_mask_redefined`.
* ch17 memory budget: ``tiny``, ``n_tiny`` (cell 29): no answer cell between cell 29 and the
  tests that read them. No threat.
* ch18 KV cache math: ``fill_caches`` (and ``KVCache``, cell 22) -> :func:`cache_filler_redefined`.
* ch19 numerics: ``count_cost``, ``layer_norm_ref`` (cell 18, tagged ``measures-answers``: they
  stay in the student's process) -> :func:`cost_counter_redefined`.
* ch20 position math: ``rope_score`` (cell 13), read by test_20_4_shift_invariance_4 to measure
  ``shift_gap``; the same cell's hidden part checks ``shift_gap`` on an absolute-position score
  written in the test, so a wrong ``shift_gap`` fails whatever ``rope_score`` is, and a right one
  passes with the notebook's. No redefinition gains; no threat.
"""

from __future__ import annotations

from tests.threats import Kind, threat
from tests.threats.notebooks import answered, appended

CH04 = "ch04_normalization"
CH07 = "ch07_loss_and_backprop"
CH09 = "ch09_kv_cache"
CH11 = "ch11_gpt_model"
CH12 = "ch12_training"
CH13 = "ch13_alignment"
CH14 = "ch14_parameter_counting"
CH16 = "ch16_attention_variants"
CH18 = "ch18_kv_cache_math"
CH19 = "ch19_numerics"

# Every threat of this module redefines these provided names (the flag test reads it).
REDEFINED: dict[str, tuple[str, ...]] = {}


def _redefines(*names: str):  # noqa: ANN202 - a decorator
    def mark(build):  # noqa: ANN001, ANN202
        REDEFINED[build.__name__] = names
        return build

    return mark


SAMPLE_VARIANCE = """


import types

# The test's reference formula, brought in line with the variance used above.
statistics = types.SimpleNamespace(fmean=statistics.fmean, pvariance=statistics.variance)
"""


@threat(CH04, Kind.CHEAT, naive_gain=True)
@_redefines("statistics")
def statistics_module_redefined():
    """layer_norm uses the sample variance (ddof=1); the answer cell then rebinds the provided
    `statistics` module to a namespace whose pvariance is the sample variance, so the hidden
    test's hand-written reference (statistics.pvariance) agrees with the wrong answer."""
    control = answered(CH04, "layer_norm with the sample variance (ddof=1)")
    return appended(control, "ex_4_1_layer_norm", SAMPLE_VARIANCE), control


NO_RELATIVE_ERROR = """
def relative_error(a, b):
    \"\"\"Close enough.\"\"\"
    return 0.0
"""

INVERTED_GRID = """
p_grid = 1.0 / p_grid  # so that -log(p_grid) is the curve computed above
"""


@threat(CH07, Kind.CHEAT, naive_gain=True)
@_redefines("relative_error", "p_grid")
def gradient_checker_and_grid_redefined():
    """The backward pass forgets the hidden ReLU mask and the loss curve is log p instead of
    -log p. The 7.7 answer cell redefines the provided relative_error to return 0 (the notebook's
    gradient_check calls it, so every gradient check reports no error: test_7_7_backprop_3
    passes), and the 7.8 answer cell replaces the provided p_grid by 1 / p_grid, on which
    -log(p_grid) is the wrong curve (the visible checks pass; the hidden one, that the loss falls
    as p grows, still fails, so this part gains nothing by itself)."""
    control = answered(CH07, "backprop: no hidden ReLU mask", "loss curve: log p instead of -log p")
    hostile = appended(control, "ex_7_7_backprop", NO_RELATIVE_ERROR)
    return appended(hostile, "ex_7_8_loss_curve", INVERTED_GRID), control


QUIET_MODEL = """
class QuietLM(TinyLM):
    \"\"\"The notebook's TinyLM with an output layer of zeros.\"\"\"

    def __init__(self):
        super().__init__()
        self.w_out = np.zeros_like(self.w_out)


model = QuietLM()
"""


@threat(CH09, Kind.CHEAT, naive_gain=True)
@_redefines("model")
def tiny_model_redefined():
    """generate_greedy makes a new cache every step and generate_uncached reads the first row of
    the logits. The 9.4 answer cell replaces the provided `model` with a TinyLM whose output
    layer is zero: every logit ties, argmax is always token 0, so the wrong cached generation,
    the wrong uncached one and the test's own argmax over model.forward all agree."""
    control = answered(
        CH09, "generation with a new cache every step", "uncached reading the first row"
    )
    return appended(control, "ex_9_4_generate_greedy", QUIET_MODEL), control


RELU_AS_GELU = """


def gelu(x):
    \"\"\"The activation of this notebook's blocks.\"\"\"
    return np.maximum(x, 0.0)
"""

RECOMPUTE_AS_CACHED = """


def generate_recompute(model, prompt_ids, n_new):
    \"\"\"Greedy generation (the cached version gives the same tokens).\"\"\"
    return generate_cached(model, prompt_ids, n_new)
"""


@threat(CH11, Kind.CHEAT, naive_gain=True)
@_redefines("gelu", "generate_recompute")
def gelu_and_generation_reference_redefined():
    """The MLP uses ReLU instead of GELU and every cached step uses position 0. The 11.1 answer
    cell redefines the provided gelu as ReLU (the visible MLP test builds its expected value with
    gelu; the hidden part of that cell has its own GELU, so this alone gains nothing), and the
    11.7 answer cell redefines the provided generate_recompute to call the student's
    generate_cached, which test_11_7_generate_2 compares it with: that cell passes."""
    control = answered(CH11, "ReLU instead of GELU", "every cached step uses position 0")
    hostile = appended(control, "ex_11_1_block", RELU_AS_GELU)
    return appended(hostile, "ex_11_7_generate", RECOMPUTE_AS_CACHED), control


NO_REL_ERROR = """


def rel_error(a, b):
    \"\"\"Close enough.\"\"\"
    return 0.0
"""


@threat(CH12, Kind.CHEAT, naive_gain=True)
@_redefines("rel_error")
def gradient_error_redefined():
    """gelu_backward forgets the product rule and the cross-entropy gradient is not divided by N;
    the first answer cell redefines the provided rel_error to return 0, so every gradient check
    of 12.1 (rel_error against numerical_gradient) passes."""
    control = answered(
        CH12, "gelu: product rule forgotten", "cross-entropy gradient not divided by N"
    )
    return appended(control, "ex_12_1_linear", NO_REL_ERROR), control


NO_REJECTED = """


# Only the chosen answers matter for the reward.
Xr_train, Xr_test = np.zeros_like(Xr_train), np.zeros_like(Xr_test)
"""


@threat(CH13, Kind.CHEAT, naive_gain=True)
@_redefines("Xr_train", "Xr_test")
def preference_data_redefined():
    """The reward model's gradient forgets the rejected answers' term. The 13.3 answer cell
    replaces the provided rejected-answer data (Xr_train, Xr_test) by zeros, on which the
    missing term is zero: the wrong gradient is right there, training and accuracy pass."""
    control = answered(CH13, "reward model gradient missing the rejected term")
    return appended(control, "ex_13_3_reward_model", NO_REJECTED), control


BUILDER_FROM_ANSWER = """


def make_tiny_decoder(d, L, V):
    \"\"\"The model of 14.5, as one array of the right size.\"\"\"
    return [np.zeros(param_count(d, L, V))]
"""


@threat(CH14, Kind.CHEAT, naive_gain=True)
@_redefines("make_tiny_decoder")
def model_builder_redefined():
    """param_count forgets the final norm; the 14.5 answer cell redefines the provided
    make_tiny_decoder to build one array of param_count(d, L, V) elements, so the live check
    (the sizes of the built arrays) counts what the wrong formula says."""
    control = answered(CH14, "param_count without the final norm")
    return appended(control, "ex_14_5_param_count", BUILDER_FROM_ANSWER), control


NO_MASK = """


def causal_mask(n):
    \"\"\"No mask.\"\"\"
    return np.zeros((n, n))
"""


@threat(CH16, Kind.CHEAT, naive_gain=True)
@_redefines("causal_mask")
def causal_mask_redefined():
    """grouped_query_attention forgets the causal mask; the 16.6 answer cell redefines the
    provided causal_mask to return zeros, so the tests' reference attentions (which add
    causal_mask(s) to their scores) are not causal either."""
    control = answered(CH16, "GQA without the causal mask")
    return appended(control, "ex_16_6_gqa", NO_MASK), control


KEYS_ONLY = """


import types


def fill_caches(batch, layers, seq, kv_heads, head_dim, dtype=np.float16, seed=0):
    \"\"\"Caches as the formula sees them.\"\"\"
    keys = np.zeros((batch, kv_heads, seq, head_dim), dtype=dtype)
    return [types.SimpleNamespace(keys=keys, values=keys[..., :0]) for _ in range(layers)]
"""


@threat(CH18, Kind.CHEAT, naive_gain=True)
@_redefines("fill_caches")
def cache_filler_redefined():
    """kv_cache_bytes forgets the factor 2 for K and V; the 18.6 answer cell redefines the
    provided fill_caches to return caches whose values are empty, so the live byte count the
    hidden test compares with is the keys' bytes alone."""
    control = answered(CH18, "18.6: forgot the factor 2 for K and V")
    return appended(control, "ex_18_6_kv_cache_bytes", KEYS_ONLY), control


COUNTER_FROM_ANSWER = """


_measured_cost = count_cost


def count_cost(fn, x, *args, **kwargs):
    \"\"\"The counter, with LayerNorm's cost from the formula above.\"\"\"
    if fn is layer_norm_ref:
        return int(norm_costs(np.shape(x)[-1])[0])
    return _measured_cost(fn, x, *args, **kwargs)
"""


@threat(CH19, Kind.CHEAT, naive_gain=True)
@_redefines("count_cost")
def cost_counter_redefined():
    """norm_costs leaves the bias out of LayerNorm's cost; the 19.4 answer cell redefines the
    provided count_cost to return norm_costs' own LayerNorm figure when asked to measure
    layer_norm_ref, so the hidden test comparing the formula with the live counter passes."""
    control = answered(CH19, "19.4: LayerNorm cost without the bias")
    return appended(control, "ex_19_4_rms_norm", COUNTER_FROM_ANSWER), control
