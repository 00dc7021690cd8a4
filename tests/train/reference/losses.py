#!/usr/bin/python3
"""Independent values of Ladder's preference losses, computed with PyTorch from their published formulas.

Run with Debian's python3-torch: /usr/bin/python3 tests/train/reference/losses.py
The numbers it prints are stored in tests/train/loss_test.cpp (the test must not need Python).
"""
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=10)
pc = torch.tensor([-12.5, -30.25, -7.0, -55.5], dtype=torch.float64)   # policy chosen (summed log-probs)
pr = torch.tensor([-14.0, -29.0, -9.5, -60.25], dtype=torch.float64)   # policy rejected
rc = torch.tensor([-13.0, -31.0, -7.25, -54.0], dtype=torch.float64)   # reference chosen
rr = torch.tensor([-13.5, -28.5, -9.0, -61.0], dtype=torch.float64)    # reference rejected
nc = torch.tensor([5.0, 12.0, 3.0, 20.0], dtype=torch.float64)         # chosen answer tokens
nr = torch.tensor([6.0, 11.0, 4.0, 22.0], dtype=torch.float64)         # rejected answer tokens

beta, eps, delta, lam = 0.1, 0.2, 1.0, 0.1
h = (pc - rc) - (pr - rr)
out = {
    "sft": (-pc.sum() / nc.sum()).item(),
    "dpo": (-F.logsigmoid(beta * h)).mean().item(),
    "cdpo": (-(1 - eps) * F.logsigmoid(beta * h) - eps * F.logsigmoid(-beta * h)).mean().item(),
    "robust": ((-(1 - eps) * F.logsigmoid(beta * h) + eps * F.logsigmoid(-beta * h)) / (1 - 2 * eps)).mean().item(),
    "ipo": ((((pc - rc) / nc - (pr - rr) / nr) - 1 / (2 * beta)) ** 2).mean().item(),
    "slic": (torch.clamp(delta - (pc - pr), min=0).mean() + lam * (-pc.sum() / nc.sum())).item(),
    "hinge": torch.relu(1 - beta * h).mean().item(),
    "hinge_beta_1": torch.relu(1 - 1.0 * h).mean().item(),  # some pairs past the margin: clipped
}
# Gradient of the DPO loss with respect to the policy's chosen log-probs.
pcg = pc.clone().requires_grad_(True)
(-F.logsigmoid(beta * ((pcg - rc) - (pr - rr)))).mean().backward()
for k, v in out.items():
    print(f"{k} {v:.12f}")
print("dpo_grad_chosen", " ".join(f"{g:.12f}" for g in pcg.grad.tolist()))
