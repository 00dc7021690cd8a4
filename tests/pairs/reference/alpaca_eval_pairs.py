#!/usr/bin/env python3
"""Reference figures for PairBuilder on ../shared/data/alpaca_eval, computed independently of Ladder.

Rules (those of core/pairs/pair_builder.cpp, written again here from their description):
- prompts are matched by NFC + white-space-folded instruction (input is empty in AlpacaEval);
- ladder gpt4 > gpt-3.5-turbo-0301 > text_davinci_003 > text_davinci_001, tiers ordered by rank gap
  (largest first), then by the chosen source's rank, then the rejected source's rank;
- per prompt and tier: missing answer, empty answer, identical answers (after normalising), then a
  duplicate (same normalised chosen and rejected text as an earlier tier of the prompt) are dropped;
- split: held out when unit(mix64(fnv1a(match_key))) < 0.05, match_key = norm(instruction) + "\n".
Judge agreement: a verdict agrees when the judge prefers the higher-ranked source's answer.

Run: python3 tests/pairs/reference/alpaca_eval_pairs.py [path/to/alpaca_eval]
"""
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict

SPACE = re.compile("[\t\n\v\f\r \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
MASK = (1 << 64) - 1


def norm(s):
    return SPACE.sub(" ", unicodedata.normalize("NFC", s)).strip(" ")


def fnv1a(b):
    h = 0xCBF29CE484222325
    for c in b:
        h ^= c
        h = (h * 0x100000001B3) & MASK
    return h


def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def heldout(key, fraction=0.05):
    return (mix64(fnv1a(key.encode())) >> 11) * 2.0**-53 < fraction


def main(root):
    ladder = ["gpt4", "gpt-3.5-turbo-0301", "text_davinci_003", "text_davinci_001"]
    answers = defaultdict(dict)  # key -> source -> normalised answer
    for source in ladder:
        for row in json.load(open(f"{root}/{source}.model_outputs.json", encoding="utf-8")):
            key = norm(row["instruction"]) + "\n"
            answers[key].setdefault(row["generator"], norm(row["output"]))
    tiers = [(a, b) for i, a in enumerate(ladder) for j, b in enumerate(ladder) if i < j]
    tiers.sort(key=lambda t: (-(ladder.index(t[1]) - ladder.index(t[0])), ladder.index(t[0]),
                              ladder.index(t[1])))
    pairs, splits, dropped = Counter(), Counter(), defaultdict(Counter)
    for key, by_source in answers.items():
        seen = set()
        for a, b in tiers:
            tier = f"{a}>{b}"
            if a not in by_source and b not in by_source:
                continue
            if a not in by_source or b not in by_source:
                dropped[tier]["missing answer"] += 1
                continue
            ca, cb = by_source[a], by_source[b]
            if not ca or not cb:
                dropped[tier]["empty answer"] += 1
                continue
            if ca == cb:
                dropped[tier]["identical answers"] += 1
                continue
            if (ca, cb) in seen:
                dropped[tier]["duplicate pair"] += 1
                continue
            seen.add((ca, cb))
            pairs[tier] += 1
            splits[tier, "heldout" if heldout(key) else "train"] += 1
    print("prompts", len(answers))
    print("text_davinci_001 answers matched to gpt4 prompts",
          sum(1 for s in answers.values() if "text_davinci_001" in s and "gpt4" in s))
    for a, b in tiers:
        tier = f"{a}>{b}"
        print(f'{{"{tier}", {pairs[tier]}, {splits[tier, "train"]}, {splits[tier, "heldout"]}, '
              f'{dict(dropped[tier])}}},')
    for other in ["gpt-3.5-turbo-0301", "text_davinci_001"]:
        rows = json.load(open(f"{root}/{other}.annotations_gpt4_judge.json", encoding="utf-8"))
        prefs = Counter(r["preference"] for r in rows)
        print(other, "annotations:", len(rows), dict(prefs))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/alpaca_eval")
