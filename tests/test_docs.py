"""Every shell command, Python example and SPARQL query of the README and docs/ runs on the
sample corpus and answers something.

Blocks fenced as ``sh``, ``python`` and ``sparql`` are run in a scratch copy of the repository
layout holding a build of examples/corpus in ``build/``; a ``kg serve`` line is started, checked
and stopped, and the endpoint's ``curl`` examples run against a live ``kg serve`` of that build.
Blocks fenced as ``console`` show commands that need what a test machine lacks (a Dask cluster,
other triple stores, 20 minutes of training); ``make`` and ``pip install`` lines set up the
environment these tests run in.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
SETUP_COMMANDS = ("make ", "pip install ")
_FENCE = re.compile(r"^( *)```(\w+)\n(.*?)^\1```", re.S | re.M)
_TRAILING_COMMENT = re.compile(r"\s{2,}#\s.*$")
_DEFAULT_PORT = "7878"


@dataclass(frozen=True)
class Example:
    """One runnable block of a document."""

    document: str
    line: int
    language: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.document}:{self.line}"


def examples() -> list[Example]:
    """The sh, python and sparql blocks of the README and docs, in order."""
    found = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            if match.group(2) in ("sh", "python", "sparql"):
                line = text.count("\n", 0, match.start()) + 1
                block = "\n".join(
                    row.removeprefix(match.group(1)) for row in match.group(3).split("\n")
                )
                found.append(
                    Example(path.relative_to(REPO).as_posix(), line, match.group(2), block)
                )
    return found


def commands(block: str) -> list[str]:
    """The commands of a shell block: continued lines joined, trailing comments dropped."""
    joined = block.replace("\\\n", " ")
    rows = [_TRAILING_COMMENT.sub("", row).strip() for row in joined.split("\n")]
    return [row for row in rows if row and not row.startswith("#")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    """A scratch ``main/`` beside ``shared/``, as a clone sits, with ``build/`` of the sample."""
    root = tmp_path_factory.mktemp("docs")
    (root / "shared").symlink_to(shared)
    main = root / "main"
    main.mkdir()
    for name in ("examples", "data", "notebooks", "pipelines", "benchmarks", "ontology.ttl"):
        (main / name).symlink_to(REPO / name)
    run_shell("kg build examples/corpus -o build", main)
    return main


@pytest.fixture(scope="module")
def endpoint_port(workspace: Path) -> Iterator[int]:
    """A live ``kg serve`` of the workspace's build."""
    port = free_port()
    server = subprocess.Popen(
        [BIN / "kg", "serve", "build", "--port", str(port)],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    first_line = server.stdout.readline()
    assert "serving" in first_line, first_line
    yield port
    server.terminate()
    server.wait(timeout=30)


def run_shell(command: str, cwd: Path) -> str:
    """Run one shell command with the test environment's ``kg`` and ``python``; its output."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def check_serve_starts(command: str, cwd: Path) -> None:
    """Start a ``kg serve`` command on a free port, see it serve, stop it."""
    port = str(free_port())
    if "--port" in command:
        command = re.sub(r"--port \d+", f"--port {port}", command)
    else:
        command += f" --port {port}"
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=cwd,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert "serving" in server.stdout.readline()
    finally:
        server.terminate()
        server.wait(timeout=30)


EXAMPLES = examples()


def test_the_docs_have_examples_to_run() -> None:
    languages = {example.language for example in EXAMPLES}
    assert {"sh", "python", "sparql"} <= languages
    assert len(EXAMPLES) >= 15


def test_make_demo_is_the_build_the_docs_run() -> None:
    """``make demo`` is not run here (it makes a virtual environment): it is this command."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/kg build examples/corpus -o build" in makefile


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.label)
def test_example_runs_and_answers(example: Example, workspace: Path, endpoint_port: int) -> None:
    if example.language == "python":
        source = example.text.replace(f":{_DEFAULT_PORT}/", f":{endpoint_port}/")
        output = run_shell(f"python - <<'EOF'\n{source}\nEOF", workspace)
        assert output.strip(), f"{example.label} printed nothing"
        return
    if example.language == "sparql":
        output = run_shell(f"kg query build \"$(cat <<'EOF'\n{example.text}\nEOF\n)\"", workspace)
        assert "(0 rows)" not in output, f"{example.label} found nothing:\n{output}"
        return
    script = [c for c in commands(example.text) if not c.startswith(SETUP_COMMANDS)]
    if any(c.startswith("E=") or c.startswith("curl") for c in script):
        text = "\n".join(script).replace(f":{_DEFAULT_PORT}", f":{endpoint_port}")
        output = run_shell("set -e\n" + text.replace("curl ", "curl -sf "), workspace)
        assert output.strip(), f"{example.label} answered nothing"
        return
    for command in script:
        if command.startswith("kg serve"):
            check_serve_starts(command, workspace)
            continue
        output = run_shell(command, workspace)
        assert output.strip(), f"{example.label}: {command} answered nothing"
