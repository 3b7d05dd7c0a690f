"""ch17_memory_budget: wrong derivations students plausibly write; each must lose points."""

TRAIN_12_BYTES = """
bytes_per_param_mixed_adam = 2 + 2 + 4 + 4
llama7b_train_gb = 6.74e9 * bytes_per_param_mixed_adam / GB
llama7b_fits_80gb = llama7b_train_gb <= 80
"""

TRAIN_GIB = """
bytes_per_param_mixed_adam = 16
llama7b_train_gb = 6.74e9 * 16 / GiB
llama7b_fits_80gb = False
"""

TRAIN_SAYS_FITS = """
bytes_per_param_mixed_adam = 16
llama7b_train_gb = 6.74e9 * 16 / GB
llama7b_fits_80gb = True
"""

TRAIN_FP32_GRADS = """
bytes_per_param_mixed_adam = 2 + 4 + 4 + 4 + 4
llama7b_train_gb = 6.74e9 * 16 / GB
llama7b_fits_80gb = False
"""

INT4_FOUR_BYTES = """
llama7b_bf16_gb = 6.74e9 * 2 / GB
llama7b_int4_gb = 6.74e9 * 4 / GB
"""

INFER_GIB = """
llama7b_bf16_gb = 6.74e9 * 2 / GiB
llama7b_int4_gb = 6.74e9 * 0.5 / GB
"""

INFER_FP32 = """
llama7b_bf16_gb = 6.74e9 * 4 / GB
llama7b_int4_gb = 6.74e9 * 0.5 / GB
"""

ACT_ONE_TENSOR = """
act_bytes_per_layer = 8 * 2048 * 4096 * 2
act_mib_per_layer = act_bytes_per_layer / MiB
"""

ACT_MB = """
act_bytes_per_layer = 2 * 8 * 2048 * 4096 * 2
act_mib_per_layer = act_bytes_per_layer / 1e6
"""

ACT_FP32 = """
act_bytes_per_layer = 2 * 8 * 2048 * 4096 * 4
act_mib_per_layer = act_bytes_per_layer / MiB
"""

GPUS_12_BYTES = """
train70b_gb = 70e9 * 12 / GB
train70b_min_gpus = math.ceil(train70b_gb / 80)
"""

GPUS_GIB = """
train70b_gb = 70e9 * 16 / GiB
train70b_min_gpus = math.ceil(train70b_gb / 80)
"""

GPUS_WEIGHTS_ONLY = """
train70b_gb = 70e9 * 16 / GB
train70b_min_gpus = math.ceil(70e9 * 2 / GB / 80)
"""

LORA_ONE_FACTOR = """
lora_trainable_params = 32 * 2 * 4096 * 16
lora_percent = 100 * lora_trainable_params / 6.74e9
"""

LORA_FRACTION = """
lora_trainable_params = 32 * 2 * (4096 * 16 + 16 * 4096)
lora_percent = lora_trainable_params / 6.74e9
"""

LORA_ALL_FOUR = """
lora_trainable_params = 32 * 4 * (4096 * 16 + 16 * 4096)
lora_percent = 100 * lora_trainable_params / 6.74e9
"""

_INFER_OK = """

def inference_memory_bytes(n_params, precision="bf16"):
    n = int(n_params)
    if precision == "int4":
        return (n + 1) // 2
    per_param = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
    if precision not in per_param:
        raise ValueError(precision)
    return n * per_param[precision]
"""

_TRAIN_OK = """
def training_memory_bytes(n_params, optimizer="adam", precision="mixed"):
    state_bytes = {"sgd": 0, "momentum": 4, "adam": 8}
    model_bytes = {"fp32": 8, "mixed": 8}
    if optimizer not in state_bytes or precision not in model_bytes:
        raise ValueError(optimizer)
    return int(n_params) * (model_bytes[precision] + state_bytes[optimizer])
"""


def _train(model_bytes: str, state_bytes: str, check: bool = True) -> str:
    raise_line = (
        "    if optimizer not in state_bytes or precision not in model_bytes:\n"
        "        raise ValueError(optimizer)\n"
        if check
        else ""
    )
    return (
        'def training_memory_bytes(n_params, optimizer="adam", precision="mixed"):\n'
        f"    state_bytes = {state_bytes}\n"
        f"    model_bytes = {model_bytes}\n"
        f"{raise_line}"
        "    per_param = model_bytes.get(precision, 8) + state_bytes.get(optimizer, 8)\n"
        "    return int(n_params) * per_param\n" + _INFER_OK
    )


MIXED_NO_MASTER = _train('{"fp32": 8, "mixed": 4}', '{"sgd": 0, "momentum": 4, "adam": 8}')
MIXED_FP32_GRADS = _train('{"fp32": 8, "mixed": 10}', '{"sgd": 0, "momentum": 4, "adam": 8}')
SGD_WITH_STATE = _train('{"fp32": 8, "mixed": 8}', '{"sgd": 4, "momentum": 4, "adam": 8}')
MOMENTUM_TWO_BUFFERS = _train('{"fp32": 8, "mixed": 8}', '{"sgd": 0, "momentum": 8, "adam": 8}')
ADAM_ONE_STATE = _train('{"fp32": 8, "mixed": 8}', '{"sgd": 0, "momentum": 4, "adam": 4}')
NO_VALUE_ERROR = _train('{"fp32": 8, "mixed": 8}', '{"sgd": 0, "momentum": 4, "adam": 8}', False)

