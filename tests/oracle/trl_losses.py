"""Oracle: Ladder's preference losses and the metrics it logs against TRL's DPOTrainer and
SFTTrainer, on the same batch of token-id pairs and the same weights (a small LlamaForCausalLM with
random fp32 weights, a fixed seed, and a second one as the reference model).

What is compared, Ladder's loss (knobs) against TRL's:
  dpo (beta)              DPOTrainer loss_type "sigmoid"
  dpo (beta, nll)         DPOTrainer loss_type ["sigmoid", "sft"], loss_weights [1, nll] (RPO)
  ipo (beta)              DPOTrainer loss_type "ipo" (both average log-ratios over answer tokens)
  robust (beta, epsilon)  DPOTrainer loss_type "robust", label_smoothing = epsilon
  hinge (beta)            DPOTrainer loss_type "hinge" (against the reference model)
  slic (delta 1, lambda)  DPOTrainer loss_type ["hinge", "sft"], loss_weights [1, lambda], beta 1,
                          reference log-probs 0: SLiC-HF as Ladder trains it (no reference model)
                          is TRL's hinge without a reference at beta 1; other deltas have no TRL
                          counterpart (TRL's margin is 1/beta and its loss is scaled by beta)
  sft                     SFTTrainer (prompt masked out of the labels: completion-only loss)
and each metric Ladder logs under TRL's names: loss, grad_norm (the gradients' global 2-norm
before clipping, as transformers' Trainer logs it), logps/chosen, logps/rejected, rewards/chosen,
rewards/rejected, rewards/margins, rewards/accuracies; for SFT, SFTTrainer logs no log-probs, so
Ladder's logps/chosen is held against DPOTrainer's on the same answers. Each through both of
Ladder's log-prob paths (prefix sharing on and off), on one batch and (sigmoid, SFT) in two
micro-batches with the gradients accumulated (TRL through transformers' Trainer.training_step).
Tolerance 1e-5, relative for values above 1: both compute in float32, which holds a value near
100 (IPO's gradient norm here) only to about 1e-5, so an absolute 1e-5 there would test rounding.

Not compared: cdpo (TRL 1.16's sigmoid loss has no label smoothing), learning_rate (the schedule,
not the loss), Ladder's own tier/* and tokens_per_second, and TRL's entropy, logits/*,
mean_token_accuracy and num_tokens (Ladder does not log them).
"""
import json
import math
import os
import sys
import warnings

import oracle

TOLERANCE = 1e-5  # times max(1, |TRL's value|)
VOCAB = 96
SEED = 1234

# (prompt, chosen, rejected) token ids: prompts and answers of different lengths, so that both
# Ladder's left-padded prompts and TRL's right-padded rows have padding; one answer is one token.
PAIRS = [
    ([5, 17, 33, 2], [40, 41, 42, 43, 44, 1], [50, 51, 1]),
    ([7, 8], [60, 61, 62, 1], [63, 64, 65, 66, 67, 68, 69, 1]),
    ([9, 10, 11, 12, 13, 14, 15], [70, 1], [71, 72, 1]),
    ([16, 18, 20], [80], [81, 82, 83, 84, 85]),
    ([21, 22, 23, 24, 25], [30, 31, 32, 1], [30, 31, 34, 1]),
    ([26, 27, 28], [86, 87, 88, 89, 90, 91, 92, 93, 1], [94, 95, 1]),
]
TIERS = ["easy", "hard", "easy", "hard", "easy", "hard"]
# Micro-batches of 3 pairs (gradient accumulation over 2): Ladder's sampler makes them equal in
# pairs; their chosen answers hold 12 and 14 tokens, so SFT's weighting by tokens shows.

