"""Oracle: Ladder's forward pass gives transformers' logits, and its greedy decoding the same tokens,
for every architecture Ladder loads. Each model is built by transformers with random weights from a
real config.json in ../shared/data/models (or transformers' own defaults where the model ships none
there), shrunk in depth and width but keeping each structural feature: grouped key/value heads,
biases, tied embeddings, RoPE base and scaling (llama3, linear, dynamic, longrope), head_dim,
Qwen3's q/k norms, Mistral's and Phi-3's sliding window, Phi-3's fused projections, Gemma 2's
and Gemma 3's soft caps, norms, scaled embeddings and alternating sliding layers. fp32;
max |difference| <= 1e-4 over three prompts of different lengths (a fourth, long one where RoPE
is scaled), and 32 greedy tokens identical."""
import json
import os
import sys
import tempfile

import torch
from safetensors.torch import load_file
from transformers import (AutoConfig, AutoModelForCausalLM, GPT2Config, LlamaConfig,
                          Gemma2Config, Gemma3TextConfig, MistralConfig, Phi3Config)

import oracle
from small_models import qwen3_card_config, shrink

TOLERANCE = 1e-4
NEW_TOKENS = 32
PROMPT_LENGTHS = (5, 40, 250)
# RoPE scaling (Llama 3's) changes only the slow frequencies, which matter at long positions: a
# model that has it also gets a prompt beyond the band its scaling interpolates.
SCALED_ROPE_LENGTH = 1000


def models(args):
    """(name, config) for every architecture, from the shared configs."""
    out = []
    for folder in ("SmolLM2-135M-Instruct", "SmolLM2-360M-Instruct", "Qwen2.5-0.5B-Instruct",
                   "Llama-3.2-1B-Instruct"):
        path = os.path.join(args.shared, "data/models", folder, "config.json")
        if os.path.exists(path):
            out.append((folder, AutoConfig.from_pretrained(os.path.dirname(path))))
        else:
            print(f"note: {path} is absent; {folder} is not checked")
    out.append(("Qwen3-0.6B (model card sizes)", qwen3_card_config()))
    out.append(("gpt2 (transformers' defaults)", GPT2Config()))
    # No Mistral or linearly scaled Llama ships in ../shared: transformers' defaults, with a window
    # shorter than the three longer prompts (and the 32 generated tokens) so that it matters.
    out.append(("Mistral (transformers' defaults, sliding_window 16)",
                MistralConfig(sliding_window=16)))
    out.append(("Llama (transformers' defaults, linear RoPE scaling x2)",
                LlamaConfig(rope_parameters={"rope_type": "linear", "factor": 2.0,
                                             "rope_theta": 10000.0})))
    # Dynamic NTK scaling only acts beyond max_position_embeddings: 128 here, under two prompts.
    out.append(("Llama (transformers' defaults, dynamic RoPE x2 beyond 128 positions)",
                LlamaConfig(max_position_embeddings=128,
                            rope_parameters={"rope_type": "dynamic", "factor": 2.0,
                                             "rope_theta": 10000.0})))
    # Phi-3 (fused qkv_proj and gate_up_proj; mini-4k has a sliding window) and Phi-3.5 (longrope:
    # its long factors beyond the pretraining context, 128 positions here). ../shared has neither:
    # transformers' Phi3Config, narrow enough for factor lists of head_dim / 2 = 8.
    out.append(("Phi-3 (Phi3Config defaults, sliding_window 16)", Phi3Config(sliding_window=16)))
    out.append(("Phi-3.5 (longrope, long factors beyond 128 positions)",
                Phi3Config(hidden_size=64, num_attention_heads=4, max_position_embeddings=1024,
                           original_max_position_embeddings=128,
                           rope_parameters={"rope_type": "longrope", "rope_theta": 10000.0,
                                            "short_factor": [1.0, 1.02, 1.05, 1.1, 1.15, 1.2,
                                                             1.3, 1.4],
                                            "long_factor": [1.0, 1.5, 2.5, 4.0, 8.0, 16.0, 32.0,
                                                            60.0]})))
    # Gemma 2 (soft caps, norms around each block, (1 + w) norms, scaled embeddings, every other
    # layer sliding) and Gemma 3 (q/k norms, sliding layers at their own RoPE base, the full ones
    # scaled linearly as in gemma-3-4b): transformers' configs, windows of 16 so that they act.
    out.append(("Gemma 2 (Gemma2Config defaults, sliding_window 16)",
                Gemma2Config(sliding_window=16)))
    out.append(("Gemma 3 (Gemma3TextConfig, sliding_window 16, full layers x8 linear RoPE)",
                Gemma3TextConfig(sliding_window=16,
                                 layer_types=["sliding_attention", "full_attention"] * 13,
                                 rope_parameters={
                                     "full_attention": {"rope_type": "linear", "factor": 8.0,
                                                        "rope_theta": 1000000.0},
                                     "sliding_attention": {"rope_type": "default",
                                                           "rope_theta": 10000.0}})))
    return out


