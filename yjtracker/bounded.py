"""Bounded work: run a risky function in a child process with memory and time limits.

`run_in_child("package.module:function", data, kwargs)` starts a fresh Python process
(`python -m yjtracker.bounded`), which limits its own address space (RLIMIT_AS) and CPU
time (RLIMIT_CPU) before importing anything heavy, reads `data` from standard input, calls
the function with it and the keyword arguments, and writes the JSON-able result to standard
output. The parent also stops waiting after the wall-clock limit and kills the child. Past
any limit, `TooComplex` is raised; an exception the function raised comes back as
`ChildError` with its class name and message. The parent process (a web worker) lives on
whatever the child does.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class TooComplex(Exception):
    """The work went past its memory or time limit (or the child died)."""


class ChildError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def run_in_child(
    target: str,
    data: bytes,
    kwargs: dict | None = None,
    *,
    memory_mb: int,
    seconds: int,
):
    command = [
        sys.executable,
        "-m",
        "yjtracker.bounded",
        target,
        json.dumps(kwargs or {}),
        str(memory_mb),
        str(seconds),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(BASE_DIR),
        "LANG": "C.UTF-8",
    }
    try:
        finished = subprocess.run(  # noqa: S603 (our own interpreter and module)
            command,
            input=data,
            capture_output=True,
            timeout=seconds + 2,
            env=env,
            cwd=BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired as late:
        raise TooComplex(f"over {seconds} seconds") from late
    if finished.returncode != 0 or not finished.stdout:
        raise TooComplex(f"the child ended with status {finished.returncode}")
    try:
        answer = json.loads(finished.stdout)
    except ValueError as garbled:
        raise TooComplex("the child's answer was cut short") from garbled
    if "error" in answer:
        error = answer["error"]
        if error["kind"] in ("MemoryError", "RecursionError"):
            raise TooComplex(error["kind"])
        raise ChildError(error["kind"], error["message"])
    return answer["result"]


def _limit(memory_mb: int, seconds: int) -> None:
    import resource

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _child(argv: list[str]) -> int:
    target, kwargs, memory_mb, seconds = argv
    _limit(int(memory_mb), int(seconds))
    data = sys.stdin.buffer.read()
    module_name, function_name = target.split(":")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
        result = function(data, **json.loads(kwargs))
        answer = {"result": result}
    except Exception as error:  # noqa: BLE001 (handed back to the parent as data)
        answer = {"error": {"kind": type(error).__name__, "message": str(error)}}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