# Ladder's loss name and knobs, TRL's DPOConfig settings, and whether TRL's reference is zero.
DPO_CASES = [
    ("sigmoid", "dpo", {"beta": 0.1}, {"loss_type": ["sigmoid"], "beta": 0.1}, False, None),
    ("sigmoid", "dpo", {"beta": 0.1}, {"loss_type": ["sigmoid"], "beta": 0.1}, False, 3),
    ("sigmoid+sft", "dpo", {"beta": 0.5, "nll": 0.3},
     {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.3], "beta": 0.5}, False, None),
    ("ipo", "ipo", {"beta": 0.1}, {"loss_type": ["ipo"], "beta": 0.1}, False, None),
    ("robust", "robust", {"beta": 0.2, "epsilon": 0.2},
     {"loss_type": ["robust"], "beta": 0.2, "label_smoothing": 0.2}, False, None),
    ("hinge", "hinge", {"beta": 0.1}, {"loss_type": ["hinge"], "beta": 0.1}, False, None),
    # beta 2: another slope and margin (1/beta = 0.5); the clipping past the margin is checked by
    # tests/train/loss_test.cpp (these random models' margins stay below it).
    ("hinge", "hinge", {"beta": 2.0}, {"loss_type": ["hinge"], "beta": 2.0}, False, None),
    ("hinge ref-free", "slic", {"delta": 1.0, "lambda": 0.0}, {"loss_type": ["hinge"], "beta": 1.0},
     True, None),
    ("hinge ref-free+sft", "slic", {"delta": 1.0, "lambda": 0.1},
     {"loss_type": ["hinge", "sft"], "loss_weights": [1.0, 0.1], "beta": 1.0}, True, None),
]
DPO_METRICS = ["loss", "grad_norm", "logps/chosen", "logps/rejected", "rewards/chosen",
               "rewards/rejected", "rewards/margins", "rewards/accuracies"]


def imports():
    """torch, transformers, trl and datasets, or a skip naming what is missing."""
    try:
        import datasets  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
        import trl  # noqa: F401
    except ImportError as e:
        oracle.skip(f"the oracle Python lacks {e.name} (run scripts/install-deps.sh --oracle)")


