"""Every process the bench starts, so that all of them are stopped by pid in a `finally` block,
even on Ctrl+C. Children run in their own session: the terminal's Ctrl+C reaches only the
bench, which then stops them itself."""

import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).with_name("daphne"))
PORTS = range(8600, 8700)


class StartupError(RuntimeError):
    pass


class Processes:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []
        self.names: dict[int, str] = {}

    def start(self, name: str, argv: list[str], *, env: dict[str, str], pipes: bool = False) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self.running.append(process)
        self.names[process.pid] = name
        return process

    def stop(self, process: subprocess.Popen, *, grace: float = 5.0) -> None:
        if process.poll() is None:
            try:
                os.kill(process.pid, signal.SIGTERM)
                process.wait(grace)
            except subprocess.TimeoutExpired:
                logger.warning("%s (pid %s) ignored SIGTERM; killing it", self.names[process.pid], process.pid)
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        for stream in (process.stdin, process.stdout):
            if stream:
                stream.close()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in reversed(list(self.running)):
            self.stop(process)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def free_port(taken: set[int]) -> int:
    """A port of the bench's range (8600-8699) that nothing listens on."""
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise StartupError("no free port in 8600-8699")


def start_daphne(processes: Processes, *, name: str, app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    process = processes.start(name, [DAPHNE, "-b", "127.0.0.1", "-p", str(port), app], env=env)
    return wait_listening(processes, process, name=name, port=port)


def wait_listening(processes: Processes, process: subprocess.Popen, *, name: str, port: int) -> subprocess.Popen:
    """`process` once it accepts connections on `port`; StartupError if it exits or takes a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"{name} exited with {process.returncode}:\n{processes.log_tail(name)}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    raise StartupError(f"{name} did not listen on {port} within 60 s:\n{processes.log_tail(name)}")


class Worker:
    """A bench worker process (load generator, websocket listeners, publisher) speaking the
    line protocol: it prints `ready`, waits for a line on stdin, prints one JSON result line."""

    def __init__(self, processes: Processes, name: str, module: str, spec: dict, *, env: dict[str, str]) -> None:
        self.processes = processes
        self.name = name
        self.process = processes.start(name, [PYTHON, "-m", module, json.dumps(spec)], env=env, pipes=True)

    def _line(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise StartupError(
                f"{self.name} said nothing within {timeout:.0f} s:\n{self.processes.log_tail(self.name)}"
            )
        line = self.process.stdout.readline().decode()
        if not line:
            raise StartupError(f"{self.name} exited ({self.process.wait()}):\n{self.processes.log_tail(self.name)}")
        return line.strip()

    def ready(self, timeout: float = 120) -> str:
        """`ready`, or the refusal the worker printed instead."""
        return self._line(timeout)

    def go(self, line: str = "go") -> None:
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def result(self, timeout: float) -> dict:
        try:
            return json.loads(self._line(timeout))
        finally:
            self.processes.stop(self.process)

    def stop(self) -> None:
        self.processes.stop(self.process)
