#!/usr/bin/env python3
"""Reference batches for CurriculumSampler, from the algorithm as documented in
core/curriculum/curriculum_sampler.h, written again here without Ladder's code:

- keyed(seed, a, b, c) = mix64(mix64(mix64(mix64(seed) ^ a) ^ b) ^ c), mix64 = SplitMix64's finaliser
  (with the golden-ratio increment); a Stream returns mix64(state) and adds the increment;
- a batch at step s: shares from the curriculum (blend: alpha = steps into the stage / blend steps),
  u = unit(keyed(seed, "batch", s)); slot k takes the tier whose cumulative share (tiers sorted by
  name) first exceeds (k + u) / B;
- a tier's pass p is the Fisher-Yates shuffle of its items with Stream(keyed(seed, "shuf",
  fnv1a(tier), p)), j = below(i) for i = n .. 2 (rejection sampling against modulo bias).

The scenario is the one of CurriculumSampler_MatchesIndependentReference in sampler_test.cpp.
Run: python3 tests/curriculum/reference/sampler_reference.py
"""
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
BATCH_STREAM = 0x6261746368
SHUFFLE_STREAM = 0x73687566


def mix64(x):
    x = (x + GOLDEN) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def keyed(seed, a, b=0, c=0):
    return mix64(mix64(mix64(mix64(seed) ^ a) ^ b) ^ c)


def fnv1a(s):
    h = 0xCBF29CE484222325
    for ch in s.encode():
        h = ((h ^ ch) * 0x100000001B3) & MASK
    return h


def unit(bits):
    return (bits >> 11) * 2.0**-53


class Stream:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        out = mix64(self.state)
        self.state = (self.state + GOLDEN) & MASK
        return out

    def below(self, n):
        limit = MASK - (MASK % n)
        r = self.next()
        while r >= limit:
            r = self.next()
        return r % n


def shares_of(weights):
    total = sum(w for w in weights.values() if w > 0)
    return {t: w / total for t, w in sorted(weights.items()) if w > 0}


def share_at(stages, step):
    start = 0
    for i, (length, weights, blend) in enumerate(stages):
        if step < start + length or i == len(stages) - 1:
            into = step - start
            shares = shares_of(weights)
            if i == 0 or blend <= 0 or into >= blend:
                return shares
            alpha = into / blend
            mixed = {}
            for t, s in shares_of(stages[i - 1][1]).items():
                mixed[t] = mixed.get(t, 0.0) + (1.0 - alpha) * s
            for t, s in shares.items():
                mixed[t] = mixed.get(t, 0.0) + alpha * s
            return {t: s for t, s in sorted(mixed.items()) if s > 0}
        start += length


def batches(stages, items, seed, batch, steps):
    cursor = {t: [0, 0] for t in items}  # pass, offset
    orders = {}
    out = []
    for step in range(steps):
        shares = share_at(stages, step)
        u = unit(keyed(seed, BATCH_STREAM, step))
        names = list(shares)
        idx, cumulative = 0, shares[names[0]]
        row = []
        for k in range(batch):
            point = (k + u) / batch
            while point >= cumulative and idx + 1 < len(names):
                idx += 1
                cumulative += shares[names[idx]]
            tier = names[idx]
            p, off = cursor[tier]
            if orders.get(tier, (None,))[0] != p:
                order = list(items[tier])
                rng = Stream(keyed(seed, SHUFFLE_STREAM, fnv1a(tier), p))
                for i in range(len(order), 1, -1):
                    j = rng.below(i)
                    order[i - 1], order[j] = order[j], order[i - 1]
                orders[tier] = (p, order)
            row.append(orders[tier][1][off])
            off += 1
            if off == len(items[tier]):
                p, off = p + 1, 0
            cursor[tier] = [p, off]
        out.append(row)
    return out


if __name__ == "__main__":
    stages = [(3, {"easy": 1.0}, 0), (4, {"easy": 1.0, "hard": 3.0}, 2)]
    items = {"easy": [0, 1, 2, 3, 4], "hard": [100, 101, 102, 103, 104, 105, 106]}
    for row in batches(stages, items, seed=42, batch=4, steps=7):
        print("{" + ", ".join(str(x) for x in row) + "},")
