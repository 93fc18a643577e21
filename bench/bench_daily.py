"""Scale: a full `cchc daily` over a generated province of 200 loopback sources of every CMS family the extractor
has rules for, 20 of them broken (refused, HTTP 500/503, layout changed, hanging); the crawler's own politeness
settings, as in production. Prints the wall time, the peak memory of the daily process with its classifier process
(PSS, sampled), the articles stored and what the daily log says was read and failed. `make bench` runs it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.memory import peak_memory
from bench.province import province, stored_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--broken", type=int, default=20)
    parser.add_argument("--articles", type=int, default=15, help="articles per source")
    args = parser.parse_args()
    if not 0 <= args.broken <= args.sources:
        parser.error("--broken must be between 0 and --sources")
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server, config, sources = province(root, args.sources, args.broken, args.articles)
        db = root / "daily.db"
        command = [sys.executable, "-m", "cchc", "--config-dir", str(config), "daily", "--store", f"sqlite:///{db}"]
        env = {k: v for k, v in os.environ.items() if k != "CCHC_STORE"}
        with server:
            started = time.perf_counter()
            daily = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)  # fmt: skip
            with peak_memory(daily.pid) as memory:  # the daily process and its classifier process
                stdout, stderr = daily.communicate()
            elapsed = time.perf_counter() - started
        result = subprocess.CompletedProcess(command, daily.returncode, stdout, stderr)
        peak = memory[0]
        log = root / "data" / "logs" / "daily.jsonl"
        run = (
            json.loads(log.read_text(encoding="utf-8").splitlines()[-1]) if log.exists() else {"read": [], "failed": []}
        )
        stored = stored_paths(db) if db.exists() else {}
        broken = {s.id for s in sources if s.broken}
        healthy = [p for s in sources if not s.broken for p in s.articles]
        missing = sum(1 for p in healthy if stored.get(p, 0) != 1)
        print(f"daily {args.sources} sources: {elapsed:.1f} s, peak {peak:.0f} MB, {sum(stored.values()):,} articles,"
              f" {len(run['read'])} read, {len(run['failed'])} failed (exit {result.returncode})")  # fmt: skip
        named = sum(1 for s in broken if f"({s})" in result.stderr)
        logged = len(broken & set(run["failed"]))
        print(f"broken sources: {len(broken)} generated, {logged} in the log's failed list, {named} named on stderr;"
              f" healthy articles not stored exactly once: {missing} of {len(healthy)}")  # fmt: skip
        for kind in dict.fromkeys(s.broken for s in sources if s.broken):
            first = next(s.id for s in sources if s.broken == kind)
            said = next((line for line in result.stderr.splitlines() if f"({first})" in line), "(not named)")
            print(f"  {kind}: {said}")
        if result.returncode != 1 or set(run["failed"]) != broken:
            print(result.stderr[-3000:], file=sys.stderr)


if __name__ == "__main__":
    main()
