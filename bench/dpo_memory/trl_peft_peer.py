"""The peer in bench_dpo_memory: TRL's DPOTrainer with a PEFT LoRA adapter on a transformers
Qwen2ForCausalLM built from the real Qwen2.5-0.5B config.json (random weights; --layers to
shorten it), the batch bench_dpo_memory wrote (--ids: prompt, chosen, rejected token ids), on the
CPU with the given threads.

Settings as a user would pick them for memory: LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05,
target_modules="all-linear"), gradient checkpointing on (DPOConfig's default), the reference by
disabling the adapter (no ref_model, no precomputed log-probs), sigmoid loss, beta 0.1, AdamW
lr 1e-5, batch = the 4 pairs, fp32.

Prints key=value lines: step_ms and tokens_per_s over the timed steps (after the first; tokens
counted as Ladder counts them: prompt + chosen + rejected of each pair), first_loss, versions.
"""
import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peers  # noqa: E402  (bench/peers.py)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--layers", type=int, default=0)
    p.add_argument("--steps", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workdir", default=None)
    a = p.parse_args()

    os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore")
    try:
        import datasets
        import peft
        import torch
        import transformers
        import trl
        from safetensors.torch import load_file
    except ImportError as e:
        print(f"skip=the Python lacks {e.name} (scripts/install-deps.sh --oracle sets it up)")
        return 3
    from peft import LoraConfig
    from transformers import AutoConfig, AutoModelForCausalLM, TrainerCallback
    from trl import DPOConfig, DPOTrainer

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    config = AutoConfig.from_pretrained(os.path.dirname(a.config))
    if a.layers:
        config.num_hidden_layers = a.layers
        if getattr(config, "layer_types", None):
            config.layer_types = config.layer_types[:a.layers]
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    ids = load_file(a.ids)
    prompt, chosen, rejected = ids["prompt"], ids["chosen"], ids["rejected"]
    pairs = prompt.shape[0]
    tokens = pairs * (prompt.shape[1] + chosen.shape[1] + rejected.shape[1])

    tok = peers.word_tokenizer()
    workdir = a.workdir or os.path.join(os.path.dirname(os.path.abspath(a.ids)), "trl-peft-peer")
    settings = DPOConfig(output_dir=workdir, report_to="none", use_cpu=True, bf16=False, fp16=False,
                         max_length=None, loss_type=["sigmoid"], beta=0.1,
                         per_device_train_batch_size=pairs, gradient_accumulation_steps=1,
                         max_steps=a.steps + 1, learning_rate=1e-5, lr_scheduler_type="constant",
                         warmup_steps=0, weight_decay=0.01, max_grad_norm=1.0, optim="adamw_torch",
                         gradient_checkpointing=True, precompute_ref_log_probs=False,
                         logging_steps=1, save_strategy="no", dataloader_num_workers=0, seed=0)
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                      task_type="CAUSAL_LM")
    text = peers.one_row_dataset()
    trainer = DPOTrainer(model=model, args=settings, train_dataset=text, processing_class=tok,
                         peft_config=lora)
    trainer.train_dataset = datasets.Dataset.from_list([
        {"prompt_ids": prompt[i].tolist(), "chosen_ids": chosen[i].tolist(),
         "rejected_ids": rejected[i].tolist()} for i in range(pairs)])

    class Clock(TrainerCallback):
        def __init__(self):
            self.ends = []
            self.logs = []

        def on_step_begin(self, args, state, control, **kwargs):
            if not self.ends:
                self.ends.append(time.perf_counter())

        def on_step_end(self, args, state, control, **kwargs):
            self.ends.append(time.perf_counter())

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.logs.append(logs)

    clock = Clock()
    trainer.add_callback(clock)
    trainer.remove_callback(transformers.PrinterCallback)
    trainer.train()
    if len(clock.ends) != a.steps + 2 or not clock.logs:
        print(f"error=TRL ran {len(clock.ends) - 1} steps (wanted {a.steps + 1})")
        return 1
    # ends[0]: the first step's start, ends[1]: its end; the timed steps follow it.
    seconds = (clock.ends[-1] - clock.ends[1]) / a.steps
    print(f"first_loss={clock.logs[0]['loss']:.6f} step_ms={1000 * seconds:.0f} "
          f"tokens_per_s={tokens / seconds:.1f}")
    print(f"versions=torch-{torch.__version__},transformers-{transformers.__version__},"
          f"trl-{trl.__version__},peft-{peft.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
