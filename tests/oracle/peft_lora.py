"""Oracle: LoRA adapters against PEFT, both ways.

On a Qwen3-shaped model (the real config and tokenizer from ../shared, shrunk to two narrow layers
with random fp32 weights made by transformers):
  1. ladder-cli trains SFT with LoRA (r 8, alpha 16, all-linear, save_merged) on a conversational
     preference file; PEFT loads the checkpoint's adapter onto the checkpoint's base
     (PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(ckpt), ckpt/adapter)):
     every adapter tensor PEFT holds equals the file's (none missing, none left over), its logits
     equal ladder-cli's on the checkpoint (Ladder merges the adapter) and transformers' on the
     merged/ folder Ladder saved, max |diff| <= 1e-4, and the adapter moved from its start;
  2. DPO with LoRA continues from that run (Ladder merges the SFT adapter into the start; the
     reference is that model with the new adapter off); PEFT loads the DPO adapter the same way;
  3. PEFT makes an adapter (random A and B on q_proj, v_proj and down_proj, r 4, alpha 8) and
     saves it; Ladder reads it beside its base (model folder + adapter/) with PEFT's logits.
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
from train_roundtrip import config, conversations, make_model, run

TOLERANCE = 1e-4
SEED = 91
LORA = {"rank": 8, "alpha": 16, "dropout": 0.0, "target_modules": "all-linear", "save_merged": True}


def imports():
    try:
        import peft  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from safetensors.torch import load_file  # noqa: F401
    except ImportError as e:
        oracle.skip(f"the oracle Python lacks {e.name} (run scripts/install-deps.sh --oracle)")


def ladder_logits(args, folder, prompts, out):
    words = ["model", "logits", "--model", folder, "--out", out]
    for p in prompts:
        words += ["--ids", " ".join(map(str, p))]
    print("  $ ladder-cli " + " ".join(words[:4]) + " ...")
    oracle.ladder_cli(args, *words)
    from safetensors.torch import load_file
    return load_file(out)


def worst_diff(model, prompts, logits):
    import torch
    worst = 0.0
    with torch.no_grad():
        for i, p in enumerate(prompts):
            theirs = model(torch.tensor([p])).logits[0]
            worst = max(worst, (logits[f"logits.{i}"].reshape(theirs.shape) - theirs).abs().max().item())
    return worst


def peft_on(folder):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM
    base = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return PeftModel.from_pretrained(base, os.path.join(folder, "adapter")).eval()


def check_adapter_tensors(model, folder):
    """Every LoRA tensor PEFT holds equals the file's, and the file has none PEFT did not take."""
    from peft import get_peft_model_state_dict
    from safetensors.torch import load_file
    saved = load_file(os.path.join(folder, "adapter", "adapter_model.safetensors"))
    held = get_peft_model_state_dict(model)
    failures = 0
    if set(saved) != set(held):
        print(f"  tensor names differ: only in the file {sorted(set(saved) - set(held))[:3]}, "
              f"only in PEFT {sorted(set(held) - set(saved))[:3]}")
        failures += 1
    for k in set(saved) & set(held):
        if not (saved[k] == held[k].float()).all():
            print(f"  {k}: PEFT holds other values than the file")
            failures += 1
            break
    moved = max(v.abs().max().item() for k, v in saved.items() if "lora_B" in k)
    print(f"  PEFT holds the {len(held)} adapter tensors of the file; max |B| {moved:.2e}")
    if moved == 0.0:
        print("  every lora_B is still zero: nothing was trained")
        failures += 1
    return failures


def final_checkpoint(workdir, run_id):
    steps = glob.glob(os.path.join(workdir, "study.checkpoints", f"run-{run_id}", "step-*"))
    return max(steps, key=lambda p: int(p.rsplit("-", 1)[1])) if steps else None


def main():
    args = oracle.arguments(__doc__.splitlines()[0])
    models = oracle.shared_path(args, "data/models")
    imports()
    warnings.filterwarnings("ignore")
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer
    workdir = tempfile.mkdtemp(prefix="ladder-peft-")
    failures = 0
    try:
        start = os.path.join(workdir, "start")
        os.makedirs(start)
        make_model(start, shrink(qwen3_card_config()), qwen3_tokenizer_files(models),
                   [151645, 151643])
        rows = conversations(random.Random(SEED))
        prefs = os.path.join(workdir, "prefs.jsonl")
        with open(prefs, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        ws = os.path.join(workdir, "study.ladder")
        run(args, "init", ws)
        run(args, "import", "-w", ws, prefs)
        tokenizer = AutoTokenizer.from_pretrained(start)
        prompts = [tokenizer(tokenizer.apply_chat_template(r["chosen"], tokenize=False),
                             add_special_tokens=False)["input_ids"] for r in rows[:3]]
        stages = (("sft", {"kind": "pretrained", "path": start}, {"lora": LORA}),
                  ("dpo", {"kind": "run", "run": 1},
                   {"loss": {"beta": 0.1}, "reference": "frozen", "lora": LORA,
                    "gradient_checkpointing": True, "logits_head": "chunked"}))
        for run_id, (method, model, extra) in enumerate(stages, start=1):
            extra = dict(extra)
            extra["optimizer"] = {"lr": 0.01, "weight_decay": 0.0, "grad_clip": 1.0}
            path = os.path.join(workdir, f"{method}.json")
            with open(path, "w") as f:
                json.dump(config(method, model, extra), f)
            run(args, "train", "-w", ws, "--config", path)
            final = final_checkpoint(workdir, run_id)
            if not final:
                print(f"  {method} run {run_id} left no checkpoint")
                return 1
            print(f"{method} with LoRA: PEFT loads {final}/adapter onto {final}")
            peft_model = peft_on(final)
            failures += check_adapter_tensors(peft_model, final)
            mine = ladder_logits(args, final, prompts, os.path.join(workdir, f"{method}.safetensors"))
            worst = worst_diff(peft_model, prompts, mine)
            merged = AutoModelForCausalLM.from_pretrained(os.path.join(final, "merged"),
                                                          dtype=torch.float32).eval()
            worst_merged = worst_diff(merged, prompts, mine)
            print(f"  logits on {len(prompts)} conversations: Ladder vs PEFT max |diff| {worst:.2e}, "
                  f"Ladder vs transformers on merged/ {worst_merged:.2e} (tolerance {TOLERANCE})")
            if worst > TOLERANCE or worst_merged > TOLERANCE:
                failures += 1

        print("an adapter made by PEFT, read by Ladder:")
        theirs = os.path.join(workdir, "peft-made")
        shutil.copytree(start, theirs)
        torch.manual_seed(SEED)
        base = AutoModelForCausalLM.from_pretrained(start, dtype=torch.float32)
        made = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0,
                                               target_modules=["q_proj", "v_proj", "down_proj"],
                                               init_lora_weights=False)).eval()
        made.save_pretrained(os.path.join(theirs, "adapter"))
        mine = ladder_logits(args, theirs, prompts, os.path.join(workdir, "peft-made.safetensors"))
        worst = worst_diff(made, prompts, mine)
        print(f"  logits: Ladder vs PEFT max |diff| {worst:.2e} (tolerance {TOLERANCE})")
        if worst > TOLERANCE:
            failures += 1
        if failures:
            print(f"DIFFERENT: {failures} checks failed")
            return 1
        print("Ladder's adapters load in PEFT and PEFT's in Ladder, with equal logits")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
