"""ch22_architecture_design: wrong answers students plausibly write; each must lose points."""

CHINCHILLA_SEED_SLIP = """
N = 7e9
chinchilla_tokens = 20 * N
chinchilla_flops = 5.88e15
chinchilla_hours = chinchilla_flops / (1024 * 312e12 * 0.5) / 3600
"""

CHINCHILLA_2ND = """
N = 7e9
chinchilla_tokens = 20 * N
chinchilla_flops = 2 * N * chinchilla_tokens
chinchilla_hours = chinchilla_flops / (1024 * 312e12 * 0.5) / 3600
"""

CHINCHILLA_TOKENS_EQUAL_PARAMS = """
N = 7e9
chinchilla_tokens = N
chinchilla_flops = 6 * N * 20 * N
chinchilla_hours = chinchilla_flops / (1024 * 312e12 * 0.5) / 3600
"""

CHINCHILLA_NO_MFU = """
N = 7e9
chinchilla_tokens = 20 * N
chinchilla_flops = 6 * N * chinchilla_tokens
chinchilla_hours = chinchilla_flops / (1024 * 312e12) / 3600
"""

CHINCHILLA_SECONDS = """
N = 7e9
chinchilla_tokens = 20 * N
chinchilla_flops = 6 * N * chinchilla_tokens
chinchilla_hours = chinchilla_flops / (1024 * 312e12 * 0.5)
"""

CHINCHILLA_ONE_GPU = """
N = 7e9
chinchilla_tokens = 20 * N
chinchilla_flops = 6 * N * chinchilla_tokens
chinchilla_hours = chinchilla_flops / (312e12 * 0.5) / 3600
"""

PHONE_BIGGEST = """
phone_plan = "A"
phone_tokens_per_s = 50e9 / (7e9 * 0.5)
phone_shape = "Q"
"""

PHONE_SMALLEST = """
phone_plan = "D"
phone_tokens_per_s = 50e9 / (1e9 * 0.5)
phone_shape = "Q"
"""

PHONE_FP16_SPEED = """
phone_plan = "B"
phone_tokens_per_s = 50e9 / (3e9 * 2)
phone_shape = "Q"
"""

PHONE_BITS_AS_BYTES = """
phone_plan = "B"
phone_tokens_per_s = 50e9 / (3e9 * 4)
phone_shape = "Q"
"""

PHONE_WIDE_SHAPE = """
phone_plan = "B"
phone_tokens_per_s = 50e9 / 1.5e9
phone_shape = "P"
"""

PHONE_DEEP_SHAPE = """
phone_plan = "B"
phone_tokens_per_s = 50e9 / 1.5e9
phone_shape = "R"
"""

SWIGLU_TWO_MATRICES = """
d = 3072
swiglu_params_3072 = 2 * d * (8 * d // 3)
gelu_params_3072 = 2 * d * 4 * d
llama_ffn_params = 3 * 4096 * 11008
"""

SWIGLU_4D_WIDTH = """
d = 3072
swiglu_params_3072 = 3 * d * 4 * d
gelu_params_3072 = 2 * d * 4 * d
llama_ffn_params = 3 * 4096 * 11008
"""

GELU_ONE_MATRIX = """
d = 3072
swiglu_params_3072 = 3 * d * (8 * d // 3)
gelu_params_3072 = d * 4 * d
llama_ffn_params = 3 * 4096 * 11008
"""

LLAMA_FFN_8D2 = """
d = 3072
swiglu_params_3072 = 3 * d * (8 * d // 3)
gelu_params_3072 = 2 * d * 4 * d
llama_ffn_params = 8 * 4096**2 * 1.02
"""

TABLE_NO_EMBEDDING = """
gpt2_xl_params = 12 * 48 * 1600**2
gpt3_params = 12 * 96 * 12288**2
llama13b_params = 12 * 40 * 5120**2
"""

TABLE_4D2 = """
gpt2_xl_params = 4 * 48 * 1600**2 + 50257 * 1600
gpt3_params = 4 * 96 * 12288**2 + 50257 * 12288
llama13b_params = 4 * 40 * 5120**2 + 32000 * 5120
"""

TABLE_LLAMA_GPT2_VOCAB = """
gpt2_xl_params = 12 * 48 * 1600**2 + 50257 * 1600
gpt3_params = 12 * 96 * 12288**2 + 50257 * 12288
llama13b_params = 12 * 40 * 5120**2 + 50257 * 5120 * 1.2
"""

TABLE_IN_BILLIONS = """
gpt2_xl_params = (12 * 48 * 1600**2 + 50257 * 1600) / 1e9
gpt3_params = (12 * 96 * 12288**2 + 50257 * 12288) / 1e9
llama13b_params = (12 * 40 * 5120**2 + 32000 * 5120) / 1e9
"""

MUTANTS = {
    "depth trace answered A (wide has more capacity)": {"ex_22_1_depth_trace": 'answer_22_1 = "A"'},
    "depth trace answered C (shape does not matter)": {"ex_22_1_depth_trace": 'answer_22_1 = "C"'},
    "Chinchilla compute copied as 5.88e15": {"ex_22_2_chinchilla": CHINCHILLA_SEED_SLIP},
    "training compute 2ND (forward only)": {"ex_22_2_chinchilla": CHINCHILLA_2ND},
    "one token per parameter": {"ex_22_2_chinchilla": CHINCHILLA_TOKENS_EQUAL_PARAMS},
    "MFU ignored": {"ex_22_2_chinchilla": CHINCHILLA_NO_MFU},
    "hours left in seconds": {"ex_22_2_chinchilla": CHINCHILLA_SECONDS},
    "one GPU instead of 1,024": {"ex_22_2_chinchilla": CHINCHILLA_ONE_GPU},
    "phone plan A (7B does not fit)": {"ex_22_3_phone_design": PHONE_BIGGEST},
    "phone plan D (fits but smallest)": {"ex_22_3_phone_design": PHONE_SMALLEST},
    "phone speed computed at fp16": {"ex_22_3_phone_design": PHONE_FP16_SPEED},
    "phone speed with 4 bytes per int4 weight": {"ex_22_3_phone_design": PHONE_BITS_AS_BYTES},
    "phone shape P (too shallow)": {"ex_22_3_phone_design": PHONE_WIDE_SHAPE},
    "phone shape R (too deep)": {"ex_22_3_phone_design": PHONE_DEEP_SHAPE},
    "SwiGLU with two matrices": {"ex_22_4_swiglu": SWIGLU_TWO_MATRICES},
    "SwiGLU with width 4d": {"ex_22_4_swiglu": SWIGLU_4D_WIDTH},
    "GELU FFN with one matrix": {"ex_22_4_swiglu": GELU_ONE_MATRIX},
    "LLaMA FFN approximated by 8 d^2 plus a guess": {"ex_22_4_swiglu": LLAMA_FFN_8D2},
    "table without the embedding": {"ex_22_5_model_table": TABLE_NO_EMBEDDING},
    "table with 4 L d^2": {"ex_22_5_model_table": TABLE_4D2},
    "LLaMA-13B with a guessed vocabulary": {"ex_22_5_model_table": TABLE_LLAMA_GPT2_VOCAB},
    "table in billions": {"ex_22_5_model_table": TABLE_IN_BILLIONS},
}
