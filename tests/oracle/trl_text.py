"""Oracle: the tokens Ladder trains on against the tokens TRL's DPOTrainer builds from the same
pairs, with the real tokenizers and chat templates of ../shared.

Ladder: `ladder-cli template pairs` (format::TextFormat, the code the trainer, the win rate and
the evaluations run). TRL 1.16: DPOTrainer._prepare_dataset on the same rows, with the tokenizer
AutoTokenizer loads from the same folder. Compared: prompt_ids, chosen_ids and rejected_ids,
identical, on 40 generated pairs per case.

Cases:
  chat template (TRL's conversational rows: prompt = messages, answers = assistant messages):
    SmolLM2-135M-Instruct (tokenizer.json), Qwen2.5-0.5B-Instruct (vocab.json + merges.txt),
    Qwen3-0.6B (its tokenizer_config.json and chat_template.jinja beside Qwen2.5's vocabulary
    files, which Qwen3 shares; ../shared has no Qwen3 vocabulary of its own)
  built-in formats (TRL's standard rows: prompt = the format's text, answers = text + suffix):
    alpaca on Llama-2 (a post-processor that adds <s>; add_bos_token true), alpaca and chatml
    on SmolLM2, raw on GPT-2
Not covered: Llama-3.2 and Gemma (../shared has their templates but no tokenizer files).

Conversations: with and without a system message, 1 to 4 user turns, non-ASCII text and emoji,
whitespace at the edges, answers of one word to several lines.
"""
import json
import os
import random
import shutil
import sys
import tempfile
import types
import warnings

import oracle
from small_models import qwen3_tokenizer_files

PAIRS_PER_CASE = 40
SEED = 2310

TEXTS = [
    "What is the capital of Peru?", "Summarise this in one line.", "  leading spaces",
    "trailing newline\n", "Grüße aus Köln — ça va?", "日本語で答えてください。", "Emoji 🙂🚀 inside",
    "Numbers 1234567 and 3.14159", "Two\n\nparagraphs here.", "tabs\tand  double  spaces",
    "Code: `print('hi')`", "Ask me <b>anything</b>", "Why?", "",
]
ANSWERS = [
    "Lima.", "Blue", " A leading space", "Line one\nLine two\n", "Das ist gut.", "はい、わかりました。",
    "🙂", "42", "It depends:\n- first\n- second", "No.", "trailing spaces   ", "Sure! Here it is.",
]
SYSTEMS = ["You are a helpful assistant.", "Antworte auf Deutsch.", "Be brief.  "]


def conversation(rng):
    messages = []
    if rng.random() < 0.5:
        messages.append({"role": "system", "content": rng.choice(SYSTEMS)})
    turns = rng.randint(1, 4)
    for turn in range(turns):
        messages.append({"role": "user", "content": rng.choice(TEXTS[:-1])})
        if turn + 1 < turns:
            messages.append({"role": "assistant", "content": rng.choice(ANSWERS)})
    return messages


def answers(rng):
    chosen = rng.choice(ANSWERS)
    rejected = rng.choice([a for a in ANSWERS if a != chosen])
    return chosen, rejected


def chat_rows(rng):
    rows = []
    for _ in range(PAIRS_PER_CASE):
        chosen, rejected = answers(rng)
        rows.append({"prompt": conversation(rng), "chosen": chosen, "rejected": rejected})
    return rows


def text_rows(rng):
    rows = []
    for _ in range(PAIRS_PER_CASE):
        chosen, rejected = answers(rng)
        row = {"prompt": rng.choice(TEXTS[:-1]), "chosen": chosen, "rejected": rejected}
        if rng.random() < 0.3:
            row["input"] = rng.choice(TEXTS)
        rows.append(row)
    return rows


def imports():
    try:
        from datasets import Dataset  # noqa: F401
        from transformers import AutoTokenizer  # noqa: F401
        from trl import DPOConfig, DPOTrainer  # noqa: F401
    except ImportError as e:
        oracle.skip(f"the oracle Python lacks {e.name} (run scripts/install-deps.sh --oracle)")


