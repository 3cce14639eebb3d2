#!/usr/bin/env python3
"""Writes the small binary fixtures of the FID tests (run from the repository root).

  flow-cli/src/test/resources/fid/pool-features.pt   a TorchScript feature network: images
      (N, C, H, W) in [0, 1] -> (N, 6) features; declares its name "fixture-pool"
  flow-cli/src/test/resources/fid/not-vectors.pt     a TorchScript module that returns its input
      images, i.e. not one vector per image
  flow-api/src/test/resources/npz/stored.npz         numpy.savez of mu (3,) and sigma (3, 3)
  flow-api/src/test/resources/npz/deflated.npz       numpy.savez_compressed of the same arrays

Made with Debian's python3-torch (PyTorch 1.13) and python3-numpy; running it again gives the
same files (both writers stamp zip entries with a fixed date).
"""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAME_KEY = "attnflow.name"  # the extra file in which a feature network declares its name


class PoolFeatures(torch.nn.Module):
    """Channel mean average-pooled to 2x2 (4 values q around 0), then q and q*q (8 values, so
    that 6 mixtures of them have a full-rank covariance) mixed by a fixed linear map into 6."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(17)
        self.mix = torch.nn.Linear(8, 6)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        grey = images.mean(dim=1, keepdim=True)
        q = F.adaptive_avg_pool2d(grey, (2, 2)).flatten(1) - 0.5
        return torch.tanh(self.mix(torch.cat([q, q * q], dim=1)))


class NotVectors(torch.nn.Module):
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return images


def main():
    fid = ROOT / "flow-cli/src/test/resources/fid"
    fid.mkdir(parents=True, exist_ok=True)
    torch.jit.save(torch.jit.script(PoolFeatures().eval()), str(fid / "pool-features.pt"),
                   _extra_files={NAME_KEY: "fixture-pool"})
    torch.jit.save(torch.jit.script(NotVectors()), str(fid / "not-vectors.pt"))

    npz = ROOT / "flow-api/src/test/resources/npz"
    npz.mkdir(parents=True, exist_ok=True)
    mu = np.array([1.5, -2.0, 0.25])
    sigma = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.25], [0.0, -0.25, 3.0]])
    np.savez(npz / "stored.npz", mu=mu, sigma=sigma)
    np.savez_compressed(npz / "deflated.npz", mu=mu, sigma=sigma)


if __name__ == "__main__":
    main()