def tokenizer():
    """A word-level tokenizer over ids t0..t95: the trainers want one (pad id, a text dataset at
    construction), but the batches compared here are built from ids and never tokenised."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {f"t{i}": i for i in range(VOCAB)}
    vocab["t0"] = 0
    inner = Tokenizer(models.WordLevel(vocab, unk_token="t3"))
    inner.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=inner, pad_token="t0", eos_token="t1",
                                   unk_token="t3")


def build_model(seed):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=64, rms_norm_eps=1e-6, tie_word_embeddings=False,
                         initializer_range=0.1, bos_token_id=2, eos_token_id=1, pad_token_id=0)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).to(torch.float32)
    model.train()
    return model


def saved(model, folder):
    model.save_pretrained(folder)
    return folder


def state_dict_copy(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def grad_norm(model):
    """What transformers' Trainer logs as grad_norm: clip_grad_norm_'s total norm before clipping."""
    import torch

    return float(torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf")))


def trl_step(trainer, model, batches, num_items_in_batch=None):
    """One step as transformers' Trainer takes it: training_step (compute_loss, the scaling for
    gradient accumulation, backward) on each micro-batch, then the logged loss (their sum), the
    metrics (each averaged over the micro-batches, as the trainers' log() does) and grad_norm."""
    trainer.current_gradient_accumulation_steps = len(batches)
    model.zero_grad()
    loss = 0.0
    for batch in batches:
        loss += float(trainer.training_step(model, batch, num_items_in_batch))
    metrics = {k: sum(v) / len(v) for k, v in trainer._metrics["train"].items()}
    metrics["loss"] = loss
    metrics["grad_norm"] = grad_norm(model)
    return metrics


def micro_batches(rows, size):
    size = size or len(rows)
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def trl_dpo(policy_weights, reference, settings, zero_reference, micro, workdir):
    """DPOTrainer's step on PAIRS (in micro-batches of `micro` pairs) and the metrics it logs."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    policy = build_model(SEED)
    policy.load_state_dict(policy_weights)
    config = DPOConfig(output_dir=os.path.join(workdir, "trl-dpo"), report_to="none", use_cpu=True,
                       bf16=False, fp16=False, max_length=None, disable_dropout=True,
                       per_device_train_batch_size=micro or len(PAIRS), **settings)
    text = Dataset.from_list([{"prompt": "t5", "chosen": " t6", "rejected": " t7"}])
    trainer = DPOTrainer(model=policy, ref_model=reference, args=config, train_dataset=text,
                         processing_class=tokenizer())
    examples = [{"prompt_ids": p, "chosen_ids": c, "rejected_ids": r} for p, c, r in PAIRS]
    if zero_reference:
        # No reference model: its log-probs are 0 (TRL's former reference_free=True).
        trainer.precompute_ref_logps = True
        for e in examples:
            e["ref_chosen_logps"] = 0.0
            e["ref_rejected_logps"] = 0.0
    batches = [trainer.data_collator(part) for part in micro_batches(examples, micro)]
    return trl_step(trainer, policy, batches)


def trl_sft(policy_weights, micro, workdir):
    """SFTTrainer's step on the chosen answers of PAIRS (prompt tokens masked out of the labels)."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    policy = build_model(SEED)
    policy.load_state_dict(policy_weights)
    rows = [{"input_ids": p + c, "labels": [-100] * len(p) + c} for p, c, _ in PAIRS]
    config = SFTConfig(output_dir=os.path.join(workdir, "trl-sft"), report_to="none", use_cpu=True,
                       bf16=False, fp16=False, max_length=None, packing=False,
                       per_device_train_batch_size=micro or len(PAIRS))
    trainer = SFTTrainer(model=policy, args=config, train_dataset=Dataset.from_list(rows),
                         processing_class=tokenizer())
    batches = [trainer.data_collator(part) for part in micro_batches(rows, micro)]
    # What the Trainer counts over the step's micro-batches: the label tokens, the answers'.
    num_items = sum(len(c) for _, c, _ in PAIRS) if micro else None
    return trl_step(trainer, policy, batches, num_items)


def ladder(args, policy_dir, reference_dir, pairs_file, method, params, micro, prefix_sharing):
    words = ["model", "loss", "--model", policy_dir, "--pairs", pairs_file, "--loss", method,
             "--loss-params", json.dumps(params)]
    if reference_dir:
        words += ["--reference", reference_dir]
    if micro:
        words += ["--micro-batch", str(micro)]
    if not prefix_sharing:
        words.append("--no-prefix-sharing")
    return json.loads(oracle.ladder_cli(args, *words))["metrics"]


def main():
    args = oracle.arguments(__doc__)
    os.environ.setdefault("TQDM_DISABLE", "1")  # the trainers' dataset progress bars
    imports()
    import torch
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    warnings.filterwarnings("ignore")  # deprecations and the like, not findings

    torch.set_num_threads(2)
    workdir = args.home
    policy = build_model(SEED)
    reference = build_model(SEED + 1)
    policy_dir = saved(policy, os.path.join(workdir, "policy"))
    reference_dir = saved(reference, os.path.join(workdir, "reference"))
    policy_weights = state_dict_copy(policy)
    pairs_file = os.path.join(workdir, "pairs.json")
    with open(pairs_file, "w", encoding="utf-8") as f:
        json.dump([{"prompt": p, "chosen": c, "rejected": r, "tier": t}
                   for (p, c, r), t in zip(PAIRS, TIERS)], f)

    rows = []  # (case, metric, prefix sharing, ladder, trl)
    dpo_logps_chosen = None
    for case, method, params, settings, zero_reference, micro in DPO_CASES:
        expected = trl_dpo(policy_weights, reference, settings, zero_reference, micro, workdir)
        if dpo_logps_chosen is None:
            dpo_logps_chosen = expected["logps/chosen"]
        label = f"{case}{f' micro {micro}' if micro else ''} = {method} {json.dumps(params)}"
        for sharing in (True, False):
            actual = ladder(args, policy_dir, None if zero_reference else reference_dir,
                            pairs_file, method, params, micro, sharing)
            for name in DPO_METRICS:
                rows.append((label, name, sharing, actual.get(name), expected[name]))
    for micro in (None, 3):
        expected = trl_sft(policy_weights, micro, workdir)
        expected["logps/chosen"] = dpo_logps_chosen
        label = f"SFTTrainer{f' micro {micro}' if micro else ''} = sft"
        for sharing in (True, False):
            actual = ladder(args, policy_dir, None, pairs_file, "sft", {}, micro, sharing)
            for name in ("loss", "grad_norm", "logps/chosen"):
                rows.append((label, name, sharing, actual.get(name), expected[name]))

    worst = {}
    failures = []
    for case, name, sharing, actual, wanted in rows:
        diff = math.inf if actual is None else abs(actual - wanted)
        key = (case, name)
        worst[key] = max(worst.get(key, 0.0), diff)
        if not diff <= TOLERANCE * max(1.0, abs(wanted)):
            failures.append(f"  {case:44} {name:20} prefix sharing {'on ' if sharing else 'off'}"
                            f" ladder {actual!r:>24} trl {wanted!r:>24} |diff| {diff:.3g}")
    print(f"Ladder against TRL {__import__('trl').__version__} on {len(PAIRS)} pairs "
          f"(max |difference| over both log-prob paths; tolerance {TOLERANCE}, relative above 1):")
    for (case, name), diff in worst.items():
        print(f"  {case:44} {name:20} {diff:.3g}")
    if failures:
        print(f"DIFFERENT ({len(failures)}):")
        print("\n".join(failures[:20]))
        return 1
    print(f"all {len(rows)} values agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
