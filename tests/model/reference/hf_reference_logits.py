#!/usr/bin/python3
"""Reference logits for tests/model: small Llama-family and GPT-2 checkpoints in Hugging Face layout,
computed here with a plain PyTorch implementation written from the architectures' definitions (it shares
no code with Ladder's C++ models). Weights come from a counter-based hash that the C++ test recomputes,
so no checkpoint file is stored: the test writes config.json and model.safetensors itself, loads them
with ladder::model::loadPretrained and compares its logits with the numbers printed here.

usage: /usr/bin/python3 hf_reference_logits.py > ../reference_logits.inc   (Debian's python3-torch)
"""
import json, math, torch

M64 = (1 << 64) - 1


def mix(x):
    """splitmix64's finaliser: the C++ test has the same function."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def det_tensor(index, shape, scale, offset):
    """offset + scale * u, u uniform in [-1, 1) on a 2^-23 grid, element i from mix(index * 1000003 + i)."""
    n = math.prod(shape)
    vals = [offset + scale * ((mix(index * 1000003 + i) >> 40) / float(1 << 23) - 1.0) for i in range(n)]
    return torch.tensor(vals, dtype=torch.float64).to(torch.float32).reshape(shape)


def llama_layout(c):
    d = c["hidden_size"]; h = c["num_attention_heads"]; kv = c["num_key_value_heads"]
    hd = c.get("head_dim", d // h); inter = c["intermediate_size"]; v = c["vocab_size"]
    qkv_bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
    o_bias = c["model_type"] == "llama" and c.get("attention_bias", False)
    out = {"model.embed_tokens.weight": ([v, d], 1.0, 0.0), "model.norm.weight": ([d], 0.2, 1.0)}
    if not c["tie_word_embeddings"]:
        out["lm_head.weight"] = ([v, d], 0.3, 0.0)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        out[p + "input_layernorm.weight"] = ([d], 0.2, 1.0)
        out[p + "post_attention_layernorm.weight"] = ([d], 0.2, 1.0)
        out[p + "self_attn.q_proj.weight"] = ([h * hd, d], 0.3, 0.0)
        out[p + "self_attn.k_proj.weight"] = ([kv * hd, d], 0.3, 0.0)
        out[p + "self_attn.v_proj.weight"] = ([kv * hd, d], 0.3, 0.0)
        out[p + "self_attn.o_proj.weight"] = ([d, h * hd], 0.3, 0.0)
        if qkv_bias:
            out[p + "self_attn.q_proj.bias"] = ([h * hd], 0.1, 0.0)
            out[p + "self_attn.k_proj.bias"] = ([kv * hd], 0.1, 0.0)
            out[p + "self_attn.v_proj.bias"] = ([kv * hd], 0.1, 0.0)
        if o_bias:
            out[p + "self_attn.o_proj.bias"] = ([d], 0.1, 0.0)
        out[p + "mlp.gate_proj.weight"] = ([inter, d], 0.3, 0.0)
        out[p + "mlp.up_proj.weight"] = ([inter, d], 0.3, 0.0)
        out[p + "mlp.down_proj.weight"] = ([d, inter], 0.3, 0.0)
    return out


def gpt2_layout(c):
    d = c["n_embd"]; v = c["vocab_size"]; inner = c.get("n_inner") or 4 * d
    out = {"transformer.wte.weight": ([v, d], 1.0, 0.0), "transformer.wpe.weight": ([c["n_positions"], d], 0.5, 0.0),
           "transformer.ln_f.weight": ([d], 0.2, 1.0), "transformer.ln_f.bias": ([d], 0.1, 0.0)}
    for i in range(c["n_layer"]):
        p = f"transformer.h.{i}."
        for ln in ("ln_1", "ln_2"):
            out[p + ln + ".weight"] = ([d], 0.2, 1.0); out[p + ln + ".bias"] = ([d], 0.1, 0.0)
        # Conv1D: weight stored (in, out).
        out[p + "attn.c_attn.weight"] = ([d, 3 * d], 0.3, 0.0); out[p + "attn.c_attn.bias"] = ([3 * d], 0.1, 0.0)
        out[p + "attn.c_proj.weight"] = ([d, d], 0.3, 0.0); out[p + "attn.c_proj.bias"] = ([d], 0.1, 0.0)
        out[p + "mlp.c_fc.weight"] = ([d, inner], 0.3, 0.0); out[p + "mlp.c_fc.bias"] = ([inner], 0.1, 0.0)
        out[p + "mlp.c_proj.weight"] = ([inner, d], 0.3, 0.0); out[p + "mlp.c_proj.bias"] = ([d], 0.1, 0.0)
    return out


def weights(layout):
    return {name: det_tensor(k, *layout[name]) for k, name in enumerate(sorted(layout))}


def causal_softmax_attention(q, k, v):  # (B, H, T, D) each
    t, hd = q.shape[2], q.shape[3]
    s = torch.einsum("bhid,bhjd->bhij", q.double(), k.double()) / math.sqrt(hd)
    s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    return torch.einsum("bhij,bhjd->bhid", s.softmax(-1), v.double()).float()


def llama_logits(c, w, ids):
    d = c["hidden_size"]; h = c["num_attention_heads"]; kv = c["num_key_value_heads"]
    hd = c.get("head_dim", d // h); eps = c["rms_norm_eps"]; theta = c.get("rope_theta", 10000.0)
    B, T = ids.shape

    def rms(x, weight):
        return weight * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))

    def lin(x, name):
        y = x @ w[name + ".weight"].t()
        return y + w[name + ".bias"] if name + ".bias" in w else y

    # Rotation of channel pair (j, j + D/2) by angle pos * theta^(-2j/D).
    j = torch.arange(hd // 2, dtype=torch.float64)
    ang = torch.arange(T, dtype=torch.float64)[:, None] * theta ** (-2.0 * j / hd)  # (T, D/2)
    cos, sin = ang.cos().float(), ang.sin().float()

    def rope(x):  # (B, H, T, D)
        a, b = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat((a * cos - b * sin, b * cos + a * sin), -1)

    x = w["model.embed_tokens.weight"][ids]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        y = rms(x, w[p + "input_layernorm.weight"])
        q = lin(y, p + "self_attn.q_proj").view(B, T, h, hd).transpose(1, 2)
        k = lin(y, p + "self_attn.k_proj").view(B, T, kv, hd).transpose(1, 2)
        v = lin(y, p + "self_attn.v_proj").view(B, T, kv, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        group = h // kv
        k = torch.stack([k[:, hh // group] for hh in range(h)], 1)
        v = torch.stack([v[:, hh // group] for hh in range(h)], 1)
        att = causal_softmax_attention(q, k, v).transpose(1, 2).reshape(B, T, h * hd)
        x = x + lin(att, p + "self_attn.o_proj")
        y = rms(x, w[p + "post_attention_layernorm.weight"])
        g = lin(y, p + "mlp.gate_proj")
        x = x + lin(g * torch.sigmoid(g) * lin(y, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = rms(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.t()


def gpt2_logits(c, w, ids):
    d = c["n_embd"]; h = c["n_head"]; eps = c["layer_norm_epsilon"]; hd = d // h
    B, T = ids.shape

    def ln(x, name):
        mu = x.mean(-1, keepdim=True); var = ((x - mu) ** 2).mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(var + eps) * w[name + ".weight"] + w[name + ".bias"]

    def conv1d(x, name):
        return x @ w[name + ".weight"] + w[name + ".bias"]

    def gelu_tanh(x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

    x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][torch.arange(T)]
    for i in range(c["n_layer"]):
        p = f"transformer.h.{i}."
        qkv = conv1d(ln(x, p + "ln_1"), p + "attn.c_attn")
        q, k, v = (t.reshape(B, T, h, hd).transpose(1, 2) for t in qkv.split(d, -1))
        att = causal_softmax_attention(q, k, v).transpose(1, 2).reshape(B, T, d)
        x = x + conv1d(att, p + "attn.c_proj")
        x = x + conv1d(gelu_tanh(conv1d(ln(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
    x = ln(x, "transformer.ln_f")
    return x @ w["transformer.wte.weight"].t()


CASES = [
    # Qwen2: grouped-query attention (4 query heads over 2 key/value heads), q/k/v biases, untied head,
    # rope_theta 500 (not the default 10000).
    ("Qwen2", {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": 40, "hidden_size": 32,
               "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
               "max_position_embeddings": 64, "rope_theta": 500.0, "rms_norm_eps": 1e-5, "hidden_act": "silu",
               "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}),
    # Llama: tied head, attention_bias (q/k/v and o_proj), one key/value head, an explicit head_dim.
    ("LlamaTied", {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 40,
                   "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "num_key_value_heads": 1, "head_dim": 16, "max_position_embeddings": 64, "rope_theta": 10000.0,
                   "rms_norm_eps": 1e-6, "hidden_act": "silu", "tie_word_embeddings": True,
                   "attention_bias": True, "bos_token_id": 1, "eos_token_id": [2, 3]}),
    # GPT-2: tied head, n_inner left to its default 4 * n_embd.
    ("Gpt2", {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 40, "n_embd": 32,
              "n_layer": 2, "n_head": 4, "n_positions": 16, "n_ctx": 16, "n_inner": None,
              "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "bos_token_id": 0, "eos_token_id": 0}),
]

INPUT_IDS = torch.tensor([[(7 * b + 3 * t * t + 5) % 40 for t in range(7)] for b in range(2)])

print("// Generated by tests/model/reference/hf_reference_logits.py (plain PyTorch, independent of")
print("// Ladder's C++ models): do not edit; regenerate with Debian's /usr/bin/python3.")
print(f"constexpr std::int64_t kReferenceInputIds[2][7] = {json.dumps(INPUT_IDS.tolist()).replace('[', '{').replace(']', '}')};")
for name, cfg in CASES:
    layout = gpt2_layout(cfg) if cfg["model_type"] == "gpt2" else llama_layout(cfg)
    w = weights(layout)
    logits = (gpt2_logits if cfg["model_type"] == "gpt2" else llama_logits)(cfg, w, INPUT_IDS)
    print(f'constexpr const char* k{name}Config = R"json({json.dumps(cfg, indent=1)})json";')
    print(f"const std::vector<ReferenceTensor> k{name}Tensors = {{")
    for n in sorted(layout):
        shape, scale, offset = layout[n]
        print(f'    {{"{n}", {{{", ".join(map(str, shape))}}}, {scale}, {offset}}},')
    print("};")
    flat = logits.reshape(-1).tolist()
    print(f"constexpr float k{name}Logits[] = {{  // (2, 7, {cfg['vocab_size']})")
    for i in range(0, len(flat), 8):
        print("    " + ", ".join(f"{v:.7g}f" for v in flat[i:i + 8]) + ",")
    print("};")
