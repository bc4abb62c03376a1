#!/usr/bin/env python3
"""The two commands of the README's quick start, for a fresh clone with only Python 3.11+.

    python3 dev.py serve   # install, migrate, load demo data, serve on http://127.0.0.1:8000
    python3 dev.py test    # install, run the whole test suite, one process per core
                           # (add pytest arguments after it; `-n 0` for a single process)
    python3 dev.py lock    # re-resolve the locks after a dependency change
                           # (`--upgrade` or `--upgrade-package NAME` to take newer releases)

Both create `.venv/` on first use and install exactly what requirements.lock.txt pins (hashes
checked, nothing resolved afresh); they reinstall only when pyproject.toml or the lock changes.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
LOCK = ROOT / "requirements.lock.txt"
RUNTIME_LOCK = ROOT / "requirements.runtime.lock.txt"
# The lock's first line records which dependency declarations it was resolved from, so a
# dependency added to pyproject.toml without `dev.py lock` fails loudly instead of going missing.
INPUTS_PREFIX = "# inputs-sha256: "
PIP = ["-m", "pip", "--disable-pip-version-check"]


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def inputs_digest() -> str:
    """Digest of every declaration the lock is resolved from (not the tool settings beside them)."""
    data = _pyproject()
    inputs = {
        "build": data["build-system"]["requires"],
        "requires-python": data["project"]["requires-python"],
        "dependencies": data["project"]["dependencies"],
        "optional": data["project"].get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _lock_digest(lock_file: Path) -> str | None:
    first = lock_file.read_text().split("\n", 1)[0] if lock_file.exists() else ""
    return first.removeprefix(INPUTS_PREFIX) if first.startswith(INPUTS_PREFIX) else None


def _pip(*args: str) -> None:
    subprocess.run([str(PYTHON), *PIP, *args], check=True, cwd=ROOT)


def _create_venv() -> None:
    # Runs before anything is installed, possibly under an older interpreter: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("Newsroom API needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def _remove_unlocked() -> None:
    """Uninstall what an earlier lock brought and this one no longer pins (pip never does)."""
    pinned = {_normal(m.group(1)) for m in re.finditer(r"^([\w.-]+)==", LOCK.read_text(), re.M)}
    frozen = subprocess.run(
        [str(PYTHON), *PIP, "freeze", "--exclude-editable", "--all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = {_normal(re.split(r"[=@ ]", line, maxsplit=1)[0]) for line in frozen.splitlines()}
    extra = sorted(names - pinned - {"pip", "", "#"})
    if extra:
        _pip("uninstall", "--quiet", "--yes", *extra)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ensure_environment() -> None:
    _create_venv()
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not _lock_digest(LOCK) == _lock_digest(RUNTIME_LOCK) == inputs_digest():
        sys.exit(
            "requirements*.lock.txt were not resolved from pyproject.toml's current dependencies:"
            " run `python3 dev.py lock` and review its diff."
        )
    print("installing the locked dependencies into .venv ...", flush=True)
    # Exactly the pinned files (hash-checked) and nothing else; then the project itself, built
    # with the locked setuptools rather than whatever release an isolated build would fetch.
    _pip("install", "--quiet", "--require-hashes", "--no-deps", "--requirement", str(LOCK))
    _remove_unlocked()
    _pip("install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", str(ROOT))
    _pip("check")
    STAMP.write_text(wanted)


def lock(*options: str) -> int:
    """Resolve pyproject.toml into the two hashed locks with uv.

    requirements.lock.txt: runtime, dev extra and build backend (dev.py, CI);
    requirements.runtime.lock.txt: the runtime part alone at the same versions (the image).
    Universal resolution: valid for Python 3.11 and newer on every platform. Existing pins are
    kept unless an option such as `--upgrade` or `--upgrade-package NAME` says otherwise. No index
    or find-links address is written, so the locks install from whatever index pip is configured
    with (PyPI, a mirror, a local wheel folder) as long as the files' hashes match.
    """
    _create_venv()
    uv = BIN / "uv"
    if not uv.exists():  # a fresh clone: bootstrap the lock tool with the range pyproject allows
        dev = _pyproject()["project"]["optional-dependencies"]["dev"]
        spec = next(d for d in dev if re.match(r"uv\b", d))
        _pip("install", "--quiet", spec)
    digest = inputs_digest()
    with tempfile.TemporaryDirectory() as scratch:
        # The runtime subset is constrained to the full lock's pins (named by its path in the
        # repository, which uv records), so the image runs the versions CI tested.
        for lock_file, extra in ((LOCK, ["--extra", "dev"]), (RUNTIME_LOCK, ["-c", LOCK.name])):
            output = _compile(uv, Path(scratch), lock_file, [*extra, *options])
            if output is None:
                return 1
            lock_file.write_text(f"{INPUTS_PREFIX}{digest}\n{output.read_text()}")
    print(f"wrote {LOCK.name} and {RUNTIME_LOCK.name}: review `git diff` before committing")
    return 0


def _compile(uv: Path, scratch: Path, lock_file: Path, options: list[str]) -> Path | None:
    output = scratch / lock_file.name
    if lock_file.exists():  # uv keeps the pins it finds in its output file
        output.write_text(lock_file.read_text().split("\n", 1)[1])
    build = "\n".join(_pyproject()["build-system"]["requires"])
    command = [
        *(str(uv), "pip", "compile", "--quiet", "pyproject.toml"),
        "-",  # the build backend, from stdin, so --no-build-isolation installs are pinned too
        *("--universal", "--generate-hashes", "--no-emit-index-url", "--no-emit-find-links"),
        *("--python-version", _pyproject()["project"]["requires-python"].removeprefix(">=")),
        *("--custom-compile-command", "python3 dev.py lock", "--output-file", str(output)),
        *options,
    ]
    status = subprocess.run(command, input=build, text=True, cwd=ROOT).returncode
    return None if status else output


def run(*args: str) -> int:
    return subprocess.call([str(PYTHON), *args], cwd=ROOT)


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "lock":
        return lock(*rest)
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
