"""Oracle: a real chat model's whole path through Ladder, then back into transformers.

For a SmolLM2-shaped and a Qwen3-shaped model (the real config, tokenizer and chat template from
../shared, shrunk to two narrow layers with random fp32 weights made by transformers):
  1. transformers saves the model (save_pretrained) beside the model's tokenizer files;
  2. ladder-cli imports a conversational preference file in the UltraFeedback layout (chosen and
     rejected are whole conversations with a system message and earlier turns; the prompt is
     their shared start), trains SFT on it, then DPO from the SFT run (reference cache), both
     with the model's own chat template (template auto);
  3. transformers loads the DPO run's last checkpoint folder (AutoModelForCausalLM and
     AutoTokenizer): its logits on three rendered conversations equal ladder-cli's (max |diff|
     <= 1e-4), its chat template renders them as the original folder's does, its weights moved
     away from the initial ones (training happened), and its generation_config's EOS is kept.
The SmolLM2-shaped model is saved in bfloat16, as SmolLM2 ships: its checkpoints must be bfloat16
too (config.json and weights). The Qwen3-shaped one's DPO checkpoint is cut into shards of at most
20 MB (checkpoint.max_shard_size), which transformers reads through their index.
The commands run are printed.
"""
import glob
import json
import os
import random
import shutil
import sys
import tempfile
import warnings

import oracle
from small_models import qwen3_card_config, qwen3_tokenizer_files, shrink

TOLERANCE = 1e-4
SEED = 77


def imports():
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from safetensors.torch import load_file  # noqa: F401
    except ImportError as e:
        oracle.skip(f"the oracle Python lacks {e.name} (run scripts/install-deps.sh --oracle)")


def make_model(folder, config, tokenizer_files, generation_eos, dtype=None):
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig
    torch.manual_seed(SEED)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.add_(torch.randn_like(p) * 0.1)  # norms off 1, so that a lost norm shows
    model.generation_config = GenerationConfig(eos_token_id=generation_eos)
    model.to(dtype or torch.float32).save_pretrained(folder)
    for f in tokenizer_files:
        shutil.copy(f, folder)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def conversations(rng):
    systems = ["You are a helpful assistant.", "Antworte kurz.", None]
    asks = ["What is 2 + 2?", "Name a colour.", "Übersetze 'Haus'.", "Tell me a fact 🙂",
            "Write a haiku about rain.", "Why is the sky blue?"]
    answers = ["4.", "Blue.", "house", "Honey never spoils.", "Rain on the roof,\nsoft.", "Rayleigh."]
    rows = []
    for i in range(24):
        start = []
        system = systems[i % 3]
        if system:
            start.append({"role": "system", "content": system})
        for _ in range(rng.randint(0, 2)):
            start += [{"role": "user", "content": rng.choice(asks)},
                      {"role": "assistant", "content": rng.choice(answers)}]
        start.append({"role": "user", "content": asks[i % len(asks)] + f" ({i})"})
        good = answers[i % len(answers)]
        bad = rng.choice([a for a in answers if a != good]) + " Maybe."
        rows.append({"chosen": start + [{"role": "assistant", "content": good}],
                     "rejected": start + [{"role": "assistant", "content": bad}]})
    return rows


def config(method, model, extra):
    c = {"name": f"roundtrip {method}", "method": method, "model": model, "template": "auto",
         "data": {"ladder": "", "datasets": [1], "max_length": 192, "max_prompt_length": 128},
         "optimizer": {"lr": 0.001, "weight_decay": 0.0, "grad_clip": 1.0},
         "schedule": {"decay": "constant", "warmup_steps": 0, "min_lr_ratio": 1.0},
         "batch_size": 2, "grad_accum": 1, "max_steps": 4, "eval": {"every": 0, "pairs": 4},
         "checkpoint": {"every": 4, "keep": 1}, "seed": 0, "threads": 1}
    c.update(extra)
    return c


def run(args, *words):
    print("  $ ladder-cli " + " ".join(words))
    return oracle.ladder_cli(args, *words)


def saved_dtypes(folder):
    """The dtypes of a model folder's weight files (model.safetensors or its shards)."""
    from safetensors import safe_open
    files = glob.glob(os.path.join(folder, "model*.safetensors"))
    dtypes = set()
    for f in files:
        with safe_open(f, framework="pt") as handle:
            for key in handle.keys():
                dtypes.add(str(handle.get_slice(key).get_dtype()))
    return files, dtypes


