"""Generate golden trajectories of cautious weight decay for decaf's Java optimizer tests.

Cautious weight decay (Chen et al. 2025, "Cautious Weight Decay", arXiv 2510.12402) decays only
the coordinates where the Adam update u and the weight agree in sign:

    theta <- theta - lr_t * (u + lambda * 1[u * theta >= 0] * theta),
    u = m_hat / (sqrt(v_hat) + eps),  theta = theta_{t-1} (before this step).

sqrt(v_hat) + eps > 0, so sign(u) = sign(m_t) and the mask is 1[m_t * theta_{t-1} >= 0]. Where it
is 1 this is AdamW's step (theta * (1 - lr_t * lambda), then the Adam step); where it is 0 there
is no decay. This script writes that formula out with float32 tensor ops (it does not call
torch.optim), in the order of operations of torch.optim.AdamW's single-tensor loop, so the mask
is the only thing that differs from decaf's AdamW. The mask is taken from the product of the
signs, which is exact (a float32 product m * theta could underflow to 0).

Writes ``cautious_trajectories.json`` next to this script: the schedule, the parameters (three
tensors with mixed signs, in two groups), the gradients, the weights after every step, and how
many coordinates the mask left undecayed at every step. Regenerate from the repository root:

    /usr/bin/python3 modules/decaf-djl/src/test/resources/golden/gen_cautious_golden.py

The script checks itself: the trajectories agree with an independent float64 numpy
implementation (mask from u * theta >= 0 as the paper writes it), the mask has both 0s and 1s,
and the run differs from plain AdamW (so the mask matters at this lambda).
"""

import json
import math
import os

import numpy as np
import torch

SEED = 2510
STEPS = 30

PEAK = 0.05
WARMUP = 5
TOTAL = 30
MIN_RATIO = 0.1
MIN_LR = PEAK * MIN_RATIO

BETAS = (0.9, 0.99)
EPS = 1e-8

# lambda large enough that lr * lambda (up to 0.025 per step) moves weights visibly.
GROUPS = {
    "decay": {"weight_decay": 0.5, "lr_scale": 1.0},
    "half": {"weight_decay": 0.2, "lr_scale": 0.5},
}

# (name, shape, group). Sizes are not multiples of 4, 8 or 16, so the vector kernel runs full
# lanes and a scalar tail on any CPU.
PARAM_SPECS = [
    ("layer.weight", [5, 7], "decay"),
    ("proj.weight", [3, 11], "decay"),
    ("head.weight", [19], "half"),
]

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "cautious_trajectories.json")


def lr_at(t):
    """Linear warm-up to PEAK over WARMUP steps, then cosine to MIN_LR at TOTAL; t starts at 1."""
    if t <= WARMUP:
        return PEAK * t / WARMUP
    progress = (t - WARMUP) / (TOTAL - WARMUP)
    return MIN_LR + (PEAK - MIN_LR) * 0.5 * (1.0 + math.cos(math.pi * progress))


def make_data():
    """Initial weights (mixed signs) and gradients: a pull towards a random target plus noise,
    so the update agrees with the weight's sign on some coordinates and not on others. At step 1
    flat element 0 of every gradient is exactly 0 (m = 0 there: the mask is 1, m * theta = 0)."""
    torch.manual_seed(SEED)
    init = {n: torch.randn(s, dtype=torch.float32) * 0.5 for n, s, _ in PARAM_SPECS}
    target = {n: torch.randn(s, dtype=torch.float32) * 0.5 for n, s, _ in PARAM_SPECS}
    noise = {n: [torch.randn(s, dtype=torch.float32) for _ in range(STEPS)] for n, s, _ in PARAM_SPECS}
    return init, target, noise


def gradient(theta, target, noise_t):
    """g = (theta - target) + 0.3 * noise: the gradient of 0.5 * |theta - target|^2, noisy."""
    return (theta - target) + 0.3 * noise_t


def run_torch(init, target, noise, cautious=True):
    """Float32 tensor ops, no torch.optim. Returns trajectories, gradients and mask counts."""
    b1, b2 = BETAS
    theta = {n: init[n].clone() for n, _, _ in PARAM_SPECS}
    m = {n: torch.zeros_like(theta[n]) for n in theta}
    v = {n: torch.zeros_like(theta[n]) for n in theta}
    traj = {n: [] for n in theta}
    grads = {n: [] for n in theta}
    undecayed = []
    with torch.no_grad():
        for t in range(1, STEPS + 1):
            base_lr = lr_at(t)
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            off = 0
            for n, _, gname in PARAM_SPECS:
                g = gradient(theta[n], target[n], noise[n][t - 1])
                if t == 1:
                    g.view(-1)[0] = 0.0
                grads[n].append(g.reshape(-1).tolist())
                lam = GROUPS[gname]["weight_decay"]
                lr = base_lr * GROUPS[gname]["lr_scale"]
                m[n].mul_(b1).add_(g, alpha=1 - b1)
                v[n].mul_(b2).addcmul_(g, g, value=1 - b2)
                # the decay acts on theta_{t-1}; the mask needs m_t, so it is applied here
                factor = torch.full_like(theta[n], 1 - lr * lam)
                if cautious:
                    agree = (torch.sign(m[n]) * torch.sign(theta[n])) >= 0
                    factor[~agree] = 1.0
                    off += int((~agree).sum())
                theta[n].mul_(factor)
                denom = (v[n].sqrt() / math.sqrt(bc2)).add_(EPS)
                theta[n].addcdiv_(m[n], denom, value=-(lr / bc1))
                traj[n].append(theta[n].reshape(-1).tolist())
            undecayed.append(off)
    return traj, grads, undecayed


