"""The Go checker, built once per session from Debian's golang.org/x/mod sources."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GOPATH = Path("/usr/share/gocode")  # where Debian's golang-*-dev packages put Go sources
SOURCES = Path(__file__).resolve().parent / "go"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _toolchain_problem() -> str | None:
    if shutil.which("go") is None:
        return "the go command is not installed"
    if not (GOPATH / "src/golang.org/x/mod/sumdb/note").is_dir():
        return f"golang.org/x/mod is not under {GOPATH} (package golang-golang-x-mod-dev)"
    return None


def _go_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOPATH=str(GOPATH), GO111MODULE="off", GOFLAGS="", GOPROXY="off")
    env.update(GOTOOLCHAIN="local", CGO_ENABLED="0")
    if "GOCACHE" not in env and "HOME" not in env and "XDG_CACHE_HOME" not in env:
        env["GOCACHE"] = str(cache)
    return env


@pytest.fixture(scope="session")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problem = _toolchain_problem()
    if problem is not None:
        message = f"{problem}; run scripts/install-interop-tools"
        if IN_CI:
            pytest.fail(f"interop tests must run under CI=true: {message}")
        pytest.skip(message)
    out = tmp_path_factory.mktemp("go-checker")
    binary = out / "checker"
    build = subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=SOURCES,
        env=_go_env(out / "cache"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, f"go build failed:\n{build.stderr}"
    return binary
