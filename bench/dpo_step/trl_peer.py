"""The peer in bench_dpo_step: TRL's DPOTrainer on a transformers LlamaForCausalLM, the same
workload as ../shared/reference/dpo_reference.py, from the same initial weights and batch (the
script's --save-init file), on the CPU with the same threads.

usage: trl_peer.py --init FILE.safetensors [--steps 20] [--threads 2] [--d 256] [--layers 4]
                   [--heads 4] [--vocab 259]

The model is the script's: Llama (RMSNorm eps 1e-6, RoPE theta 10000 rotate-half, SwiGLU with
4·d·2/3 hidden units, no biases, untied head), fp32. The trainer runs as a user would run it
(trainer.train(), its dataloader, collator, optimiser and logging) with the settings that make the
work equal to the script's and to Ladder's "equal work" mode: sigmoid loss, beta 0.1, the frozen
reference model's forward every step (no precomputed reference log-probs), batch = the 8 pairs,
AdamW lr 1e-4 constant (no warm-up), betas 0.9/0.999, eps 1e-8, weight decay 0.01, gradient norm
clipped to 1.0, and gradient checkpointing off (DPOConfig turns it on by default: it recomputes
the forward in the backward, work the other two do not do). transformers' AdamW does not decay
the norm weights, the script does: the second step's loss differs in the 7th digit or so.

Prints key=value lines: first_step_loss, first_step_logps_chosen, second_step_loss (the same
names as the script), step_ms and tokens_per_s over the timed steps (after the first two), the
versions, and peak_rss_kb (this process's peak resident memory, from getrusage).
"""
import argparse
import os
import resource
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peers  # noqa: E402  (bench/peers.py)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--init", required=True)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--d", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--vocab", type=int, default=259)
    p.add_argument("--beta", type=float, default=0.1)
    p.add_argument("--workdir", default=None)
    a = p.parse_args()

    os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore")
    try:
        import datasets
        import torch
        import transformers
        import trl
        from safetensors.torch import load_file
    except ImportError as e:
        print(f"skip=the Python lacks {e.name} (scripts/install-deps.sh --oracle sets it up)")
        return 3
    from transformers import LlamaConfig, LlamaForCausalLM, TrainerCallback
    from trl import DPOConfig, DPOTrainer

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    saved = load_file(a.init)
    ids = saved.pop("input_ids")
    saved.pop("loss_mask", None)
    rows, seq = ids.shape
    pairs = rows // 2
    prompt = seq // 4  # the script's: a pair's rows share the first quarter

    config = LlamaConfig(vocab_size=a.vocab, hidden_size=a.d, intermediate_size=4 * a.d * 2 // 3,
                         num_hidden_layers=a.layers, num_attention_heads=a.heads,
                         num_key_value_heads=a.heads, max_position_embeddings=seq,
                         rms_norm_eps=1e-6, rope_theta=10000.0, tie_word_embeddings=False,
                         attention_bias=False, mlp_bias=False, hidden_act="silu",
                         pad_token_id=0, bos_token_id=1, eos_token_id=2)

    def model():
        m = LlamaForCausalLM(config).to(torch.float32)
        missing, unexpected = m.load_state_dict(saved, strict=False)
        missing = [k for k in missing if "rotary_emb" not in k]
        if missing or unexpected:
            raise SystemExit(f"the init file does not fit the model: missing {missing[:3]}, "
                             f"unexpected {unexpected[:3]}")
        return m

    policy, reference = model(), model()
    reference.eval()

    tok = peers.word_tokenizer()

    workdir = a.workdir or os.path.join(os.path.dirname(os.path.abspath(a.init)), "trl-peer")
    settings = DPOConfig(output_dir=workdir, report_to="none", use_cpu=True, bf16=False, fp16=False,
                         max_length=None, loss_type=["sigmoid"], beta=a.beta,
                         per_device_train_batch_size=pairs, gradient_accumulation_steps=1,
                         max_steps=a.steps + 2, learning_rate=1e-4, lr_scheduler_type="constant",
                         warmup_steps=0, weight_decay=0.01, adam_beta1=0.9, adam_beta2=0.999,
                         adam_epsilon=1e-8, max_grad_norm=1.0, optim="adamw_torch",
                         gradient_checkpointing=False, precompute_ref_log_probs=False,
                         disable_dropout=True, logging_steps=1, save_strategy="no",
                         dataloader_num_workers=0, seed=0, data_seed=0)
    text = peers.one_row_dataset()
    trainer = DPOTrainer(model=policy, ref_model=reference, args=settings, train_dataset=text,
                         processing_class=tok)
    trainer.train_dataset = datasets.Dataset.from_list([
        {"prompt_ids": ids[i, :prompt].tolist(), "chosen_ids": ids[i, prompt:].tolist(),
         "rejected_ids": ids[pairs + i, prompt:].tolist()} for i in range(pairs)])

    class Clock(TrainerCallback):
        def __init__(self):
            self.ends = []
            self.logs = []

        def on_step_end(self, args, state, control, **kwargs):
            self.ends.append(time.perf_counter())

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.logs.append(logs)

    clock = Clock()
    trainer.add_callback(clock)
    trainer.remove_callback(transformers.PrinterCallback)  # its dict per step; the figures are below
    trainer.train()

    if len(clock.ends) != a.steps + 2 or len(clock.logs) < 2:
        print(f"error=TRL ran {len(clock.ends)} steps, logged {len(clock.logs)} (wanted {a.steps + 2})")
        return 1
    seconds = (clock.ends[-1] - clock.ends[1]) / a.steps
    print(f"first_step_loss={clock.logs[0]['loss']:.8f} "
          f"first_step_logps_chosen={clock.logs[0]['logps/chosen']:.6f} "
          f"second_step_loss={clock.logs[1]['loss']:.8f}")
    print(f"step_ms={1000 * seconds:.1f} tokens_per_s={rows * seq / seconds:.0f} "
          f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
    print(f"versions=torch-{torch.__version__},transformers-{transformers.__version__},"
          f"trl-{trl.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
