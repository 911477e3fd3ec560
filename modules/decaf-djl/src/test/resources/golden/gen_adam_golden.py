"""Generate golden Adam-family optimizer trajectories for decaf's Java optimizer tests.

Produces ``adam_trajectories.json`` (written next to this script) containing, for a
small fixed set of float32 parameters in two parameter groups ("decay" and
"no_decay"), a fixed sequence of 60 gradients, a warmup + cosine learning-rate
schedule, and the parameter values after every optimizer step for four cases:

  * "adamw"   - torch.optim.AdamW (decoupled weight decay)
  * "adam_l2" - torch.optim.Adam  (weight decay coupled into the gradient, L2)
  * "adamc"   - AdamC (Defazio 2025): AdamW with decay θ ← θ·(1 − λ·γ_t²/γ_max)
  * "adams"   - AdamS / stable weight decay (Xie et al., NeurIPS 2023), by hand

Regenerate from the repository root with:

    /usr/bin/python3 modules/decaf-djl/src/test/resources/golden/gen_adam_golden.py

(Uses Debian's PyTorch; the output is deterministic for a given torch build. The
script also cross-checks the torch trajectories against an independent
float64 numpy re-implementation and fails if they disagree.)
"""

import json
import math
import os

import numpy as np
import torch

SEED = 1234
STEPS = 60

PEAK = 0.05
WARMUP = 10
TOTAL = 60
MIN_RATIO = 0.1
MIN_LR = PEAK * MIN_RATIO

BETAS = (0.8, 0.95)
EPS = 1e-6

GROUPS = {
    "decay": {"weight_decay": 0.1, "lr_scale": 1.0},
    "no_decay": {"weight_decay": 0.0, "lr_scale": 0.5},
}
GROUP_ORDER = ["decay", "no_decay"]

# (name, shape, group), in this order.
PARAM_SPECS = [
    ("encoder.weight", [4, 6], "decay"),
    ("encoder.bias", [6], "no_decay"),
    ("norm.weight", [6], "no_decay"),
    ("head.weight", [6, 5], "decay"),
]

# Per-element gradient factor, cycling over the flat (row-major) index. Combined
# with the per-step scale 10**-(t % 4) this puts gradient magnitudes anywhere
# between ~1e-6 (comparable to eps) and ~10.
ELEMENT_FACTORS = [1.0, 10.0, 0.1, 1e-3]
ZERO_EVERY = 7  # on steps t % 7 == 0, flat element 0 of every gradient is exactly 0

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "adam_trajectories.json")


def lr_at(t):
    """Warmup + cosine schedule; t starts at 1. Pure Python double arithmetic."""
    if t <= WARMUP:
        return PEAK * t / WARMUP
    progress = (t - WARMUP) / (TOTAL - WARMUP)
    return MIN_LR + (PEAK - MIN_LR) * 0.5 * (1.0 + math.cos(math.pi * progress))


def element_factor(shape):
    n = int(np.prod(shape))
    vals = [ELEMENT_FACTORS[k % len(ELEMENT_FACTORS)] for k in range(n)]
    return torch.tensor(vals, dtype=torch.float32).reshape(shape)


def make_data():
    """Initial weights and the full gradient sequence (drawn in a fixed order)."""
    torch.manual_seed(SEED)
    init = {}
    for name, shape, _ in PARAM_SPECS:
        if name == "norm.weight":
            init[name] = 1.0 + 0.1 * torch.randn(shape, dtype=torch.float32)
        else:
            init[name] = torch.randn(shape, dtype=torch.float32) * 0.5
    factors = {name: element_factor(shape) for name, shape, _ in PARAM_SPECS}
    grads = {name: [] for name, _, _ in PARAM_SPECS}
    for t in range(1, STEPS + 1):
        scale_t = 10.0 ** (-(t % 4))
        for name, shape, _ in PARAM_SPECS:
            g = torch.randn(shape, dtype=torch.float32) * scale_t * factors[name]
            if t % ZERO_EVERY == 0:
                g.view(-1)[0] = 0.0
            grads[name].append(g)
    return init, grads


def fresh_params(init):
    return {name: init[name].clone().requires_grad_(True) for name, _, _ in PARAM_SPECS}


def group_param_lists(params):
    return {g: [params[n] for n, _, grp in PARAM_SPECS if grp == g] for g in GROUP_ORDER}


