#!/usr/bin/python3
"""Generate independent golden values for decaf's GPT-2 and Llama decoders.

What it generates
-----------------
Next to this script, three tiny model directories in Hugging Face layout:

  gpt2-tiny/        GPT-2 (Conv1D [in, out] weights, tied lm_head), F32 tensors
  llama-tiny/       Llama with grouped-query attention + RoPE, F32 tensors
  llama-tiny-bf16/  the same Llama weights rounded to bfloat16, BF16 tensors

each containing

  config.json        Hugging Face config (GPT2Config / LlamaConfig keys)
  model.safetensors  weights with the exact Hugging Face tensor names
  expected.json      {"input_ids": [B][T], "logits": [B][T][V]}  (B=2, T=12)

The forward passes are written from scratch in PyTorch (no `transformers`),
in eval mode (no dropout), in float32.  For llama-tiny-bf16 the expected
logits are computed in float32 from the bf16-rounded weights upcast to
float32.  Positions always start at 0 for each sequence.

The safetensors writer is implemented here by hand (8-byte little-endian
header length, JSON header padded with spaces to a multiple of 8, then the
tensor bytes contiguously in header order) and verified by re-reading.

Self-checks (assertions): safetensors round trip is bitwise exact; torch's
bf16 rounding equals an explicit round-to-nearest-even on the bit pattern;
GPT-2 and Llama logits are causal (changing later tokens leaves earlier
logits unchanged); Llama RoPE is relative (shifting all positions by a
constant leaves layer-0 attention scores unchanged); the float32 forward
agrees with a float64 forward of the same weights.

Optionally (``--write-model-configs``) it also (re)writes the model configs
in <repo>/models/*.json and prints their parameter counts; without the flag
it only prints the parameter counts.

Run from the repository root (deterministic: torch.manual_seed):

  /usr/bin/python3 modules/decaf-models/src/test/resources/golden/models/gen_model_golden.py

Output paths are relative to this script file, not to the working directory.
Requires PyTorch (Debian's torch 1.13 works) and numpy.
"""

import json
import math
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# <repo>/modules/decaf-models/src/test/resources/golden/models -> <repo>
REPO_ROOT = os.path.abspath(os.path.join(HERE, *([os.pardir] * 7)))

BATCH = 2
SEQ = 12
STD = 0.2  # deliberately larger than HF's 0.02 so wiring errors show in logits

# ---------------------------------------------------------------------------
# Configs
# ---------------------------------------------------------------------------

GPT2_TINY = {
    "model_type": "gpt2",
    "architectures": ["GPT2LMHeadModel"],
    "vocab_size": 96,
    "n_positions": 64,
    "n_embd": 32,
    "n_layer": 2,
    "n_head": 4,
    "n_inner": None,
    "activation_function": "gelu_new",
    "layer_norm_epsilon": 1e-5,
    "resid_pdrop": 0.1,
    "embd_pdrop": 0.1,
    "attn_pdrop": 0.1,
    "initializer_range": 0.02,
    "tie_word_embeddings": True,
    "bos_token_id": 95,
    "eos_token_id": 95,
    "torch_dtype": "float32",
}

LLAMA_TINY = {
    "model_type": "llama",
    "architectures": ["LlamaForCausalLM"],
    "vocab_size": 96,
    "hidden_size": 32,
    "intermediate_size": 88,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 64,
    "rms_norm_eps": 1e-6,
    "rope_theta": 5000.0,
    "hidden_act": "silu",
    "tie_word_embeddings": False,
    "attention_bias": False,
    "mlp_bias": False,
    "bos_token_id": 0,
    "eos_token_id": 1,
    "torch_dtype": "float32",
}

GPT2_SMALL = dict(GPT2_TINY, **{
    "vocab_size": 50257,
    "n_positions": 1024,
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
    "bos_token_id": 50256,
    "eos_token_id": 50256,
})

