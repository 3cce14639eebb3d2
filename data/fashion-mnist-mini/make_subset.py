#!/usr/bin/env python3
"""Writes the first 6,000 training and 1,000 test examples of Fashion-MNIST as IDX gzip files.

Source: the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/).
Usage:  python3 make_subset.py [SOURCE_DIR]   (writes next to this script)
The output is byte-for-byte reproducible: gzip level 9, no file name, modification time 0.
Standard library only.
"""
import gzip
import hashlib
import struct
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
TARGET = Path(__file__).resolve().parent
SPLITS = {"train": 6000, "t10k": 1000}
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801


def subset(name, magic, count):
    """Copies the header (with the new count) and the first `count` items of one IDX file."""
    with gzip.open(SOURCE / name, "rb") as f:
        header = f.read(4)
        (found,) = struct.unpack(">I", header)
        if found != magic:
            sys.exit(f"{SOURCE / name}: expected magic 0x{magic:08x}, found 0x{found:08x}")
        dims = magic & 0xFF
        sizes = list(struct.unpack(">" + "I" * dims, f.read(4 * dims)))
        if sizes[0] < count:
            sys.exit(f"{SOURCE / name}: has {sizes[0]} items, fewer than {count}")
        item = 1
        for s in sizes[1:]:
            item *= s
        body = f.read(count * item)
        if len(body) != count * item:
            sys.exit(f"{SOURCE / name}: truncated, read {len(body)} of {count * item} bytes")
    sizes[0] = count
    out = TARGET / name
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as g:
        g.write(struct.pack(">I", magic) + struct.pack(">" + "I" * dims, *sizes) + body)
    print(f"{out.name}: {count} items of {'x'.join(map(str, sizes[1:])) or '1'}, "
          f"sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")


for split, n in SPLITS.items():
    subset(f"{split}-images-idx3-ubyte.gz", IMAGES_MAGIC, n)
    subset(f"{split}-labels-idx1-ubyte.gz", LABELS_MAGIC, n)
