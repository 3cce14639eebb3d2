#!/usr/bin/env python3
"""Writes the NumPy-made fixture of the downsampled-ImageNet reader tests (run from the repository root).

  flow-data/src/test/resources/imagenet8/val_data.npz
      numpy.savez_compressed, as Chrabaszcz et al. save their batches: data, uint8 (3, 3*8*8),
      pixel p of image i = (7 i + 3 p) mod 256 (DatasetFixtures.pixel); labels, a Python list
      [1, 1000, 500] (which NumPy stores as int64); mean, float64 (3*8*8,)

Made with Debian's python3-numpy; running it again gives the same file (numpy stamps zip entries
with a fixed date).
"""
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
SIZE = 8

images = np.arange(3)[:, None]
pixels = np.arange(3 * SIZE * SIZE)[None, :]
data = ((7 * images + 3 * pixels) % 256).astype(np.uint8)
out = ROOT / "flow-data/src/test/resources/imagenet8"
out.mkdir(parents=True, exist_ok=True)
np.savez_compressed(out / "val_data.npz", data=data, labels=[1, 1000, 500], mean=data.mean(axis=0))