GPT2_4X256 = dict(GPT2_TINY, **{
    "vocab_size": 50257,
    "n_positions": 128,
    "n_embd": 256,
    "n_layer": 4,
    "n_head": 8,
    "resid_pdrop": 0.0,
    "embd_pdrop": 0.0,
    "attn_pdrop": 0.0,
    "bos_token_id": 50256,
    "eos_token_id": 50256,
})

# hidden 768, 12 layers, 12 heads (head_dim 64), 4 kv heads, vocab 32000.
# The untied 32000x768 embedding + lm_head alone are 49.15M parameters, so
# intermediate_size 2048 would give 124.7M; 1152 (= 18*64 = 1.5*hidden) gives
# 99,896,064, the multiple of 64 closest to 100M.
LLAMA_100M = dict(LLAMA_TINY, **{
    "vocab_size": 32000,
    "hidden_size": 768,
    "intermediate_size": 1152,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "num_key_value_heads": 4,
    "max_position_embeddings": 2048,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "bos_token_id": 1,
    "eos_token_id": 2,
})


def gpt2_param_count(c):
    d, v, p, n = c["n_embd"], c["vocab_size"], c["n_positions"], c["n_layer"]
    inner = c["n_inner"] if c["n_inner"] is not None else 4 * d
    per_layer = (
        2 * d  # ln_1
        + d * 3 * d + 3 * d  # c_attn
        + d * d + d  # attn.c_proj
        + 2 * d  # ln_2
        + d * inner + inner  # c_fc
        + inner * d + d  # mlp.c_proj
    )
    total = v * d + p * d + n * per_layer + 2 * d
    if not c["tie_word_embeddings"]:
        total += v * d
    return total


def llama_param_count(c):
    d, v, n = c["hidden_size"], c["vocab_size"], c["num_hidden_layers"]
    h, kv, inter = c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"]
    hd = d // h
    per_layer = (
        d  # input_layernorm
        + d * h * hd + 2 * d * kv * hd + h * hd * d  # q, k, v, o
        + d  # post_attention_layernorm
        + 3 * d * inter  # gate, up, down
    )
    total = v * d + n * per_layer + d
    if not c["tie_word_embeddings"]:
        total += v * d
    return total


# ---------------------------------------------------------------------------
# safetensors (hand-written writer and reader)
# ---------------------------------------------------------------------------

_ST_DTYPES = {
    torch.float32: ("F32", 4),
    torch.bfloat16: ("BF16", 2),
}


def tensor_bytes(t):
    """Raw little-endian bytes of a contiguous F32 or BF16 tensor."""
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4", copy=False).tobytes()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2", copy=False).tobytes()
    raise ValueError("unsupported dtype %s" % t.dtype)


def write_safetensors(path, tensors):
    """tensors: list of (name, tensor) in the order they are laid out."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors:
        dtype, _ = _ST_DTYPES[t.dtype]
        b = tensor_bytes(t)
        header[name] = {
            "dtype": dtype,
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(b)],
        }
        blobs.append(b)
        offset += len(b)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Independent re-reader: returns (ordered list of names, {name: tensor})."""
    with open(path, "rb") as f:
        data = f.read()
    (hlen,) = struct.unpack("<Q", data[:8])
    assert hlen % 8 == 0, "header length not a multiple of 8"
    header = json.loads(data[8:8 + hlen].decode("utf-8"))
    assert header.pop("__metadata__") == {"format": "pt"}
    body = data[8 + hlen:]
    out = {}
    expected_begin = 0
    for name, info in header.items():
        begin, end = info["data_offsets"]
        assert begin == expected_begin, "tensors not contiguous / not in header order"
        expected_begin = end
        raw = body[begin:end]
        if info["dtype"] == "F32":
            arr = np.frombuffer(raw, dtype="<f4").copy()
            t = torch.from_numpy(arr)
        elif info["dtype"] == "BF16":
            arr = np.frombuffer(raw, dtype="<i2").copy()
            t = torch.from_numpy(arr).view(torch.bfloat16)
        else:
            raise ValueError(info["dtype"])
        out[name] = t.reshape(info["shape"])
    assert expected_begin == len(body), "trailing bytes after last tensor"
    return list(header.keys()), out