def trl_tokens(folder, rows, workdir):
    """TRL's prompt/chosen/rejected ids for the rows (conversational or standard)."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import DPOConfig, DPOTrainer
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except TypeError:
        # The shared Llama-2 tokenizer.json writes merges as "a b" strings whose tokens contain
        # spaces, which neither transformers 5's LlamaTokenizer nor `tokenizers` reads; the
        # tokenizer ids oracle rewrites them as pairs. The generic class takes that tokenizer with
        # tokenizer_config.json's special tokens and add_bos_token / add_eos_token flags.
        from tokenizers import Tokenizer
        from transformers import PreTrainedTokenizerFast
        from tokenizer_ids import unambiguous_merges
        with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
            backend = Tokenizer.from_str(unambiguous_merges(f.read()))
        with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
            settings = json.load(f)
        kwargs = {}
        for key in ("bos_token", "eos_token", "unk_token", "add_bos_token", "add_eos_token"):
            value = settings.get(key)
            if isinstance(value, dict):
                value = value.get("content")
            if value is not None:
                kwargs[key] = value
        tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, **kwargs)
    config = DPOConfig(output_dir=os.path.join(workdir, "trl"), report_to="none", use_cpu=True,
                       max_length=None)
    # _prepare_dataset reads only the tokenizer from the trainer: no model is needed.
    trainer = types.SimpleNamespace(_tokenizer=tokenizer, _is_vision_dataset=False)
    dataset = DPOTrainer._prepare_dataset(trainer, Dataset.from_list(rows), tokenizer, config,
                                          "train")
    return tokenizer, [(r["prompt_ids"], r["chosen_ids"], r["rejected_ids"]) for r in dataset]


def ladder_tokens(args, folder, template, rows, workdir):
    path = os.path.join(workdir, "pairs.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    out = oracle.ladder_cli(args, "template", "pairs", "--model", folder, "--template", template,
                            "--pairs", path)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def compare(name, tokenizer, ladder, trl, shown):
    bad = 0
    for i, (mine, theirs) in enumerate(zip(ladder, trl)):
        for field, a, b in (("prompt", mine["prompt"], theirs[0]), ("chosen", mine["chosen"], theirs[1]),
                            ("rejected", mine["rejected"], theirs[2])):
            if a != b:
                bad += 1
                if shown[0] < 6:
                    shown[0] += 1
                    k = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]),
                             min(len(a), len(b)))
                    print(f"  {name} pair {i} {field}: first difference at token {k}\n"
                          f"    ladder {a[max(0, k - 3):k + 4]} {tokenizer.decode(a[k:k + 4])!r}\n"
                          f"    trl    {b[max(0, k - 3):k + 4]} {tokenizer.decode(b[k:k + 4])!r}")
    return bad


def main():
    args = oracle.arguments(__doc__.splitlines()[0])
    models = oracle.shared_path(args, "data/models")
    tokenizers = oracle.shared_path(args, "data/tokenizers")
    imports()
    warnings.filterwarnings("ignore")
    workdir = tempfile.mkdtemp(prefix="ladder-trl-text-")
    try:
        qwen3 = os.path.join(workdir, "qwen3")
        os.makedirs(qwen3)
        for f in qwen3_tokenizer_files(models):
            shutil.copy(f, qwen3)
        smol = os.path.join(models, "SmolLM2-135M-Instruct")
        cases = [
            ("SmolLM2 chat template", smol, "model", True, ""),
            ("Qwen2.5 chat template", os.path.join(models, "Qwen2.5-0.5B-Instruct"), "model", True, ""),
            ("Qwen3 chat template", qwen3, "model", True, ""),
            ("Llama-2 alpaca", os.path.join(tokenizers, "llama2"), "alpaca", False, ""),
            ("SmolLM2 alpaca", smol, "alpaca", False, ""),
            ("SmolLM2 chatml", smol, "chatml", False, "<|im_end|>"),
            ("GPT-2 raw", os.path.join(tokenizers, "gpt2"), "raw", False, ""),
        ]
        rng = random.Random(SEED)
        failed = 0
        shown = [0]
        for name, folder, template, chat, suffix in cases:
            rows = chat_rows(rng) if chat else text_rows(rng)
            ladder = ladder_tokens(args, folder, template, rows, workdir)
            if chat:
                trl_rows = [{"prompt": r["prompt"],
                             "chosen": [{"role": "assistant", "content": r["chosen"]}],
                             "rejected": [{"role": "assistant", "content": r["rejected"]}]}
                            for r in rows]
            else:
                # The built-in format's prompt text is Ladder's own (alpaca, chatml, raw); what
                # is compared is how TRL tokenizes that text and the answers after it.
                trl_rows = [{"prompt": mine["prompt_text"], "chosen": r["chosen"] + suffix,
                             "rejected": r["rejected"] + suffix} for r, mine in zip(rows, ladder)]
            tokenizer, trl = trl_tokens(folder, trl_rows, workdir)
            bad = compare(name, tokenizer, ladder, trl, shown)
            first = trl[0][0][:3]
            print(f"{name}: {len(rows) - 0} pairs, {bad} differing fields "
                  f"(prompt starts {first} {tokenizer.decode(first)!r})")
            failed += bad
        if failed:
            print(f"DIFFERENT: {failed} fields differ")
            return 1
        print("all identical")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
