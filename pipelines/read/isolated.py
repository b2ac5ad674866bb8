"""Parse each received file in a child process with a memory and a time ceiling.

Whatever passes the cheap checks (`xlsx_limits`) is still read by libraries (calamine, openpyxl,
json) that can be made to allocate gigabytes or loop for minutes by a file crafted for it, such
as a sheet of two cells, A1 and XFD9000, which calamine reads into a 9 000 x 16 384 rectangle.
So ingest never parses a file in its own process: a long-lived worker process does, with its data
segment capped by `resource.setrlimit(RLIMIT_DATA)` (RLIMIT_AS cannot be used: polars and
duckdb reserve more address space than that on import, without using it) and a wall-clock limit
kept by this process, which kills the worker when a file takes longer. A file that hits either
ceiling, or kills the worker any other way, is rejected (`too_complex`, "filen är för stor eller
för komplex för att läsas") and the run goes on with the next file and a new worker.

The worker is a fresh interpreter (`python -m pipelines.read.isolated`), not a fork: the parent
has duckdb and polars threads running, and a forked copy of a process with threads can deadlock on
a lock held at the fork; nor multiprocessing's "spawn", which re-runs the parent's main script.
Messages are pickles over its stdin and stdout. It is reused for every file of a run (starting
one costs about a second: the demo's 2 660 files could not afford one each) and restarted only
after it died. With every answer it reports its peak resident memory while it read that file
(VmHWM, reset before each file); `Parser.parse` returns it, and ingest keeps it by file
(`IngestResult.parse_peaks_kb`).

Settings (environment): `BF_PARSE_MEMORY_MB` (default 768) and `BF_PARSE_SECONDS` (default 30).
"""

from __future__ import annotations

import atexit
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.issues import Issue
from pipelines.read.xlsx_limits import TOO_COMPLEX

if TYPE_CHECKING:
    from pipelines.parse import Context
    from pipelines.submission import Sender, Submission

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MEMORY_MB = 768
DEFAULT_SECONDS = 30.0
START_SECONDS = 120.0  # for a worker to import its libraries, on a machine that is busy
# Threads the worker's libraries would start per core: each reserves a stack against the memory
# ceiling, and a worker reads one file at a time.
_ONE_THREAD = {
    "POLARS_MAX_THREADS": "1",
    "RAYON_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "RUST_BACKTRACE": "0",
}