def check_safetensors_roundtrip(path, tensors):
    names, loaded = read_safetensors(path)
    assert names == [n for n, _ in tensors], "tensor order differs"
    for name, t in tensors:
        r = loaded[name]
        assert r.dtype == t.dtype and tuple(r.shape) == tuple(t.shape), name
        if t.dtype == torch.float32:
            same = torch.equal(r.view(torch.int32), t.contiguous().view(torch.int32))
        else:
            same = torch.equal(r.view(torch.int16), t.contiguous().view(torch.int16))
        assert same, "bitwise mismatch for " + name


def bf16_round_reference(x):
    """Explicit round-to-nearest-even of float32 -> upper 16 bits (finite inputs)."""
    bits = x.contiguous().view(torch.int32).to(torch.int64) & 0xFFFFFFFF
    lsb = (bits >> 16) & 1
    rounded = (bits + 0x7FFF + lsb) >> 16
    rounded = rounded & 0xFFFF
    # to signed int16 bit pattern
    rounded = torch.where(rounded >= 0x8000, rounded - 0x10000, rounded)
    return rounded.to(torch.int16)


# ---------------------------------------------------------------------------
# Weight initialisation
# ---------------------------------------------------------------------------


def randn(*shape, std=1.0):
    return torch.randn(*shape, dtype=torch.float32) * std


def init_gpt2(c):
    d, v, p = c["n_embd"], c["vocab_size"], c["n_positions"]
    inner = c["n_inner"] if c["n_inner"] is not None else 4 * d
    w = [
        ("transformer.wte.weight", randn(v, d, std=STD)),
        ("transformer.wpe.weight", randn(p, d, std=STD)),
    ]
    for i in range(c["n_layer"]):
        pre = "transformer.h.%d." % i
        w += [
            (pre + "ln_1.weight", 1.0 + randn(d, std=0.1)),
            (pre + "ln_1.bias", randn(d, std=0.1)),
            (pre + "attn.c_attn.weight", randn(d, 3 * d, std=STD)),
            (pre + "attn.c_attn.bias", randn(3 * d, std=0.1)),
            (pre + "attn.c_proj.weight", randn(d, d, std=STD)),
            (pre + "attn.c_proj.bias", randn(d, std=0.1)),
            (pre + "ln_2.weight", 1.0 + randn(d, std=0.1)),
            (pre + "ln_2.bias", randn(d, std=0.1)),
            (pre + "mlp.c_fc.weight", randn(d, inner, std=STD)),
            (pre + "mlp.c_fc.bias", randn(inner, std=0.1)),
            (pre + "mlp.c_proj.weight", randn(inner, d, std=STD)),
            (pre + "mlp.c_proj.bias", randn(d, std=0.1)),
        ]
    w += [
        ("transformer.ln_f.weight", 1.0 + randn(d, std=0.1)),
        ("transformer.ln_f.bias", randn(d, std=0.1)),
    ]
    return w


def init_llama(c):
    d, v, inter = c["hidden_size"], c["vocab_size"], c["intermediate_size"]
    h, kv = c["num_attention_heads"], c["num_key_value_heads"]
    hd = d // h
    w = [("model.embed_tokens.weight", randn(v, d, std=STD))]
    for i in range(c["num_hidden_layers"]):
        pre = "model.layers.%d." % i
        w += [
            (pre + "input_layernorm.weight", 1.0 + randn(d, std=0.1)),
            (pre + "self_attn.q_proj.weight", randn(h * hd, d, std=STD)),
            (pre + "self_attn.k_proj.weight", randn(kv * hd, d, std=STD)),
            (pre + "self_attn.v_proj.weight", randn(kv * hd, d, std=STD)),
            (pre + "self_attn.o_proj.weight", randn(d, h * hd, std=STD)),
            (pre + "post_attention_layernorm.weight", 1.0 + randn(d, std=0.1)),
            (pre + "mlp.gate_proj.weight", randn(inter, d, std=STD)),
            (pre + "mlp.up_proj.weight", randn(inter, d, std=STD)),
            (pre + "mlp.down_proj.weight", randn(d, inter, std=STD)),
        ]
    w += [
        ("model.norm.weight", 1.0 + randn(d, std=0.1)),
        ("lm_head.weight", randn(v, d, std=STD)),
    ]
    return w