def check(args, name, config_object, tokenizer_files, generation_eos, workdir, dtype_name,
          shard_size):
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer
    print(f"{name}:")
    start = os.path.join(workdir, name, "start")
    os.makedirs(start)
    initial = make_model(start, config_object, tokenizer_files, generation_eos,
                         getattr(torch, dtype_name))
    rows = conversations(random.Random(SEED))
    prefs = os.path.join(workdir, name, "ultrafeedback.jsonl")
    with open(prefs, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    ws = os.path.join(workdir, name, "study.ladder")
    run(args, "init", ws)
    run(args, "import", "-w", ws, prefs)
    for method, model, extra in (
            ("sft", {"kind": "pretrained", "path": start}, {}),
            ("dpo", {"kind": "run", "run": 1}, {"loss": {"beta": 0.1}, "reference": "cache"})):
        if method == "dpo" and shard_size:
            extra["checkpoint"] = {"every": 4, "keep": 1, "max_shard_size": shard_size}
        path = os.path.join(workdir, name, f"{method}.json")
        with open(path, "w") as f:
            json.dump(config(method, model, extra), f)
        run(args, "train", "-w", ws, "--config", path)
    steps = glob.glob(os.path.join(workdir, name, "study.checkpoints", "run-2", "step-*"))
    if not steps:
        print("  DPO run 2 left no checkpoint")
        return 1
    final = max(steps, key=lambda p: int(p.rsplit("-", 1)[1]))
    failures = 0
    files, dtypes = saved_dtypes(final)
    with open(os.path.join(final, "config.json")) as f:
        declared = json.load(f).get("torch_dtype")
    wanted = {"bfloat16": "BF16", "float32": "F32"}[dtype_name]
    print(f"  the checkpoint: {len(files)} weight file(s) of {sorted(dtypes)}, config.json "
          f"torch_dtype {declared}")
    if dtypes != {wanted} or declared != dtype_name:
        print(f"  a {dtype_name} model's checkpoint must be {dtype_name}")
        failures += 1
    if shard_size and (len(files) < 2 or
                       not os.path.exists(os.path.join(final, "model.safetensors.index.json"))):
        print(f"  max_shard_size {shard_size} left the weights in {len(files)} file(s)")
        failures += 1
    print(f"  transformers loads {final}")
    model = AutoModelForCausalLM.from_pretrained(final, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(final)
    original = AutoTokenizer.from_pretrained(start)
    prompts = []
    for r in rows[:3]:
        text = tokenizer.apply_chat_template(r["chosen"], tokenize=False)
        if text != original.apply_chat_template(r["chosen"], tokenize=False):
            print("  the checkpoint's chat template renders differently from the model's")
            failures += 1
        prompts.append(tokenizer(text, add_special_tokens=False)["input_ids"])
    out = os.path.join(workdir, name, "logits.safetensors")
    words = ["model", "logits", "--model", final, "--out", out]
    for p in prompts:
        words += ["--ids", " ".join(map(str, p))]
    oracle.ladder_cli(args, *words)
    mine = load_file(out)
    worst = 0.0
    with torch.no_grad():
        for i, p in enumerate(prompts):
            theirs = model(torch.tensor([p])).logits[0]
            worst = max(worst, (mine[f"logits.{i}"].reshape(theirs.shape) - theirs).abs().max().item())
    moved = max((model.state_dict()[k].float() - v.float()).abs().max().item()
                for k, v in initial.items() if k in model.state_dict())
    eos = model.generation_config.eos_token_id
    print(f"  logits on {len(prompts)} conversations ({', '.join(str(len(p)) for p in prompts)} "
          f"tokens): max |diff| {worst:.2e} (tolerance {TOLERANCE}); weights moved by up to "
          f"{moved:.2e}; generation_config eos {eos}")
    if worst > TOLERANCE:
        failures += 1
    if moved == 0.0:
        print("  the weights did not change: nothing was trained")
        failures += 1
    if eos != generation_eos:
        print(f"  generation_config's eos_token_id is {eos}, not the model's {generation_eos}")
        failures += 1
    return failures


def main():
    args = oracle.arguments(__doc__.splitlines()[0])
    models = oracle.shared_path(args, "data/models")
    imports()
    warnings.filterwarnings("ignore")
    from transformers import AutoConfig
    workdir = tempfile.mkdtemp(prefix="ladder-roundtrip-")
    try:
        smol = os.path.join(models, "SmolLM2-135M-Instruct")
        smol_files = [os.path.join(smol, f) for f in ("tokenizer.json", "tokenizer_config.json",
                                                      "special_tokens_map.json", "vocab.json",
                                                      "merges.txt")]
        qwen_files = qwen3_tokenizer_files(models)
        failures = 0
        failures += check(args, "SmolLM2", shrink(AutoConfig.from_pretrained(smol)), smol_files, 2,
                          workdir, "bfloat16", None)
        failures += check(args, "Qwen3", shrink(qwen3_card_config()), qwen_files, [151645, 151643],
                          workdir, "float32", "20MB")
        if failures:
            print(f"DIFFERENT: {failures} checks failed")
            return 1
        print("both models went through import, SFT, DPO and back into transformers")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
