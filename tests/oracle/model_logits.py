"""Oracle: Ladder's forward pass gives transformers' logits, and its greedy decoding the same tokens,
for every architecture Ladder loads. Each model is built by transformers with random weights from a
real config.json in ../shared/data/models (or transformers' own defaults where the model ships none
there), shrunk in depth and width but keeping each structural feature: grouped key/value heads,
biases, tied embeddings, RoPE base and scaling, head_dim, Qwen3's q/k norms. fp32; max |difference| <= 1e-4 over
three prompts of different lengths (a fourth, long one where RoPE is scaled), and 32 greedy tokens
identical."""
import json
import os
import sys
import tempfile

import torch
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForCausalLM, GPT2Config

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
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32).eval()
    # transformers starts every norm at weight 1 (and bias 0): moved off it, so that a norm whose
    # weight Ladder ignored or applied to the wrong axis shows.
    noise = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for weight_name, weight in model.named_parameters():
            if "norm" in weight_name or ".ln_" in weight_name:
                weight.add_(0.2 * torch.randn(weight.shape, generator=noise))
    generator = torch.Generator().manual_seed(seed)
    lengths = PROMPT_LENGTHS
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type", "default") != "default":
        lengths += (SCALED_ROPE_LENGTH,)
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
