"""Build the PAN evaluation-gate sample: a fixed, stratified draw of training pairs.

Draws ``--per-category`` pairs from each category folder of the PAN 2013
text-alignment training corpus with a seeded RNG. A category that mixes pairs
with and without truth cases (the summary folder: 238 of its 1,185 pairs have a
case, the rest are unrelated documents) is stratified again, so that
``POSITIVE_SHARE`` of its draw has a case and its score rests on more than a
handful of cases. The draw is packed, in the same
corpus layout (``pairs``, ``src/``, ``susp/``, ``<category>/pairs`` and truth
XMLs), into one reproducible tar.gz (sorted members, zero mtimes), so the same
arguments always give the same bytes.

    .venv/bin/python bench/make_pan_sample.py ../shared/data/pan13-train \\
        --out tests/data/pan/gate/pan13-gate.tar.gz
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import sys
import tarfile
from pathlib import Path

from copytrace.eval.pan import read_annotations

SEED = 20131
PER_CATEGORY = 80
# Share of pairs with a truth case drawn from a category that mixes both kinds.
POSITIVE_SHARE = 0.6


def sample_pairs(root: Path, per_category: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """``per_category`` pairs per category folder, drawn with ``random.Random(seed)``."""
    rng = random.Random(seed)
    chosen: dict[str, list[tuple[str, str]]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in {"src", "susp"}):
        pairs_file = folder / "pairs"
        if not pairs_file.is_file():
            continue
        pairs = sorted(
            (line.split()[0], line.split()[1])
            for line in pairs_file.read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
        has_case = {p: _has_case(folder, p) for p in pairs}
        with_case = [p for p in pairs if has_case[p]]
        without = [p for p in pairs if not has_case[p]]
        n = min(per_category, len(pairs))
        if with_case and without:
            n_pos = min(len(with_case), round(n * POSITIVE_SHARE))
            draw = rng.sample(with_case, n_pos) + rng.sample(without, min(len(without), n - n_pos))
        else:
            draw = rng.sample(pairs, n)
        chosen[folder.name] = sorted(draw)
    return chosen


def _has_case(folder: Path, pair: tuple[str, str]) -> bool:
    xml = folder / f"{Path(pair[0]).stem}-{Path(pair[1]).stem}.xml"
    return bool(read_annotations(xml))


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def build(root: Path, out: Path, per_category: int, seed: int) -> tuple[int, int]:
    """Write the sample tar.gz; return (pairs, bytes written)."""
    chosen = sample_pairs(root, per_category, seed)
    members: dict[str, bytes] = {}
    all_pairs: list[tuple[str, str]] = []
    for category, pairs in chosen.items():
        members[f"{category}/pairs"] = "".join(f"{s} {r}\n" for s, r in pairs).encode()
        for susp, src in pairs:
            xml_name = f"{Path(susp).stem}-{Path(src).stem}.xml"
            members[f"{category}/{xml_name}"] = (root / category / xml_name).read_bytes()
            members[f"susp/{susp}"] = (root / "susp" / susp).read_bytes()
            members[f"src/{src}"] = (root / "src" / src).read_bytes()
            all_pairs.append((susp, src))
    members["pairs"] = "".join(f"{s} {r}\n" for s, r in sorted(all_pairs)).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(members):
            _add(tar, name, members[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(out, "wb") as fh,
        gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(buf.getvalue())
    return len(all_pairs), out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="PAN 2013 training corpus folder")
    parser.add_argument("--out", type=Path, default=Path("tests/data/pan/gate/pan13-gate.tar.gz"))
    parser.add_argument("--per-category", type=int, default=PER_CATEGORY)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if not (args.root / "pairs").is_file():
        print(f"{args.root}: not a PAN corpus (no pairs file)", file=sys.stderr)
        return 2
    n, size = build(args.root, args.out, args.per_category, args.seed)
    print(f"{args.out}: {n} pairs, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
