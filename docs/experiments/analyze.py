#!/usr/bin/env python3
"""Tables for docs/experiments/*.md from a finished sweep's OUT directory (results.csv, trials/*/run/metrics.jsonl).

    python3 docs/experiments/analyze.py tau   runs/experiments/tau-epoch-vs-data [runs/experiments/tau-epoch-vs-data-seed1]
    python3 docs/experiments/analyze.py grad  runs/experiments/adamc-vs-adamw
    python3 docs/experiments/analyze.py l2    runs/experiments/adamw-vs-l2

The bootstrap interval on an optimum is parametric: each point's mean loss is redrawn with the seed
noise measured where two seeds ran (pooled sample standard deviation of a single run), the optimum of
a parabola in log τ through the lowest point and its two neighbours is found again, 4000 times;
the interval is the 5th to 95th percentile.
"""
import csv
import json
import math
import os
import sys
from collections import defaultdict

import numpy as np


def rows(out):
    with open(os.path.join(out, "results.csv"), newline="") as f:
        return [r for r in csv.DictReader(f) if r["status"] == "done"]


def grouped(dirs, key):
    g = defaultdict(list)
    for d in dirs:
        for r in rows(d):
            g[key(r)].append(r)
    return g


def parabola_min(x, y):
    """The vertex of the parabola through three points (x in log space); the middle x when it opens down."""
    a, b, _ = np.polyfit(x, y, 2)
    if a <= 0:
        return x[1]
    return min(max(-b / (2 * a), x[0]), x[2])


def tau(dirs):
    by = grouped(dirs, lambda r: (float(r["data.fraction"]), float(r["tau_epoch"])))
    sizes = sorted({k[0] for k in by})
    # seed noise: pooled sample std of single runs where a grid point has two or more seeds
    devs = []
    for v in by.values():
        if len(v) > 1:
            losses = [float(r["val_loss"]) for r in v]
            devs.append((np.var(losses, ddof=1), len(losses) - 1))
    sigma = math.sqrt(sum(a * n for a, n in devs) / sum(n for _, n in devs)) if devs else float("nan")
    print(f"seed noise (pooled std of one run's val_loss over {len(devs)} points with 2 seeds): {sigma:.4f}\n")
    print("| data.fraction | N rows | τ_epoch | λ | τ_iter (steps) | val_loss (mean over seeds) | seeds |")
    print("|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    summary = []
    for s in sizes:
        pts = sorted((k[1], v) for k, v in by.items() if k[0] == s)
        taus = np.array([p[0] for p in pts])
        means = np.array([np.mean([float(r["val_loss"]) for r in p[1]]) for p in pts])
        counts = np.array([len(p[1]) for p in pts])
        for (t, v), m in zip(pts, means):
            lam = float(v[0]["lambda"])
            ti = float(v[0]["tau_iter"])
            n_rows = ti * 16 / t if t else float("nan")
            print(f"| {s} | {n_rows:.0f} | {t:g} | {lam:.4g} | {ti:.0f} | {m:.4f} | {len(v)} |")
        i = int(np.argmin(means))
        lo, hi = max(0, i - 1), min(len(taus), i + 2)
        if hi - lo == 3 and math.isfinite(sigma):
            x = np.log(taus[lo:hi])
            best = math.exp(parabola_min(x, means[lo:hi]))
            boots = []
            for _ in range(4000):
                y = means + rng.normal(0, sigma, len(means)) / np.sqrt(counts)
                j = int(np.argmin(y))
                a, b = max(0, j - 1), min(len(taus), j + 2)
                if b - a == 3:
                    boots.append(math.exp(parabola_min(np.log(taus[a:b]), y[a:b])))
                else:
                    boots.append(taus[j])
            ci = (np.percentile(boots, 5), np.percentile(boots, 95))
        elif hi - lo == 3:
            best, ci = math.exp(parabola_min(np.log(taus[lo:hi]), means[lo:hi])), (float("nan"), float("nan"))
        else:
            best, ci = taus[i], (float("nan"), float("nan"))  # at the grid's edge: a bound, not an estimate
        ti_best = float(pts[i][1][0]["tau_iter"]) * best / taus[i]
        summary.append((s, best, ci, ti_best))
    print("\n| data.fraction | optimal τ_epoch (parabola in log τ) | 90% bootstrap interval | optimal τ_iter (steps) |")
    print("|---|---|---|---|")
    for s, best, ci, ti in summary:
        print(f"| {s} | {best:.3g} | {ci[0]:.3g} – {ci[1]:.3g} | {ti:.0f} |")


def metrics(run):
    out = []
    with open(os.path.join(run, "metrics.jsonl")) as f:
        for line in f:
            try:
                m = json.loads(line)
            except ValueError:
                continue
            if "loss" in m and "grad_norm" in m:
                out.append((m["step"], m["grad_norm"]))
    return dict(out)


def grad(dirs):
    by = grouped(dirs, lambda r: (r["optimizer.name"], float(r["optimizer.weight_decay"])))
    print("| optimizer | λ | grad-norm, steps 400–600 | steps 1000–1200 | steps 1800–2000 | last / middle | final val_loss (± std) |")
    print("|---|---|---|---|---|---|---|")
    for (name, lam), v in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        windows = []
        for lo, hi in ((400, 600), (1000, 1200), (1800, 2000)):
            vals = []
            for r in v:
                g = metrics(os.path.join(dirs[0], "trials", r["trial"], "run"))
                vals += [x for s, x in g.items() if lo < s <= hi]
            windows.append(np.mean(vals))
        losses = [float(r["val_loss"]) for r in v]
        sd = np.std(losses, ddof=1) if len(losses) > 1 else float("nan")
        print(f"| {name} | {lam:g} | {windows[0]:.3f} | {windows[1]:.3f} | {windows[2]:.3f} | {windows[2] / windows[1]:.2f} |"
              f" {np.mean(losses):.4f} ± {sd:.4f} |")


def l2(dirs):
    by = grouped(dirs, lambda r: (r["optimizer.name"], float(r["optimizer.weight_decay"])))
    names = sorted({k[0] for k in by})
    lams = sorted({k[1] for k in by})
    print("| λ | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for lam in lams:
        cells = []
        for n in names:
            v = by.get((n, lam))
            cells.append(f"{np.mean([float(r['val_loss']) for r in v]):.4f}" if v else "")
        print(f"| {lam:g} | " + " | ".join(cells) + " |")
    print()
    for n in names:
        best = min(((np.mean([float(r['val_loss']) for r in by[(n, l)]]), l) for l in lams if (n, l) in by))
        print(f"- {n}: best val_loss {best[0]:.4f} at λ = {best[1]:g}")


if __name__ == "__main__":
    {"tau": tau, "grad": grad, "l2": l2}[sys.argv[1]](sys.argv[2:])