def memory_mb_from_env() -> int:
    return _setting("BF_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB, int)


def seconds_from_env() -> float:
    return _setting("BF_PARSE_SECONDS", DEFAULT_SECONDS, float)


def _setting(name: str, default, kind):
    try:
        value = kind(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass
class _Worker:
    process: subprocess.Popen
    sender: Connection
    receiver: Connection

    def close(self) -> None:
        for conn in (self.sender, self.receiver):
            with suppress(OSError):
                conn.close()


class Parser:
    """`pipelines.parse.parse` in a worker process, one file at a time; use as a context manager."""

    def __init__(
        self, ctx: Context, *, memory_mb: int | None = None, seconds: float | None = None
    ) -> None:
        self.ctx_bytes = pickle.dumps(ctx)
        self.memory_mb = memory_mb or memory_mb_from_env()
        self.seconds = seconds or seconds_from_env()
        self._worker: _Worker | None = None
        self._lock = threading.Lock()  # one file at a time through the one worker

    def __enter__(self) -> Parser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        with suppress(OSError, ValueError):
            worker.sender.send(None)  # asks it to leave
        try:
            worker.process.wait(5)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        worker.close()

    def _start(self) -> _Worker:
        # `python -m` of this module, not multiprocessing's spawn: spawn re-runs the parent's
        # main script, which a script without a main guard (or `python -c`) cannot survive.
        env = {**os.environ, **_ONE_THREAD}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.read.isolated", str(self.memory_mb * 1024 * 1024)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        # The pipes as message connections (length-prefixed pickles); they own the descriptors.
        sender = Connection(os.dup(process.stdin.fileno()), readable=False)
        receiver = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        worker = _Worker(process, sender, receiver)
        try:
            sender.send_bytes(self.ctx_bytes)
            ready = receiver.poll(START_SECONDS) and _receive(receiver) == "ready"
        except OSError:
            ready = False
        if not ready:
            self._stop(worker)
            raise RuntimeError("the parsing worker did not start")
        return worker

    def _stop(self, worker: _Worker) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait()
        worker.close()
        if self._worker is worker:
            self._worker = None

    def parse(self, sub: Submission, data: bytes, sender: Sender | None = None) -> int | None:
        """Like `pipelines.parse.parse(sub, data, ctx, sender)`: sets kind, status, rows and issues.
        Returns the worker's peak resident memory in KB (None when it could not be known)."""
        with self._lock:
            return self._parse(sub, data, sender)

    def _parse(self, sub: Submission, data: bytes, sender: Sender | None) -> int | None:
        for attempt in (1, 2):
            if self._worker is None or self._worker.process.poll() is not None:
                self._worker = self._start()
            worker = self._worker
            try:
                worker.sender.send((sub, data, sender))
                break
            except (OSError, ValueError):
                # The worker ended between two files: the file is not to blame; a new one reads it.
                self._stop(worker)
                if attempt == 2:
                    raise
        try:
            answered = worker.receiver.poll(self.seconds)
            answer = _receive(worker.receiver) if answered else None
        except (OSError, ValueError):
            answered, answer = True, None
        if isinstance(answer, tuple) and answer[0] == "parsed":
            _, parsed, peak = answer
            sub.__dict__.update(parsed.__dict__)
            return peak
        if not answered:
            peak = _peak_kb(worker.process.pid)
            self._stop(worker)
            why = f"läsningen tog mer än {self.seconds:g} s och avbröts"
        else:
            peak = answer[1] if isinstance(answer, tuple) and answer[0] == "memory" else None
            self._stop(worker)
            if peak is None:
                # Died without a word (calamine aborts when an allocation fails): the largest
                # peak of any child this process has waited for, an upper bound of this one's.
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            why = _death(worker.process.returncode, self.memory_mb, answer)
        _reject(sub, data, why, self)
        return peak


_SHARED: dict[tuple[bytes, int, float], Parser] = {}
_SHARED_LOCK = threading.Lock()


def shared(ctx: Context) -> Parser:
    """A parser kept for the life of this process (per context and ceilings), so that the runs
    of an upload runner, or of a test session, start one worker, not one each. Its worker leaves
    when this process does (its stdin closes)."""
    parser = Parser(ctx)
    key = (parser.ctx_bytes, parser.memory_mb, parser.seconds)
    with _SHARED_LOCK:
        if key not in _SHARED:
            if not _SHARED:
                atexit.register(_close_shared)
            _SHARED[key] = parser
        return _SHARED[key]


def _close_shared() -> None:
    for parser in _SHARED.values():
        parser.close()


def _reject(sub: Submission, data: bytes, why: str, parser: Parser) -> None:
    from pipelines.read.detect import detect_kind

    sub.kind = detect_kind(data)[0]  # a cheap look, bounded: what the worker died reading
    sub.report, sub.grant_rows, sub.grant_id_places = None, [], []
    sub.status = "rejected"
    sub.issues.append(
        Issue(
            "error",
            "too_complex",
            f"{TOO_COMPLEX}: {why}",
            expected=f"en fil som kan läsas med högst {parser.memory_mb} MB minne och på högst "
            f"{parser.seconds:g} s",
        )
    )


def _death(exitcode: int | None, memory_mb: int, answer: object) -> str:
    """Why the worker ended, in Swedish."""
    if isinstance(answer, tuple) and answer[0] == "memory":
        return f"läsningen behövde mer än {memory_mb} MB minne"
    if exitcode == -signal.SIGABRT:  # what Rust (calamine) does when an allocation fails
        return f"läsningen behövde mer än {memory_mb} MB minne"
    if exitcode is not None and exitcode < 0:
        return f"läsningen avbröts (signal {-exitcode})"
    return "läsningen avbröts"


def _receive(conn: Connection) -> object:
    try:
        return conn.recv()
    except (EOFError, OSError, pickle.UnpicklingError):
        return None


def _peak_kb(pid: int | None) -> int | None:
    """A live process's peak resident memory in KB (VmHWM), read before it is killed."""
    with suppress(OSError, ValueError, TypeError):
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def _serve(memory_bytes: int) -> None:
    """The worker: parse what arrives until told to stop (None) or a file exhausts its memory.

    Messages come on stdin and go out on stdout; whatever a library prints goes to stderr."""
    receiver = Connection(os.dup(0), writable=False)
    sender = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    ctx_bytes = receiver.recv_bytes()
    from pipelines.parse import parse

    ctx = pickle.loads(ctx_bytes)
    resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dump of a worker that aborts
    sender.send("ready")
    while True:
        try:
            task = receiver.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        sub, data, who = task
        del task
        _reset_peak()  # so the peak sent back is this file's, not the worker's whole life's
        try:
            parse(sub, data, ctx, who)
            del data
            sender.send(("parsed", sub, _own_peak_kb()))
        except MemoryError:
            # The heap may be in pieces now: answer and leave; the parent starts a new worker.
            sub = data = None
            with suppress(Exception):
                sender.send(("memory", _own_peak_kb()))
            return


def _reset_peak() -> None:
    """Start the peak resident memory (VmHWM) afresh; Linux only, else the peak is the worker's
    lifetime high-water mark (an upper bound)."""
    with suppress(OSError), open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _own_peak_kb() -> int:
    """This worker's peak resident memory in KB since `_reset_peak`."""
    return _peak_kb(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