def np_reference(init, grads):
    """Float64, the paper's formula as written: theta - lr * (u + lambda * 1[u * theta >= 0] * theta),
    with u = m_hat / (sqrt(v_hat) + eps); replays the float32 run's gradients."""
    b1, b2 = BETAS
    theta = {n: init[n].double().numpy().reshape(-1).copy() for n, _, _ in PARAM_SPECS}
    m = {n: np.zeros_like(theta[n]) for n in theta}
    v = {n: np.zeros_like(theta[n]) for n in theta}
    traj = {n: [] for n in theta}
    for t in range(1, STEPS + 1):
        for n, _, gname in PARAM_SPECS:
            lam = GROUPS[gname]["weight_decay"]
            lr = lr_at(t) * GROUPS[gname]["lr_scale"]
            g = np.asarray(grads[n][t - 1], dtype=np.float64)
            m[n] = b1 * m[n] + (1 - b1) * g
            v[n] = b2 * v[n] + (1 - b2) * g * g
            u = (m[n] / (1 - b1 ** t)) / (np.sqrt(v[n] / (1 - b2 ** t)) + EPS)
            mask = (u * theta[n] >= 0).astype(np.float64)
            theta[n] = theta[n] - lr * (u + lam * mask * theta[n])
            traj[n].append(theta[n].copy())
    return traj


def compare(traj, ref, rtol=1e-5, atol=1e-6):
    worst = 0.0
    for n, _, _ in PARAM_SPECS:
        a = np.asarray(traj[n], dtype=np.float64)
        b = np.asarray(ref[n], dtype=np.float64)
        diff = np.abs(a - b)
        assert (diff <= atol + rtol * np.abs(b)).all(), "%s disagrees with the float64 reference (max %g)" % (
            n, float(diff.max()))
        worst = max(worst, float(diff.max()))
    print("float32 torch vs float64 numpy: max abs err %.3e" % worst)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    init, target, noise = make_data()
    traj, grads, undecayed = run_torch(init, target, noise)
    total = sum(int(np.prod(s)) for _, s, _ in PARAM_SPECS)

    print("torch", torch.__version__)
    print("coordinates not decayed per step (of %d):" % total, undecayed)
    assert all(0 < k < total for k in undecayed[1:]), "the mask must have both 0s and 1s"
    assert sum(undecayed) > STEPS * total // 10, "the mask must matter (>= 10% undecayed)"
    compare(traj, np_reference(init, grads))
    # AdamW on the same gradients (decay everywhere) must end elsewhere: the mask matters.
    plain = np_reference_adamw(init, grads)
    d = max(float(np.max(np.abs(np.asarray(traj[n][-1]) - plain[n][-1]))) for n, _, _ in PARAM_SPECS)
    print("max |cautious - adamw| after the last step: %.3e" % d)
    assert d > 1e-3

    out = {
        "generator": "gen_cautious_golden.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "schedule": {"peak": PEAK, "warmup": WARMUP, "total": TOTAL, "min_ratio": MIN_RATIO,
                     "lr": [lr_at(t) for t in range(1, STEPS + 1)]},
        "betas": list(BETAS),
        "eps": EPS,
        "groups": GROUPS,
        "params": [{"name": n, "shape": s, "group": g, "init": init[n].reshape(-1).tolist()}
                   for n, s, g in PARAM_SPECS],
        "grads": grads,
        "undecayed_per_step": undecayed,
        "cases": {"cautious": {"trajectory": traj}},
    }
    text = json.dumps(out, separators=(",", ":"), allow_nan=False)
    with open(OUT_PATH, "w") as f:
        f.write(text)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(OUT_PATH), len(text) + 1))


def np_reference_adamw(init, grads):
    """Float64 AdamW on the same gradients, for the check that the mask changes the result."""
    b1, b2 = BETAS
    theta = {n: init[n].double().numpy().reshape(-1).copy() for n, _, _ in PARAM_SPECS}
    m = {n: np.zeros_like(theta[n]) for n in theta}
    v = {n: np.zeros_like(theta[n]) for n in theta}
    for t in range(1, STEPS + 1):
        for n, _, gname in PARAM_SPECS:
            lam = GROUPS[gname]["weight_decay"]
            lr = lr_at(t) * GROUPS[gname]["lr_scale"]
            g = np.asarray(grads[n][t - 1], dtype=np.float64)
            m[n] = b1 * m[n] + (1 - b1) * g
            v[n] = b2 * v[n] + (1 - b2) * g * g
            u = (m[n] / (1 - b1 ** t)) / (np.sqrt(v[n] / (1 - b2 ** t)) + EPS)
            theta[n] = theta[n] - lr * (u + lam * theta[n])
    return theta


if __name__ == "__main__":
    main()
