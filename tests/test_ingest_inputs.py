"""read_inputs: dispatch by folder/extension, duplicate ids, batches, counts that add up."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copytrace.ingest import (
    DUPLICATE_ID,
    format_of,
    iter_batches,
    read_folder_inputs,
    read_inputs,
    reject_to_dict,
)
from copytrace.ingest.folder import read_folder
from copytrace.model import Article, Reject

DATA = Path(__file__).resolve().parent / "data" / "ingest"
FOLDER = DATA / "folder"


def test_folder_ids_are_relative_paths_without_extension() -> None:
    items = list(read_folder(FOLDER))
    arts = {a.id: a for a in items if isinstance(a, Article)}
    assert set(arts) == {"2026/10/harbour-plan", "2026/10/rail-strike", "legacy-cp1252"}
    assert not arts["2026/10/harbour-plan"].is_html and arts["2026/10/rail-strike"].is_html
    assert "Caf\u00e9 owners protest the new \u201cnoise rule\u201d" in arts["legacy-cp1252"].text
    assert arts["2026/10/harbour-plan"].text.startswith("Council approves harbour plan\n")
    rejs = {Path(r.file).name: r.reason for r in items if isinstance(r, Reject)}
    assert set(rejs) == {"bad-encoding.txt", "empty.txt"}  # notes.md is not an input
    assert "undecodable" in rejs["bad-encoding.txt"] and "empty" in rejs["empty.txt"]


def test_format_of_dispatches_by_extension() -> None:
    assert format_of("a.jsonl") == format_of("a.JSONL.GZ") == format_of("a.json.gz") == "jsonl"
    assert format_of("a.parquet") == "parquet"
    assert format_of("x.warc") == format_of("x.warc.gz") == "warc"
    assert format_of("p.htm") == format_of("p.html") == format_of("p.txt") == "page"
    assert format_of("a.json") is None and format_of("a.csv") is None


def _mixed_tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(FOLDER, root / "pages")
    shutil.copy(DATA / "sample.jsonl", root / "sample.jsonl")
    rows = [{"id": f"g{i}", "text": f"gz story {i}"} for i in range(3)]
    (root / "more.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode())
    )
    pq.write_table(
        pa.table({"id": ["q1", "j1"], "text": ["parquet story", "dup"]}), root / "z.parquet"
    )
    (root / ".hidden.jsonl").write_text('{"id": "h", "text": "hidden"}\n')
    return root


def test_folder_reads_every_supported_format_inside_it(tmp_path: Path) -> None:
    root = _mixed_tree(tmp_path)
    items = list(read_inputs([root]))
    ids = [a.id for a in items if isinstance(a, Article)]
    assert ids == [
        "g0", "g1", "g2",  # more.jsonl.gz
        "pages/2026/10/harbour-plan", "pages/2026/10/rail-strike", "pages/legacy-cp1252",
        "j1", "j2", "6",  # sample.jsonl
        "q1",  # z.parquet
    ]  # fmt: skip
    dup = [r for r in items if isinstance(r, Reject) and r.reason == DUPLICATE_ID]
    assert len(dup) == 1 and dup[0].file.endswith("z.parquet") and dup[0].record == 2
    assert list(read_folder_inputs(root))  # same walk without the duplicate check


def test_duplicate_ids_across_inputs_keep_the_first(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text('{"id": "x", "text": "first"}\n{"id": "y", "text": "only"}\n')
    b.write_text('{"id": "z", "text": "new"}\n{"id": "x", "text": "second"}\n')
    items = list(read_inputs([a, b]))
    arts = [i for i in items if isinstance(i, Article)]
    assert [(x.id, x.text) for x in arts] == [("x", "first"), ("y", "only"), ("z", "new")]
    (rej,) = [i for i in items if isinstance(i, Reject)]
    assert rej == Reject(str(b), 2, DUPLICATE_ID)


def test_missing_and_unsupported_paths_are_rejects(tmp_path: Path) -> None:
    odd = tmp_path / "table.csv"
    odd.write_text("id,text\n1,x\n")
    items = list(read_inputs([tmp_path / "missing", odd]))
    assert [type(i) for i in items] == [Reject, Reject]
    assert items[0].reason == "no such file or directory"
    assert isinstance(items[1], Reject) and items[1].reason.startswith("unsupported file type")


def test_counts_add_up_read_equals_accepted_plus_rejected(tmp_path: Path) -> None:
    root = _mixed_tree(tmp_path)
    expected_records = (
        sum(1 for p in root.rglob("*.txt")) + sum(1 for p in root.rglob("*.htm*"))
        + sum(1 for line in (root / "sample.jsonl").read_bytes().splitlines() if line.strip())
        + 3 + 2
    )  # fmt: skip
    accepted = rejected = 0
    for arts, rejs in iter_batches([root], batch_size=3):
        assert len(arts) <= 3 and (arts or rejs)
        accepted += len(arts)
        rejected += len(rejs)
    assert accepted == 10 and accepted + rejected == expected_records


def test_batches_are_bounded_and_cover_everything(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": "t"}) if i % 7 else "{broken" for i in range(100)]
    path.write_text("\n".join(lines) + "\n")
    batches = list(iter_batches([path], batch_size=10))
    assert all(len(a) <= 10 and len(r) <= 10 for a, r in batches)
    assert sum(len(a) for a, _ in batches) == 85
    assert sum(len(r) for _, r in batches) == 15
    with pytest.raises(ValueError, match="batch_size"):
        list(iter_batches([path], batch_size=0))


def test_reject_to_dict_has_file_record_reason() -> None:
    assert reject_to_dict(Reject("f.warc", None, "corrupt WARC")) == {
        "file": "f.warc",
        "record": None,
        "reason": "corrupt WARC",
    }


def test_unreadable_file_is_a_reject_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a.txt").write_text("readable story")
    (root / "b.txt").write_text("locked story")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "b.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    a, b = list(read_inputs([root]))
    assert isinstance(a, Article) and a.id == "a"
    assert isinstance(b, Reject) and b.reason == "cannot read: Permission denied"
