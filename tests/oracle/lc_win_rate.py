"""Oracle: Ladder's length-controlled win rate (core/eval/length_controlled.cpp) against a Python
implementation of the same method written here, on AlpacaEval's own GPT-4 verdicts in ../shared.

AlpacaEval 2's method (Dubois et al. 2024): a logistic regression of the judge's preference for the
model's answer (soft labels: a tie is 0.5) on a model term, tanh(length difference / its sample
standard deviation) and the instruction's difficulty, then the mean prediction with the length
difference set to 0. alpaca_eval's own code cannot run here: it downloads its leaderboard's
instruction difficulties and "gamed" baselines from the Hugging Face Hub. Both sides therefore fit
the same model without those (no instruction term), with an L2 penalty |w|^2 / (2 C), C = 100.
Ladder fits by Newton's method; this script by torch's L-BFGS (strong Wolfe line search, float64),
so only the objective is shared, not the solver.

For each model with verdicts in ../shared (ChatGPT and text-davinci-001 against text-davinci-003),
a workspace gets the judged answers exactly as the judge saw them (the model's as output_2, the
reference's as output_1), ladder-cli eval --judge imported --json scores them, and the length-
controlled win rate, its weights and the counts must equal this script's (win rate and weights
within 1e-6). Also checked: the raw win rate (AlpacaEval's mean preference) and that the length
correction moves the win rate of the model with the longer answers down.
"""
import json
import math
import os
import sys
import tempfile

import oracle

TOLERANCE = 1e-6
C = 100.0
MODELS = ["gpt-3.5-turbo-0301", "text_davinci_001"]
REFERENCE = "text_davinci_003"


def fit(scores, differences):
    """The penalised soft-label logistic fit; returns (lc win rate, model weight, length weight)."""
    import torch

    y = torch.tensor(scores, dtype=torch.float64)
    d = torch.tensor(differences, dtype=torch.float64)
    sd = d.std(unbiased=True)
    x = torch.stack([torch.ones_like(d), torch.tanh(d / sd)], dim=1)
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([w], lr=1.0, max_iter=500, tolerance_grad=1e-12,
                                  tolerance_change=1e-15, history_size=20,
                                  line_search_fn="strong_wolfe")

    def objective():
        optimizer.zero_grad()
        z = x @ w
        loss = (torch.nn.functional.softplus(z) - y * z).sum() + (w * w).sum() / (2 * C)
        loss.backward()
        return loss

    for _ in range(5):
        optimizer.step(objective)
    w = w.detach()
    return float(torch.sigmoid(w[0])), float(w[0]), float(w[1]), float(sd)


def main():
    args = oracle.arguments(__doc__.splitlines()[0])
    folder = oracle.shared_path(args, "data/alpaca_eval")
    failures = 0
    raw_and_lc = {}
    for model in MODELS:
        annotations_path = os.path.join(folder, f"{model}.annotations_gpt4_judge.json")
        with open(annotations_path, encoding="utf-8") as f:
            annotations = json.load(f)
        tmp = tempfile.mkdtemp(dir=args.home)
        reference_file = os.path.join(tmp, f"{REFERENCE}.json")
        model_file = os.path.join(tmp, f"{model}.json")
        with open(reference_file, "w", encoding="utf-8") as f:
            json.dump([{"instruction": a["instruction"], "output": a["output_1"],
                        "generator": REFERENCE, "dataset": a.get("dataset", "")}
                       for a in annotations], f)
        with open(model_file, "w", encoding="utf-8") as f:
            json.dump([{"instruction": a["instruction"], "output": a["output_2"],
                        "generator": model, "dataset": a.get("dataset", "")} for a in annotations],
                      f)
        workspace = os.path.join(tmp, "lc.ladder")
        oracle.ladder_cli(args, "init", workspace)
        oracle.ladder_cli(args, "import", "-w", workspace, reference_file)
        result = json.loads(oracle.ladder_cli(
            args, "eval", "-w", workspace, "--outputs", model_file, "--reference", REFERENCE,
            "--judge", "imported", "--annotations", annotations_path, "--all-prompts",
            "--no-store", "--json"))
        ladder = result["win_rate"]

        scores, differences = [], []
        for a in annotations:
            p = a.get("preference")
            if p is None or (isinstance(p, str) and p.strip() in ("", "None", "nan")):
                continue
            p = float(p)
            if math.isnan(p):
                continue
            scores.append((1.5 if p == 0 else p) - 1.0)  # AlpacaEval: 0 is a draw
            differences.append(len(a["output_2"]) - len(a["output_1"]))
        lc, model_weight, length_weight, sd = fit(scores, differences)
        raw = sum(scores) / len(scores)
        raw_and_lc[model] = (raw, lc, sum(differences) / len(differences))

        ours = ladder["length_controlled"]
        checks = [
            ("decided prompts", ladder["n"], len(scores), 0),
            ("raw win rate", ladder["win_rate"], raw, 1e-12),
            ("length scale (sd)", ours["length_scale"], sd, 1e-9),
            ("length-controlled win rate", ours["win_rate"], lc, TOLERANCE),
            ("model weight", ours["model_weight"], model_weight, TOLERANCE),
            ("length weight", ours["length_weight"], length_weight, TOLERANCE),
        ]
        for name, got, want, tolerance in checks:
            ok = got is not None and abs(got - want) <= tolerance
            print(f"{model}: {name}: ladder {got} oracle {want} (tolerance {tolerance})"
                  f"{'' if ok else '  <-- DIFFERS'}")
            failures += 0 if ok else 1
        if not ours["converged"]:
            print(f"{model}: Ladder's fit did not converge")
            failures += 1

    for model, (raw, lc, mean_difference) in raw_and_lc.items():
        print(f"{model}: win rate {100 * raw:.2f}%, length-controlled {100 * lc:.2f}% "
              f"(answers {mean_difference:+.0f} characters against {REFERENCE}'s)")
    # ChatGPT's answers are longer than davinci-003's on average, davinci-001's shorter: a judge
    # that likes length flatters the first and penalises the second.
    chatgpt, davinci = raw_and_lc["gpt-3.5-turbo-0301"], raw_and_lc["text_davinci_001"]
    if (chatgpt[2] > 0) != (chatgpt[1] < chatgpt[0]) or (davinci[2] < 0) != (davinci[1] > davinci[0]):
        print("the length correction does not move the win rates the way the lengths say")
        failures += 1
    if failures:
        print(f"{failures} differences")
        return 1
    print("length-controlled win rates agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