def run_torch_optimizer(kind, init, grads):
    """kind in {"adamw", "adam_l2", "adamc"}; returns {name: [flat list per step]}."""
    params = fresh_params(init)
    plists = group_param_lists(params)
    groups = [
        {"params": plists[g], "lr": PEAK * GROUPS[g]["lr_scale"],
         "weight_decay": GROUPS[g]["weight_decay"], "group_name": g}
        for g in GROUP_ORDER
    ]
    if kind == "adam_l2":
        opt = torch.optim.Adam(groups, betas=BETAS, eps=EPS, amsgrad=False)
    else:
        opt = torch.optim.AdamW(groups, betas=BETAS, eps=EPS, amsgrad=False)
    traj = {name: [] for name, _, _ in PARAM_SPECS}
    for t in range(1, STEPS + 1):
        base_lr = lr_at(t)
        for pg in opt.param_groups:
            gname = pg["group_name"]
            lam = GROUPS[gname]["weight_decay"]
            gamma_t = base_lr * GROUPS[gname]["lr_scale"]
            pg["lr"] = gamma_t
            if kind == "adamc":
                # AdamC: applied decay must be θ ← θ·(1 − λ·γ_t²/γ_max), with γ_max the
                # group's peak lr. torch's AdamW applies θ ← θ·(1 − γ_t·wd), so setting
                # wd = λ·γ_t/γ_max before each step gives exactly that (torch computes
                # 1 − γ_t·wd in double, then multiplies the float32 weights by it).
                gamma_max = PEAK * GROUPS[gname]["lr_scale"]
                pg["weight_decay"] = lam * gamma_t / gamma_max
        for name, _, _ in PARAM_SPECS:
            params[name].grad = grads[name][t - 1].clone()
        opt.step()
        for name, _, _ in PARAM_SPECS:
            traj[name].append(params[name].detach().reshape(-1).tolist())
    return traj


def run_adams(init, grads):
    """AdamS (stable weight decay), float32 torch ops, amsgrad off.

    Mirrors the published algorithm (swd_optim/adams.py): a first pass over ALL
    parameters updates m and v and accumulates the sum of the bias-corrected v̂
    (float32 0-d tensor, one .sum() per parameter, parameters in order) and the
    element count; then denom_mean = sqrt(mean v̂) (mean in float32, sqrt in
    double). Second pass: stable decay θ ← θ·(1 − λ·γ/denom_mean) for groups
    with λ != 0, then θ ← θ − (γ/(1−β1^t))·m/(sqrt(v̂)+eps).
    """
    b1, b2 = BETAS
    params = {name: init[name].clone() for name, _, _ in PARAM_SPECS}
    m = {name: torch.zeros_like(params[name]) for name, _, _ in PARAM_SPECS}
    v = {name: torch.zeros_like(params[name]) for name, _, _ in PARAM_SPECS}
    traj = {name: [] for name, _, _ in PARAM_SPECS}
    with torch.no_grad():
        for t in range(1, STEPS + 1):
            base_lr = lr_at(t)
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            vhat_sum = torch.zeros((), dtype=torch.float32)
            count = 0
            for name, _, _ in PARAM_SPECS:
                g = grads[name][t - 1]
                m[name].mul_(b1).add_(g, alpha=1 - b1)
                v[name].mul_(b2).addcmul_(g, g, value=1 - b2)
                vhat_sum = vhat_sum + (v[name] / bc2).sum()
                count += v[name].numel()
            denom_mean = math.sqrt(float(vhat_sum / count))
            for name, _, gname in PARAM_SPECS:
                lam = GROUPS[gname]["weight_decay"]
                gamma = base_lr * GROUPS[gname]["lr_scale"]
                p = params[name]
                if lam != 0:
                    p.mul_(1 - lam * gamma / denom_mean)
                denom = (v[name] / bc2).sqrt().add(EPS)
                p.addcdiv_(m[name], denom, value=-(gamma / bc1))
            for name, _, _ in PARAM_SPECS:
                traj[name].append(params[name].reshape(-1).tolist())
    return traj


# ---------------------------------------------------------------------------
# Independent float64 numpy references (for self-checking only).
# ---------------------------------------------------------------------------

def np_reference(kind, init, grads):
    b1, b2 = BETAS
    theta = {n: init[n].double().numpy().reshape(-1).copy() for n, _, _ in PARAM_SPECS}
    m = {n: np.zeros_like(theta[n]) for n in theta}
    v = {n: np.zeros_like(theta[n]) for n in theta}
    traj = {n: [] for n in theta}
    for t in range(1, STEPS + 1):
        lr = lr_at(t)
        g_all = {n: grads[n][t - 1].double().numpy().reshape(-1) for n in theta}
        if kind == "adams":
            for n in theta:
                m[n] = b1 * m[n] + (1 - b1) * g_all[n]
                v[n] = b2 * v[n] + (1 - b2) * g_all[n] ** 2
            allv = np.concatenate([v[n] / (1 - b2 ** t) for n, _, _ in PARAM_SPECS])
            dmean = math.sqrt(allv.mean())
        for n, _, gname in PARAM_SPECS:
            lam = GROUPS[gname]["weight_decay"]
            gamma = lr * GROUPS[gname]["lr_scale"]
            g = g_all[n]
            if kind == "adams":
                if lam != 0:
                    theta[n] = theta[n] * (1 - lam * gamma / dmean)
                vhat = v[n] / (1 - b2 ** t)
                theta[n] = theta[n] - (gamma / (1 - b1 ** t)) * m[n] / (np.sqrt(vhat) + EPS)
            else:
                if kind == "adamw":
                    theta[n] = theta[n] * (1 - gamma * lam)
                elif kind == "adamc":
                    gamma_max = PEAK * GROUPS[gname]["lr_scale"]
                    theta[n] = theta[n] * (1 - lam * gamma * gamma / gamma_max)
                elif kind == "adam_l2":
                    g = g + lam * theta[n]
                m[n] = b1 * m[n] + (1 - b1) * g
                v[n] = b2 * v[n] + (1 - b2) * g ** 2
                theta[n] = theta[n] - (gamma / (1 - b1 ** t)) * m[n] / (
                    np.sqrt(v[n]) / math.sqrt(1 - b2 ** t) + EPS)
            traj[n].append(theta[n].copy())
    return traj