def ladder_logits(args, folder, prompts):
    out = os.path.join(folder, "ladder_logits.safetensors")
    words = ["model", "logits", "--model", folder, "--out", out]
    for p in prompts:
        words += ["--ids", " ".join(map(str, p))]
    oracle.ladder_cli(args, *words)
    tensors = load_file(out)
    return [tensors[f"logits.{i}"] for i in range(len(prompts))]


def ladder_greedy(args, folder, prompts):
    words = ["model", "generate", "--model", folder, "--ignore-eos",
             "--max-new-tokens", str(NEW_TOKENS)]
    for p in prompts:
        words += ["--ids", " ".join(map(str, p))]
    lines = oracle.ladder_cli(args, *words).strip().split("\n")
    return [[int(t) for t in line.split()] for line in lines]


def check(args, name, config, seed):
    config = shrink(config)
    config.torch_dtype = "float32"
    rope_type = (getattr(config, "rope_parameters", None) or {}).get("rope_type", "default")
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32).eval()
    # transformers starts every norm at weight 1 (and bias 0): moved off it, so that a norm whose
    # weight Ladder ignored or applied to the wrong axis shows.
    noise = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for weight_name, weight in model.named_parameters():
            if "norm" in weight_name or ".ln_" in weight_name:
                weight.add_(0.2 * torch.randn(weight.shape, generator=noise))
            # Sharper attention where positions are the point (longrope's switch to its long
            # factors): at transformers' initial 0.02 every key weighs alike and a rotation
            # hardly moves a greedy token.
            if rope_type == "longrope" and "qkv_proj" in weight_name:
                weight.mul_(12.0)
    generator = torch.Generator().manual_seed(seed)
    lengths = PROMPT_LENGTHS
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type", "default") != "default":
        lengths += (SCALED_ROPE_LENGTH,)
    if rope.get("rope_type") == "longrope":
        # Prompts whose answers cross the pretraining context: transformers encodes the whole
        # text again with the long factors at that token (several, since a random model's greedy
        # tokens change with it only now and then).
        lengths += tuple(config.original_max_position_embeddings - k for k in (4, 10, 16, 22, 28))
    prompts = [torch.randint(0, config.vocab_size, (n,), generator=generator).tolist()
               for n in lengths]
    problems = []
    with tempfile.TemporaryDirectory(prefix="ladder-oracle-model-") as folder:
        model.save_pretrained(folder, safe_serialization=True)
        theirs = []
        with torch.no_grad():
            for p in prompts:
                theirs.append(model(torch.tensor([p])).logits[0].float())
        ours = ladder_logits(args, folder, prompts)
        worst = 0.0
        for i, (a, b) in enumerate(zip(ours, theirs)):
            if a.shape != b.shape:
                problems.append(f"prompt {i}: Ladder's logits are {tuple(a.shape)}, "
                                f"transformers' {tuple(b.shape)}")
                continue
            diff = (a - b).abs().max().item()
            worst = max(worst, diff)
            if diff > TOLERANCE:
                problems.append(f"prompt {i} ({len(prompts[i])} tokens): max |difference| {diff:.3g}"
                                f" > {TOLERANCE} (Ladder {a.flatten()[:4].tolist()}, "
                                f"transformers {b.flatten()[:4].tolist()})")
        with torch.no_grad():
            expected = []
            for p in prompts:
                out = model.generate(torch.tensor([p]), do_sample=False, max_new_tokens=NEW_TOKENS,
                                     min_new_tokens=0, eos_token_id=None, pad_token_id=0,
                                     attention_mask=torch.ones(1, len(p), dtype=torch.long))
                expected.append(out[0, len(p):].tolist())
        if rope.get("rope_type") in ("dynamic", "longrope"):
            # Dynamic and longrope RoPE depend on the longest text of a batch, and transformers
            # generates each prompt alone here: so does Ladder.
            greedy = [ladder_greedy(args, folder, [p])[0] for p in prompts]
        else:
            greedy = ladder_greedy(args, folder, prompts)
        for i, (a, b) in enumerate(zip(greedy, expected)):
            if a != b:
                first = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                problems.append(f"prompt {i}: greedy tokens differ from token {first}: Ladder "
                                f"{a[first:first + 6]}, transformers {b[first:first + 6]}")
    status = "ok" if not problems else "DIFFERENT"
    print(f"{status:9} {name} ({config.model_type}, {config.num_hidden_layers if hasattr(config, 'num_hidden_layers') else config.n_layer} layers): "
          f"max |difference| {worst:.2e}, {NEW_TOKENS} greedy tokens x {len(prompts)} prompts")
    for p in problems:
        print("   ", p)
    return not problems


def main():
    args = oracle.arguments(__doc__)
    oracle.shared_path(args, "data/models")
    results = [check(args, name, config, seed=1234 + i)
               for i, (name, config) in enumerate(models(args))]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