# ---------------------------------------------------------------------------
# Reference forward passes (from scratch)
# ---------------------------------------------------------------------------


def causal_mask(t, dtype):
    m = torch.full((t, t), float("-inf"), dtype=dtype)
    return torch.triu(m, diagonal=1)  # 0 on/below diagonal, -inf above


def layer_norm(x, w, b, eps):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)  # biased variance
    return (x - mean) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def gpt2_forward(c, w, ids, dtype=torch.float32):
    w = {k: v.to(dtype) for k, v in w.items()}
    b, t = ids.shape
    d, nh = c["n_embd"], c["n_head"]
    hd = d // nh
    eps = c["layer_norm_epsilon"]
    pos = torch.arange(t)
    h = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][pos][None]
    mask = causal_mask(t, dtype)
    for i in range(c["n_layer"]):
        p = "transformer.h.%d." % i
        a = layer_norm(h, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=-1)
        q = q.reshape(b, t, nh, hd).transpose(1, 2)
        k = k.reshape(b, t, nh, hd).transpose(1, 2)
        v = v.reshape(b, t, nh, hd).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        att = torch.softmax(scores, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        h = h + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = layer_norm(h, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        f = gelu_new(m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        h = h + f @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    h = layer_norm(h, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
    return h @ w["transformer.wte.weight"].T


def rms_norm(x, wt, eps):
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * wt


def rope_cos_sin(positions, hd, theta, dtype):
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).to(dtype) / hd))
    freqs = torch.outer(positions.to(dtype), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def llama_qk(c, w, i, a, positions, dtype):
    """Projected, RoPE-rotated q [B,H,T,hd] and k [B,KV,T,hd], plus v."""
    b, t, _ = a.shape
    d, nh, nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd = d // nh
    p = "model.layers.%d." % i
    q = (a @ w[p + "self_attn.q_proj.weight"].T).reshape(b, t, nh, hd).transpose(1, 2)
    k = (a @ w[p + "self_attn.k_proj.weight"].T).reshape(b, t, nkv, hd).transpose(1, 2)
    v = (a @ w[p + "self_attn.v_proj.weight"].T).reshape(b, t, nkv, hd).transpose(1, 2)
    cos, sin = rope_cos_sin(positions, hd, c["rope_theta"], dtype)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    return q, k, v


def llama_forward(c, w, ids, dtype=torch.float32, pos_offset=0):
    w = {k: v.to(dtype) for k, v in w.items()}
    b, t = ids.shape
    d, nh, nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd = d // nh
    rep = nh // nkv
    eps = c["rms_norm_eps"]
    positions = torch.arange(t) + pos_offset
    mask = causal_mask(t, dtype)
    h = w["model.embed_tokens.weight"][ids]
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        a = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q, k, v = llama_qk(c, w, i, a, positions, dtype)
        # query head j uses kv head j // rep
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        att = torch.softmax(scores, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, nh * hd)
        h = h + y @ w[p + "self_attn.o_proj.weight"].T
        m = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        g = torch.nn.functional.silu(m @ w[p + "mlp.gate_proj.weight"].T)
        u = m @ w[p + "mlp.up_proj.weight"].T
        h = h + (g * u) @ w[p + "mlp.down_proj.weight"].T
    h = rms_norm(h, w["model.norm.weight"], eps)
    return h @ w["lm_head.weight"].T


# ---------------------------------------------------------------------------
# Self-checks
# ---------------------------------------------------------------------------


def check_causal(forward, c, w, ids, vocab, name):
    base = forward(c, w, ids)
    gen = torch.Generator().manual_seed(1234)
    t = ids.shape[1]
    for cut in (0, 3, t // 2, t - 2):
        changed = ids.clone()
        changed[:, cut + 1:] = torch.randint(0, vocab, (ids.shape[0], t - cut - 1), generator=gen)
        assert not torch.equal(changed[:, cut + 1:], ids[:, cut + 1:])
        other = forward(c, w, changed)
        diff = (other[:, :cut + 1] - base[:, :cut + 1]).abs().max().item()
        assert diff <= 1e-6, "%s not causal at cut %d: %g" % (name, cut, diff)
        later = (other[:, cut + 1:] - base[:, cut + 1:]).abs().max().item()
        assert later > 1e-3, "%s: later tokens had no effect (%g)" % (name, later)
    print("  causal check ok (%s)" % name)


def check_rope_shift(c, w, ids):
    """Shifting all positions by a constant leaves layer-0 attention scores unchanged."""
    t = ids.shape[1]
    a = rms_norm(w["model.embed_tokens.weight"][ids], w["model.layers.0.input_layernorm.weight"],
                 c["rms_norm_eps"])
    rep = c["num_attention_heads"] // c["num_key_value_heads"]

    def scores(offset):
        q, k, _ = llama_qk(c, w, 0, a, torch.arange(t) + offset, torch.float32)
        return q @ k.repeat_interleave(rep, dim=1).transpose(-1, -2)

    base = scores(0)
    for offset in (1, 5, 17, c["max_position_embeddings"] - t):
        diff = (scores(offset) - base).abs().max().item()
        assert diff <= 1e-4, "RoPE shift changed scores by %g (offset %d)" % (diff, offset)
    # sanity: RoPE actually does something (rotated scores differ from unrotated)
    d = c["hidden_size"]
    p = "model.layers.0."
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    hd = d // nh
    q0 = (a @ w[p + "self_attn.q_proj.weight"].T).reshape(a.shape[0], t, nh, hd).transpose(1, 2)
    k0 = (a @ w[p + "self_attn.k_proj.weight"].T).reshape(a.shape[0], t, nkv, hd).transpose(1, 2)
    plain = q0 @ k0.repeat_interleave(rep, dim=1).transpose(-1, -2)
    assert (plain - base).abs().max().item() > 1e-2, "RoPE had no effect"
    print("  RoPE shift-invariance check ok")


def check_f64(forward, c, w, ids, logits, name):
    ref = forward(c, w, ids, dtype=torch.float64)
    diff = (ref - logits.double()).abs().max().item()
    assert diff < 1e-5, "%s float32 vs float64 differ by %g" % (name, diff)
    print("  float32 vs float64 max |diff| = %.3g (%s)" % (diff, name))


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def write_config(path, cfg):
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def write_model_dir(name, cfg, tensors, ids, logits):
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    write_config(os.path.join(out, "config.json"), cfg)
    st = os.path.join(out, "model.safetensors")
    write_safetensors(st, tensors)
    check_safetensors_roundtrip(st, tensors)
    print("  safetensors round trip ok (%s)" % name)
    assert logits.dtype == torch.float32 and tuple(logits.shape) == (BATCH, SEQ, cfg["vocab_size"])
    assert torch.isfinite(logits).all()
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"input_ids": ids.tolist(), "logits": logits.tolist()}, f,
                  separators=(",", ":"))
        f.write("\n")
    print("  wrote %s (logits std %.3f, max |logit| %.3f)"
          % (out, logits.std().item(), logits.abs().max().item()))


def main():
    torch.manual_seed(20240517)
    torch.set_num_threads(1)  # deterministic reductions

    # -- GPT-2 tiny ---------------------------------------------------------
    print("gpt2-tiny: %d parameters" % gpt2_param_count(GPT2_TINY))
    gw = init_gpt2(GPT2_TINY)
    assert sum(t.numel() for _, t in gw) == gpt2_param_count(GPT2_TINY)
    gd = dict(gw)
    g_ids = torch.randint(0, GPT2_TINY["vocab_size"], (BATCH, SEQ))
    with torch.no_grad():
        g_logits = gpt2_forward(GPT2_TINY, gd, g_ids)
        check_causal(gpt2_forward, GPT2_TINY, gd, g_ids, GPT2_TINY["vocab_size"], "gpt2-tiny")
        check_f64(gpt2_forward, GPT2_TINY, gd, g_ids, g_logits, "gpt2-tiny")
    write_model_dir("gpt2-tiny", GPT2_TINY, gw, g_ids, g_logits)

    # -- Llama tiny (F32) -----------------------------------------------------
    print("llama-tiny: %d parameters" % llama_param_count(LLAMA_TINY))
    lw = init_llama(LLAMA_TINY)
    assert sum(t.numel() for _, t in lw) == llama_param_count(LLAMA_TINY)
    ld = dict(lw)
    l_ids = torch.randint(0, LLAMA_TINY["vocab_size"], (BATCH, SEQ))
    with torch.no_grad():
        l_logits = llama_forward(LLAMA_TINY, ld, l_ids)
        check_causal(llama_forward, LLAMA_TINY, ld, l_ids, LLAMA_TINY["vocab_size"], "llama-tiny")
        check_rope_shift(LLAMA_TINY, ld, l_ids)
        check_f64(llama_forward, LLAMA_TINY, ld, l_ids, l_logits, "llama-tiny")
    write_model_dir("llama-tiny", LLAMA_TINY, lw, l_ids, l_logits)

    # -- Llama tiny (BF16 weights, float32 compute) ---------------------------
    bcfg = dict(LLAMA_TINY, torch_dtype="bfloat16")
    bw = []
    for n, t in lw:
        tb = t.to(torch.bfloat16)
        assert torch.equal(tb.view(torch.int16), bf16_round_reference(t)), "bf16 rounding " + n
        bw.append((n, tb))
    bd32 = {n: t.to(torch.float32) for n, t in bw}
    with torch.no_grad():
        b_logits = llama_forward(bcfg, bd32, l_ids)
        check_f64(llama_forward, bcfg, bd32, l_ids, b_logits, "llama-tiny-bf16")
    print("  bf16 vs f32 weights: max |logit diff| = %.4f"
          % (b_logits - l_logits).abs().max().item())
    write_model_dir("llama-tiny-bf16", bcfg, bw, l_ids, b_logits)

    # -- Model configs ---------------------------------------------------------
    configs = [
        ("gpt2-tiny", GPT2_TINY, gpt2_param_count),
        ("llama-tiny", LLAMA_TINY, llama_param_count),
        ("gpt2-small", GPT2_SMALL, gpt2_param_count),
        ("gpt2-4x256", GPT2_4X256, gpt2_param_count),
        ("llama-100m", LLAMA_100M, llama_param_count),
    ]
    assert gpt2_param_count(GPT2_SMALL) == 124439808  # published GPT-2 small size
    n100 = llama_param_count(LLAMA_100M)
    assert 95_000_000 <= n100 <= 110_000_000 and LLAMA_100M["intermediate_size"] % 64 == 0
    write_cfgs = "--write-model-configs" in sys.argv[1:]
    for name, cfg, count in configs:
        print("%-12s %12s parameters" % (name, format(count(cfg), ",")))
        if write_cfgs:
            path = os.path.join(REPO_ROOT, "models", name + ".json")
            write_config(path, cfg)
            print("  wrote " + path)


if __name__ == "__main__":
    main()
