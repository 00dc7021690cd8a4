"""The peer of bench_allreduce: torch.distributed's all_reduce (the Gloo backend, as DDP uses it)
on the same gradient sizes, in 25 MiB buckets, between processes of this machine over loopback.

    python peer_allreduce.py [ranks=2] [iterations=5]

Prints the same columns as bench_allreduce: median time of one step's all-reduce, algorithm and
bus bandwidth, bytes each rank sends. Run with the oracle venv's python (scripts/ladder-env.sh).
"""
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

BUCKET = 25 << 20
SIZES = [("demo tiny model, full", 853376),
         ("Qwen2.5-0.5B, LoRA r=16 all-linear", 8798208),
         ("Qwen2.5-0.5B, full", 494032768)]


def run(rank, ranks, port, iterations):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=ranks)
    for name, params in SIZES:
        grads = [torch.full((min(1 << 20, params - i),), float(rank + 1))
                 for i in range(0, params, 1 << 20)]
        times = []
        for it in range(iterations + 1):
            dist.all_reduce(torch.zeros(1))
            start = time.perf_counter()
            i = 0
            while i < len(grads):  # DDP's buckets: consecutive gradients up to 25 MiB
                j, size = i, 0
                while j < len(grads) and (j == i or size + grads[j].numel() * 4 <= BUCKET):
                    size += grads[j].numel() * 4
                    j += 1
                flat = torch.cat([g.reshape(-1) for g in grads[i:j]])
                dist.all_reduce(flat)
                flat /= ranks
                offset = 0
                for g in grads[i:j]:
                    g.copy_(flat[offset:offset + g.numel()].view_as(g))
                    offset += g.numel()
                i = j
            if it > 0:
                times.append(time.perf_counter() - start)
        times.sort()
        median = times[len(times) // 2]
        nbytes = 4.0 * params
        ring = 2.0 * (ranks - 1) / ranks
        if rank == 0:
            print(f"{'torch ' + name:<40} {params:>11} params {nbytes / 1e6:9.1f} MB  "
                  f"{median * 1e3:9.2f} ms  algbw {nbytes / median / 1e9:7.3f} GB/s  "
                  f"busbw {nbytes * ring / median / 1e9:7.3f} GB/s  sent/step {nbytes * ring / 1e6:9.1f} MB",
                  flush=True)
    dist.destroy_process_group()


def main():
    ranks = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    print(f"torch.distributed {torch.__version__}: all_reduce, Gloo, {ranks} processes, "
          f"median of {iterations}", flush=True)
    mp.spawn(run, args=(ranks, port, iterations), nprocs=ranks)


if __name__ == "__main__":
    main()
