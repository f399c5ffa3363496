"""Read + chrome line hashes + fingerprints into the spilled join, under a memory limit.

Run by tests/test_reliability_memory.py in a subprocess:

    python memory_probe.py MODE CORPUS HEADROOM_MB WORK BATCH

MODE ``stream`` runs the local engine's own passes (``_read`` spills the
articles batch by batch, then each batch is hashed and fingerprinted into the
spilled candidate join); ``all`` reads every article into one list first, as
a reader without batches would. The process's data segment (``RLIMIT_DATA``:
heap and private anonymous memory; the memory-mapped, read-only spill file is
file-backed and evictable, so it is not counted) is capped at its size after
importing and warming up every stage used, plus HEADROOM_MB.
Prints one JSON line, or exits 3 on MemoryError.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def status_mb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    mode, corpus, headroom_mb, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    batch = int(sys.argv[5])
    import numpy as np

    from copytrace.candidates import PairCounter
    from copytrace.engines.local import Spill, _read
    from copytrace.fingerprint import fingerprint_texts
    from copytrace.ingest import read_inputs
    from copytrace.model import Article
    from copytrace.scan import ScanConfig, ScanSummary
    from copytrace.stages import articles_to_batch, line_hashes_batch

    # Warm up (lazy imports, first-call set-up) so the cap measures the work alone.
    line_hashes_batch(articles_to_batch([Article("w", "one two\nthree four five six")]))
    fingerprint_texts(["one two three four five six seven eight"])
    base = status_mb("VmData:")
    limit = (base + headroom_mb) << 20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    t0 = time.time()
    cfg = ScanConfig(jobs=1, batch_size=batch)
    try:
        if mode == "stream":
            summary = ScanSummary(out_dir=str(work))
            _read([corpus], work, cfg, summary, None)
            spill = Spill(work)
            counter = PairCounter(len(spill), None, cfg.candidate_params(), work_dir=work / "p")
            fps = 0
            for i in range(len(spill.offsets) - 1):
                raw = spill.raw_batch(i)
                line_hashes_batch(raw)
                fp = fingerprint_texts(raw.column("text").to_pylist(), cfg.fingerprint)
                counter.add(fp.doc.astype(np.int64) + int(spill.offsets[i]), fp.hash)
                fps += len(fp.hash)
            # (the join itself, counter.pairs(), holds memory in proportion to the
            # pairs it finds, not to the corpus: not part of this probe)
            out = {
                "articles": len(spill),
                "rejected": summary.rejected,
                "spilled": counter.fingerprints,
            }
        else:
            texts = [a.text for a in read_inputs([corpus])]
            fps = len(fingerprint_texts(texts, cfg.fingerprint).hash)
            out = {"articles": len(texts)}
    except MemoryError:
        print(json.dumps({"memory_error": True, "base_mb": base}))
        sys.exit(3)
    out.update(
        fingerprints=fps,
        base_mb=base,
        hwm_rss_mb=status_mb("VmHWM:"),
        seconds=round(time.time() - t0, 1),
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
