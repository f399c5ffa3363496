"""The cleaner's byte tables as bytes.translate tables against numpy's gather."""

from __future__ import annotations

import numpy as np

from copytrace import clean as cl


def test_translate_tables_are_the_arrays() -> None:
    code = np.random.default_rng(7).integers(0, 256, 10_000).astype(np.uint8)
    code[:256] = np.arange(256)
    for table, as_bytes in [
        (cl._CLASS, cl._CLASS_BYTES),
        (cl._ASCII_OF, cl._ASCII_BYTES),
        (cl._HASH_OF, cl._HASH_BYTES),
    ]:
        assert code.tobytes().translate(as_bytes) == table[code].tobytes()
