#!/usr/bin/env python3
"""Reference figures for tests/eval/shared_alpaca_eval_test.cpp: the win rate of each shared model's
answers against text_davinci_003 as the GPT-4 judge decided them (AlpacaEval's annotations), with
ties counting half and the standard error std(ddof=1) / sqrt(n) over the decided rows. Rows with a
preference of 0 or null are undecided and left out. Run from anywhere:
    python3 tests/eval/reference/alpaca_eval_win_rates.py [../shared/data/alpaca_eval]
"""
import json
import math
import pathlib
import sys

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                      pathlib.Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "alpaca_eval")
for model in ["gpt-3.5-turbo-0301", "text_davinci_001"]:
    rows = json.loads((folder / f"{model}.annotations_gpt4_judge.json").read_text())
    outputs = json.loads((folder / f"{model}.model_outputs.json").read_text())
    answered = {" ".join(r["instruction"].split()) for r in outputs}
    scores = []
    undecided = 0
    for r in rows:
        if " ".join(r["instruction"].split()) not in answered:
            continue  # the model has no answer to this prompt in its model_outputs.json
        p = r["preference"]
        if p is None or float(p) == 0.0:
            undecided += 1
            continue
        scores.append(float(p) - 1.0)  # output_2 is the model, output_1 text_davinci_003
    n = len(scores)
    mean = sum(scores) / n
    se = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1)) / math.sqrt(n)
    wins = sum(s > 0.5 for s in scores)
    ties = sum(s == 0.5 for s in scores)
    losses = sum(s < 0.5 for s in scores)
    print(f"{model}: n {n} wins {wins} ties {ties} losses {losses} undecided {undecided} "
          f"win_rate {mean:.10f} std_error {se:.10f}")
