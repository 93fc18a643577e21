"""Run a command against a throwaway search-engine node on loopback, then stop the node and remove its data.

    python engines/run_engine.py [--engine opensearch] [--heap 768m] -- COMMAND [ARG ...]

The node is built from this folder (a Maven pom and a small Java launcher; no Docker, no download of a
server distribution): Maven fetches the engine's jars into `.cache/m2`, javac compiles the launcher into
`.cache/engines`, and one JVM serves HTTP on a free 127.0.0.1 port. COMMAND runs with CCHC_TEST_ES_URL set
to the node's store URL; the exit code is COMMAND's. The node is stopped and its data folder removed
whatever happens (failure, Ctrl-C, SIGTERM); the launcher also stops the node when this process dies.
Standard library only: it runs before and without the project's virtualenv.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
CACHE = PROJECT / ".cache"
ENGINES = {
    # engine name -> (Maven project folder, launcher class, store URL scheme)
    "opensearch": (HERE / "opensearch", "cchc.engine.TestNode", "opensearch+http"),
}
START_TIMEOUT = 240.0
STOP_TIMEOUT = 30.0


class EngineError(Exception):
    """The node could not be built or started; the message is one line."""


def say(message: str) -> None:
    print(f"[engine] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(engine: str) -> list[str]:
    """The java command line prefix (classpath and main class) for `engine`, building what is missing."""
    project, main_class, _ = ENGINES[engine]
    pom = project / "pom.xml"
    sources = sorted((project / "src" / "main" / "java").rglob("*.java"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in [pom, *sources])).hexdigest()[:16]
    out = CACHE / "engines" / f"{engine}-{digest}"
    classpath_file, classes = out / "classpath.txt", out / "classes"
    if not (classpath_file.exists() and (classes / ".built").exists()):
        if shutil.which("mvn") is None or shutil.which("javac") is None:
            raise EngineError("Maven (mvn) and a JDK 17 (javac) are needed: apt-get install maven openjdk-17-jdk")
        out.mkdir(parents=True, exist_ok=True)
        say(f"fetching the {engine} jars with Maven into {CACHE / 'm2'} (first run only)")
        t0 = time.monotonic()
        mvn = ["mvn", "-B", "-q", f"-Dmaven.repo.local={CACHE / 'm2'}", "-f", str(pom),
               "dependency:build-classpath", f"-Dmdep.outputFile={classpath_file}"]  # fmt: skip
        done = subprocess.run(mvn, capture_output=True, text=True)
        if done.returncode != 0:
            tail = " | ".join(line for line in done.stdout.splitlines() if "ERROR" in line)[:400]
            raise EngineError(f"Maven could not fetch the {engine} jars: {tail or 'exit ' + str(done.returncode)}")
        classpath = classpath_file.read_text().strip()
        javac = ["javac", "-nowarn", "--release", "17", "-d", str(classes), "-cp", classpath, *map(str, sources)]
        done = subprocess.run(javac, capture_output=True, text=True)
        if done.returncode != 0:
            raise EngineError(f"the {engine} launcher does not compile: {done.stderr.strip()[:400]}")
        (classes / ".built").touch()
        say(f"built in {time.monotonic() - t0:.0f} s")
    classpath = f"{classes}{os.pathsep}{classpath_file.read_text().strip()}"
    return ["-cp", classpath, main_class]


def get_json(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


class Node:
    """One engine JVM on loopback with its data in a temporary folder."""

    def __init__(self, engine: str = "opensearch", heap: str = "768m", home: Path | None = None,
                 port: int | None = None) -> None:  # fmt: skip
        """A node in `home` (a new temporary folder by default) on `port` (a free one by default)."""
        self.engine, self.heap = engine, heap
        self.home = home or Path(tempfile.mkdtemp(prefix=f"cchc-{engine}-"))
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = self.home / "node.log"

    def start(self) -> float:
        """Start the JVM and wait for a green or yellow cluster; the seconds it took."""
        java = build(self.engine)
        t0 = time.monotonic()
        transport = free_port()
        heap = [f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseSerialGC"]
        command = ["java", *heap, "-Dlog4j2.disable.jmx=true", *java, str(self.home / "node"), str(self.port),
                   str(transport)]  # fmt: skip
        # stdin stays open: the launcher exits when it closes, so the node dies with this process.
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)  # fmt: skip
        while time.monotonic() - t0 < START_TIMEOUT:
            if self.process.poll() is not None:
                raise EngineError(f"the {self.engine} node exited with {self.process.returncode}: {self.log_tail()}")
            try:
                health = get_json(f"{self.base_url}/_cluster/health?wait_for_status=yellow&timeout=2s")
                if health.get("status") in ("green", "yellow"):
                    return time.monotonic() - t0
            except (OSError, ValueError):
                time.sleep(0.5)
        raise EngineError(f"the {self.engine} node was not ready after {START_TIMEOUT:.0f} s: {self.log_tail()}")

    def describe(self) -> str:
        info = get_json(self.base_url)
        distribution = info.get("version", {}).get("distribution", "elasticsearch")
        name = {"opensearch": "OpenSearch", "elasticsearch": "Elasticsearch"}.get(distribution, distribution)
        return f"{name} {info['version']['number']} at {self.base_url}"

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:])[-800:] or "(empty log)"

    @property
    def store_url(self) -> str:
        return f"{ENGINES[self.engine][2]}://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Stop the JVM at once, as a crash would (SIGKILL); the data folder stays for a restart."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, keep_data: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdin:
            self.process.stdin.close()
        if not keep_data:
            shutil.rmtree(self.home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), default="opensearch")
    parser.add_argument("--heap", default="768m", help="JVM heap (-Xms and -Xmx); keep it at or under 1g")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    def on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # runs the finally below: the node is stopped and removed

    # Ctrl-C too, even where the shell started us with SIGINT ignored (a background job).
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_term)
    node = Node(args.engine, args.heap)
    try:
        seconds = node.start()
        print(f"{node.describe()} (ready in {seconds:.1f} s)", flush=True)
        env = {**os.environ, "CCHC_TEST_ES_URL": node.store_url, "CCHC_TEST_ENGINE": args.engine}
        return subprocess.run(command, env=env).returncode
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted: the node is stopped and removed", file=sys.stderr)
        return 130
    except SystemExit as exc:
        print("error: interrupted: the node is stopped and removed", file=sys.stderr)
        return int(exc.code or 1)
    finally:
        node.stop()


if __name__ == "__main__":
    sys.exit(main())