RETURNS_GIB = (
    """
def training_memory_bytes(n_params, optimizer="adam", precision="mixed"):
    state_bytes = {"sgd": 0, "momentum": 4, "adam": 8}
    if optimizer not in state_bytes or precision not in ("fp32", "mixed"):
        raise ValueError(optimizer)
    return int(n_params) * (8 + state_bytes[optimizer]) / 2**30
"""
    + _INFER_OK
)


def _infer(body: str) -> str:
    return (
        _TRAIN_OK
        + '\n\ndef inference_memory_bytes(n_params, precision="bf16"):\n'
        + "    n = int(n_params)\n"
        + body
    )


INT4_ONE_BYTE = _infer(
    '    per_param = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": 1}\n'
    "    if precision not in per_param:\n"
    "        raise ValueError(precision)\n"
    "    return n * per_param[precision]\n"
)
INT4_FLOOR = _infer(
    '    if precision == "int4":\n'
    "        return n // 2\n"
    '    per_param = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}\n'
    "    if precision not in per_param:\n"
    "        raise ValueError(precision)\n"
    "    return n * per_param[precision]\n"
)
INT4_FLOAT = _infer(
    '    per_param = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": 0.5}\n'
    "    if precision not in per_param:\n"
    "        raise ValueError(precision)\n"
    "    return n * per_param[precision]\n"
)
BF16_AS_FP32 = _infer(
    '    if precision == "int4":\n'
    "        return (n + 1) // 2\n"
    '    per_param = {"fp32": 4, "fp16": 2, "bf16": 4, "int8": 1}\n'
    "    if precision not in per_param:\n"
    "        raise ValueError(precision)\n"
    "    return n * per_param[precision]\n"
)
INFER_NO_VALUE_ERROR = _infer(
    '    if precision == "int4":\n'
    "        return (n + 1) // 2\n"
    '    per_param = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}\n'
    "    return n * per_param.get(precision, 2)\n"
)

BUILD = "ex_17_7_memory_calculators"

MUTANTS = {
    "17.1: 12 bytes/param (forgot the fp32 master copy)": {
        "ex_17_1_training_bytes": TRAIN_12_BYTES
    },
    "17.1: total in GiB instead of GB": {"ex_17_1_training_bytes": TRAIN_GIB},
    "17.1: says it fits on 80 GB": {"ex_17_1_training_bytes": TRAIN_SAYS_FITS},
    "17.1: fp32 gradients (18 bytes/param)": {"ex_17_1_training_bytes": TRAIN_FP32_GRADS},
    "17.2: int4 read as 4 bytes": {"ex_17_2_inference_weights": INT4_FOUR_BYTES},
    "17.2: bf16 weights in GiB": {"ex_17_2_inference_weights": INFER_GIB},
    "17.2: bf16 counted as 4 bytes": {"ex_17_2_inference_weights": INFER_FP32},
    "17.3: one tensor instead of two": {"ex_17_3_activations": ACT_ONE_TENSOR},
    "17.3: MB instead of MiB": {"ex_17_3_activations": ACT_MB},
    "17.3: fp32 activations": {"ex_17_3_activations": ACT_FP32},
    "17.4: answered A": {"ex_17_4_checkpointing": 'answer_17_4 = "A"'},
    "17.4: answered C": {"ex_17_4_checkpointing": 'answer_17_4 = "C"'},
    "17.4: answered D": {"ex_17_4_checkpointing": 'answer_17_4 = "D"'},
    "17.5: 12 bytes/param": {"ex_17_5_gpus_70b": GPUS_12_BYTES},
    "17.5: GiB total": {"ex_17_5_gpus_70b": GPUS_GIB},
    "17.5: GPUs for the weights only": {"ex_17_5_gpus_70b": GPUS_WEIGHTS_ONLY},
    "17.6: adapter counted as d*r": {"ex_17_6_lora": LORA_ONE_FACTOR},
    "17.6: fraction instead of percent": {"ex_17_6_lora": LORA_FRACTION},
    "17.6: adapters on Q, K, V and O": {"ex_17_6_lora": LORA_ALL_FOUR},
    "17.7: mixed precision without the master copy": {BUILD: MIXED_NO_MASTER},
    "17.7: mixed precision with fp32 gradients": {BUILD: MIXED_FP32_GRADS},
    "17.7: SGD with a state buffer": {BUILD: SGD_WITH_STATE},
    "17.7: momentum with two buffers": {BUILD: MOMENTUM_TWO_BUFFERS},
    "17.7: Adam with one state": {BUILD: ADAM_ONE_STATE},
    "17.7: no ValueError for an unknown optimizer": {BUILD: NO_VALUE_ERROR},
    "17.7: returns GiB instead of bytes": {BUILD: RETURNS_GIB},
    "17.7: int4 as one byte": {BUILD: INT4_ONE_BYTE},
    "17.7: int4 rounded down": {BUILD: INT4_FLOOR},
    "17.7: int4 as a float 0.5 bytes": {BUILD: INT4_FLOAT},
    "17.7: bf16 as 4 bytes": {BUILD: BF16_AS_FP32},
    "17.7: inference without ValueError": {BUILD: INFER_NO_VALUE_ERROR},
}
