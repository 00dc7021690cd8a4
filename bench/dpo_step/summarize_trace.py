#!/usr/bin/env python3
"""Totals a LibTorch profiler trace (Chrome trace JSON, as bench_dpo_step --profile writes it) by op:
self time is the op's time minus the ops it called on the same thread. Prints the top ops.

usage: summarize_trace.py TRACE.json [TOP]
"""
import collections, json, sys

events = json.load(open(sys.argv[1]))
if isinstance(events, dict):
    events = events.get("traceEvents", [])
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
spans = [e for e in events if e.get("ph") == "X"]
by_thread = collections.defaultdict(list)
for e in spans:
    by_thread[e.get("tid")].append(e)
total = collections.Counter()
self_time = collections.Counter()
calls = collections.Counter()
for tid, es in by_thread.items():
    es.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []
    for e in es:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if stack:
            self_time[stack[-1]["name"]] -= e["dur"]
        total[e["name"]] += e["dur"]
        self_time[e["name"]] += e["dur"]
        calls[e["name"]] += 1
        stack.append(e)
wall = sum(self_time.values())
print(f"{'op':48s} {'self ms':>9s} {'share':>6s} {'calls':>6s}")
for name, t in self_time.most_common(top):
    print(f"{name[:48]:48s} {t / 1000:9.1f} {100 * t / wall:5.1f}% {calls[name]:6d}")
print(f"{'all':48s} {wall / 1000:9.1f}")