def compare(label, traj, ref, rtol=1e-5, atol=1e-6):
    """Checks |a-b| <= atol + rtol*|b| for every element of every step.

    The float32 torch trajectory drifts from the float64 reference by a few float32
    ulps over 60 steps (weights are O(0.1..1), ulp(1) ~ 1.2e-7), so a pure relative
    test cannot hold for elements that pass close to 0; atol = 1e-6 is the floor.
    """
    max_abs = 0.0
    max_rel = 0.0
    n_rel_only_fail = 0
    worst_small = 0.0
    for n, _, _ in PARAM_SPECS:
        a = np.asarray(traj[n], dtype=np.float64)
        b = np.asarray(ref[n], dtype=np.float64)
        diff = np.abs(a - b)
        rel = diff / np.maximum(np.abs(b), 1e-30)
        max_abs = max(max_abs, float(diff.max()))
        max_rel = max(max_rel, float(rel.max()))
        bad_rel = rel > rtol
        n_rel_only_fail += int(bad_rel.sum())
        if bad_rel.any():
            worst_small = max(worst_small, float(np.abs(b[bad_rel]).max()))
        ok = diff <= atol + rtol * np.abs(b)
        assert ok.all(), "%s: %s disagrees with float64 reference (max diff %g)" % (
            label, n, float(diff.max()))
    print("  %-8s vs float64 numpy: max abs err %.3e, max rel err %.3e; %d values exceed "
          "pure rel %g (all with |w| <= %.3e, covered by atol %g)"
          % (label, max_abs, max_rel, n_rel_only_fail, rtol, worst_small, atol))


def max_final_delta(ta, tb, name):
    return float(np.max(np.abs(np.asarray(ta[name][-1]) - np.asarray(tb[name][-1]))))


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    init, grads = make_data()
    cases = {
        "adamw": run_torch_optimizer("adamw", init, grads),
        "adam_l2": run_torch_optimizer("adam_l2", init, grads),
        "adamc": run_torch_optimizer("adamc", init, grads),
        "adams": run_adams(init, grads),
    }

    # ---- sanity checks ----
    print("torch", torch.__version__)
    print("(a) max |final weight difference|:")
    for name, _, gname in PARAM_SPECS:
        d_c = max_final_delta(cases["adamw"], cases["adamc"], name)
        d_l = max_final_delta(cases["adamw"], cases["adam_l2"], name)
        d_s = max_final_delta(cases["adamw"], cases["adams"], name)
        print("  %-15s [%-8s] adamw-adamc %.6e  adamw-adam_l2 %.6e  adamw-adams %.6e"
              % (name, gname, d_c, d_l, d_s))
        if GROUPS[gname]["weight_decay"] != 0:
            assert d_c > 1e-4 and d_l > 1e-4, name
        else:
            # λ = 0: AdamC and AdamW must be bit-identical over the whole trajectory.
            assert cases["adamw"][name] == cases["adamc"][name], name
    print("(b) agreement with independent float64 re-implementations:")
    for kind in ["adamw", "adamc", "adam_l2", "adams"]:
        compare(kind, cases[kind], np_reference(kind, init, grads))

    # ---- output ----
    out = {
        "generator": "gen_adam_golden.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "schedule": {"peak": PEAK, "warmup": WARMUP, "total": TOTAL, "min_ratio": MIN_RATIO,
                     "lr": [lr_at(t) for t in range(1, STEPS + 1)]},
        "betas": list(BETAS),
        "eps": EPS,
        "groups": GROUPS,
        "params": [{"name": n, "shape": s, "group": g, "init": init[n].reshape(-1).tolist()}
                   for n, s, g in PARAM_SPECS],
        "grads": {n: [g.reshape(-1).tolist() for g in grads[n]] for n, _, _ in PARAM_SPECS},
        "adams_note": (
            "Follows the official swd_optim/adams.py (amsgrad=False); no deviation from the "
            "spec. Precision details: v_hat = v / (1 - beta2^t) (division, unlike AdamW's "
            "sqrt(v)/sqrt(1-beta2^t)); sum(v_hat) accumulated as a float32 scalar (one .sum() "
            "per parameter, parameters in listed order), divided by the element count in "
            "float32, then sqrt in double; decay factor 1 - lambda*lr/denom_mean computed in "
            "double and applied as a float32 multiply, before the Adam update."),
        "cases": {k: {"trajectory": cases[k]} for k in ["adamw", "adam_l2", "adamc", "adams"]},
    }
    text = json.dumps(out, separators=(",", ":"), allow_nan=False)
    with open(OUT_PATH, "w") as f:
        f.write(text)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(OUT_PATH), len(text) + 1))


if __name__ == "__main__":
    main()
