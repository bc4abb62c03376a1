#!/usr/bin/env python3
"""The two commands of the README's quick start, for a fresh clone with only Python 3.11+.

    python3 dev.py serve   # install, migrate, load demo data, serve on http://127.0.0.1:8000
    python3 dev.py test    # install, run the whole test suite, one process per core
                           # (add pytest arguments after it; `-n 0` for a single process)

Both create `.venv/` on first use and reinstall only when pyproject.toml changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


def ensure_environment() -> None:
    # Runs before anything is installed, possibly under an older interpreter: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("Newsroom API needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("installing dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--editable", f"{ROOT}[dev]"], check=True, cwd=ROOT)
    STAMP.write_text(wanted)


def run(*args: str) -> int:
    return subprocess.call([str(PYTHON), *args], cwd=ROOT)


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command not in {"serve", "test"}:
        print(__doc__)
        return 0 if command == "help" else 2
    ensure_environment()
    if command == "serve":
        loaded = run("-m", "app", "demo-data")
        return loaded or run("-m", "app", "serve", *rest)
    # One test process per core (pytest-xdist), unless the caller chose (`-n 0`: one process).
    parallel = (
        [] if any(arg.startswith(("-n", "--numprocesses")) for arg in rest) else ["-n", "auto"]
    )
    return run("-m", "pytest", *parallel, *rest)


if __name__ == "__main__":
    sys.exit(main())
