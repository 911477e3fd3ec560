"""Writes the TorchScript modules behind dev.decaf.models.nn.FusedOps.

DJL's NDArray API reaches only some of libtorch's operators; a scripted module reaches any of
them, with autograd through the operator's own fused backward. Each module holds no tensors, so
one file serves every device. libtorch compiles the TorchScript source inside the archive when
it loads it, so a file written by torch 1.13 loads in the libtorch that DJL bundles.

Run from the repository root with Debian's python3-torch (1.13):
    /usr/bin/python3 modules/decaf-models/kernels/gen_kernels.py
"""
import os
import zipfile

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "dev", "decaf", "models", "nn")


class GeluTanh(torch.nn.Module):
    """GPT-2's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), one fused kernel each way."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(x, approximate="tanh")


class Silu(torch.nn.Module):
    """SiLU (swish), x * sigmoid(x), the gate of Llama's SwiGLU, one fused kernel each way."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.silu(x)


def save_without_debug_info(module, path):
    """Saves a scripted module minus its *.debug_pkl entries, which record this script's absolute path."""
    module.save(path + ".tmp")
    with zipfile.ZipFile(path + ".tmp") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.endswith(".debug_pkl"):
                info.date_time = (1980, 1, 1, 0, 0, 0)
                dst.writestr(info, src.read(info.filename))
    os.remove(path + ".tmp")


def write(name, module, reference):
    path = os.path.normpath(os.path.join(OUT, name))
    save_without_debug_info(torch.jit.script(module), path)
    x = torch.linspace(-6, 6, 13, dtype=torch.float64)
    assert torch.allclose(torch.jit.load(path)(x), reference(x), rtol=0, atol=1e-12)
    print("wrote", path)


def main():
    write("gelu_tanh.pt", GeluTanh(),
          lambda x: 0.5 * x * (1 + torch.tanh((2 / torch.pi) ** 0.5 * (x + 0.044715 * x ** 3))))
    write("silu.pt", Silu(), lambda x: x / (1 + torch.exp(-x)))


if __name__ == "__main__":
    main()
