"""PyTorch eager baseline for `decaf bench train`: the same GPT-2 as decaf's Gpt2Model, from a
models/*.json config, trained on random tokens with torch.optim.AdamW; prints one RESULT line.
Written the way a careful PyTorch user would: addmm for Conv1D as Hugging Face does, the fused
tanh GELU, split for q/k/v, q scaled before q·kᵀ (as decaf does each).

Run by `decaf bench train` (which sets the environment); by hand:
    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 torch_train_bench.py \
        models/gpt2-4x256.json 8 128 3 10
Debian's python3-torch uses the reference BLAS unless libopenblas0-pthread is installed.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def conv1d(x, w, b):
    """Hugging Face's Conv1D (weight [in, out]) as it computes it: one addmm."""
    return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).view(*x.shape[:-1], w.shape[1])


class Gpt2(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        d, v, p, inner = c["n_embd"], c["vocab_size"], c["n_positions"], c.get("n_inner") or 4 * c["n_embd"]
        self.heads, self.eps = c["n_head"], c.get("layer_norm_epsilon", 1e-5)
        self.drop = (c.get("embd_pdrop", 0.1), c.get("attn_pdrop", 0.1), c.get("resid_pdrop", 0.1))
        n = lambda *s: torch.nn.Parameter(torch.randn(*s) * 0.02)
        self.wte, self.wpe = n(v, d), n(p, d)
        self.layers = torch.nn.ModuleList()
        for _ in range(c["n_layer"]):
            l = torch.nn.Module()
            l.ln1 = torch.nn.LayerNorm(d, eps=self.eps)
            l.attn_w, l.attn_b = n(d, 3 * d), torch.nn.Parameter(torch.zeros(3 * d))
            l.proj_w, l.proj_b = n(d, d), torch.nn.Parameter(torch.zeros(d))
            l.ln2 = torch.nn.LayerNorm(d, eps=self.eps)
            l.fc_w, l.fc_b = n(d, inner), torch.nn.Parameter(torch.zeros(inner))
            l.fcp_w, l.fcp_b = n(inner, d), torch.nn.Parameter(torch.zeros(d))
            self.layers.append(l)
        self.lnf = torch.nn.LayerNorm(d, eps=self.eps)

    def forward(self, ids):
        b, t = ids.shape
        h = F.dropout(self.wte[ids] + self.wpe[:t], self.drop[0], self.training)
        mask = torch.full((t, t), float("-inf")).triu(1)
        for l in self.layers:
            qkv = conv1d(l.ln1(h), l.attn_w, l.attn_b)
            q, k, v = qkv.split(qkv.shape[-1] // 3, dim=-1)
            q, k, v = (x.view(b, t, self.heads, -1).transpose(1, 2) for x in (q, k, v))
            att = F.dropout(torch.softmax((q / math.sqrt(q.shape[-1])) @ k.transpose(-1, -2) + mask, -1),
                            self.drop[1], self.training)
            y = (att @ v).transpose(1, 2).reshape(b, t, -1)
            h = h + F.dropout(conv1d(y, l.proj_w, l.proj_b), self.drop[2], self.training)
            # gelu_new, ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as libtorch's fused kernel (decaf uses it too)
            f = conv1d(F.gelu(conv1d(l.ln2(h), l.fc_w, l.fc_b), approximate="tanh"), l.fcp_w, l.fcp_b)
            h = h + F.dropout(f, self.drop[2], self.training)
        return self.lnf(h) @ self.wte.t()


def main():
    config, batch, seq, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    with open(config) as f:
        c = json.load(f)
    torch.manual_seed(0)
    model = Gpt2(c).train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4)
    fwd, bwd, upd, total = [], [], [], []
    for i in range(-warmup, steps):
        tokens = torch.randint(0, c["vocab_size"], (batch, seq + 1))
        x, y = tokens[:, :-1], tokens[:, 1:]
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x).reshape(-1, c["vocab_size"]), y.reshape(-1))
        loss.item()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad(set_to_none=False)
        t3 = time.perf_counter()
        if i >= 0:
            fwd.append(t1 - t0); bwd.append(t2 - t1); upd.append(t3 - t2); total.append(t3 - t0)
    step = statistics.median(total)
    print("RESULT " + json.dumps({
        "tokens_per_s": batch * seq / step, "step_ms": step * 1e3, "forward_ms": statistics.median(fwd) * 1e3,
        "backward_ms": statistics.median(bwd) * 1e3, "optimizer_ms": statistics.median(upd) * 1e3,
        "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
