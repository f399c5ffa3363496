"""Errors copytrace raises for bad input."""

from __future__ import annotations


class InputError(Exception):
    """An input that cannot be read; ``str()`` is one line naming the file (and record)."""

    def __init__(self, file: str, reason: str, record: int | None = None) -> None:
        self.file = file
        self.reason = reason
        self.record = record
        where = f"{file}:{record}" if record is not None else file
        super().__init__(f"{where}: {reason}")


class ScanLockedError(Exception):
    """Another run is writing the same output (a scan's folder, a cleaned corpus
    file); ``str()`` is one line naming it."""

    def __init__(self, out_dir: str, pid: int | None, what: str = "folder") -> None:
        self.out_dir = out_dir
        self.pid = pid
        who = f" (PID {pid})" if pid else ""
        run = "scan" if what == "folder" else "run"
        super().__init__(f"{out_dir}: another {run} is writing this {what}{who}")


class WorkerDiedError(Exception):
    """A worker process died mid-task (killed: often by the system's out-of-memory
    killer); ``str()`` is one line saying so, with ``hint`` on what to try."""

    def __init__(self, stage: str, hint: str = "try fewer --jobs") -> None:
        self.stage = stage
        super().__init__(
            f"a worker process died during the {stage} stage (killed? out of memory?); {hint}"
        )
