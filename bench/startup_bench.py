#!/usr/bin/env python3
"""Start-up benchmark: how long `blankett serve` takes to answer /healthz with 100 forms.

The forms folder holds N copies (default 100) of the example forms, each with its own id
and reference prefix, so the server compiles and publishes N distinct forms of real size
(17-38 KB of JSON each). Two kinds of start, each measured RUNS times (default 5), from
the moment the process is started until GET /healthz answers 200:

  first_start  a fresh data directory: schema migrations, a new signing key pair, every
               form compiled and published (one publication and audit row each);
  restart      the same data directory again: every form compiled and found published.

Prints one JSON line:
  {"bench":"startup","forms":100,"first_start_ms":{"median":..,"max":..},"restart_ms":{...},...}

Usage: bench/startup_bench.py <blankett> [forms-dir] [--forms N] [--runs K]
(normally through scripts/bench startup, which builds the Release binary first)
"""
import argparse
import http.client
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefix_for(i):
    """BA, BB, ... a 2-8 capital-letter reference prefix of its own for copy i."""
    letters = ""
    n = i
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
        if n == 0:
            break
    return ("B" + letters.rjust(2, "A"))[:8]


def write_forms(source, target, count):
    """count forms under target, copied round-robin from the example forms in source."""
    examples = sorted(p for p in pathlib.Path(source).iterdir() if (p / "form.json").is_file())
    if not examples:
        sys.exit(f"startup_bench: no forms under {source}")
    total_bytes = 0
    for i in range(count):
        definition = json.loads((examples[i % len(examples)] / "form.json").read_text(encoding="utf-8"))
        definition.pop("$schema", None)
        form_id = f"{definition['id']}-{i:03d}"
        definition["id"] = form_id
        definition["reference_prefix"] = prefix_for(i)
        text = json.dumps(definition, ensure_ascii=False, indent=2)
        (target / form_id).mkdir(parents=True)
        (target / form_id / "form.json").write_text(text, encoding="utf-8")
        total_bytes += len(text.encode("utf-8"))
    return total_bytes


def healthy(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def published_forms(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/forms")
    forms = json.loads(conn.getresponse().read())["forms"]
    conn.close()
    return len(forms)


def timed_start(blankett, forms, data, log, expected):
    """Milliseconds from starting the server until /healthz answers 200 (then checks that
    it serves all expected forms, outside the timed part); stops it again."""
    port = free_port()
    (data.parent / "no-web").mkdir(exist_ok=True)  # an empty web folder: the API only
    started = time.perf_counter()
    server = subprocess.Popen([blankett, "serve", "--port", str(port), "--bind", "127.0.0.1", "--data", str(data),
                               "--forms", str(forms), "--web", str(data.parent / "no-web")],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        while not healthy(port):
            if server.poll() is not None:
                sys.exit(f"startup_bench: the server exited with {server.returncode} (log: {log.name})")
            if time.perf_counter() - started > 60:
                sys.exit(f"startup_bench: no answer from /healthz within 60 s (log: {log.name})")
            time.sleep(0.002)
        elapsed = (time.perf_counter() - started) * 1000
        served = published_forms(port)
        if served != expected:
            sys.exit(f"startup_bench: the server lists {served} forms, not {expected} (log: {log.name})")
        return elapsed
    finally:
        server.terminate()
        server.wait()


def summary(values):
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1), "max": round(max(values), 1)}


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description="Time blankett serve's start-up with many forms.")
    parser.add_argument("blankett")
    parser.add_argument("forms_dir", nargs="?", default=str(here.parent / "forms"))
    parser.add_argument("--forms", type=int, default=100, help="how many forms (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="starts of each kind (default 5)")
    args = parser.parse_args()
    blankett = str(pathlib.Path(args.blankett).resolve())

    work = pathlib.Path(tempfile.mkdtemp(prefix="blankett-startup-"))
    try:
        forms = work / "forms"
        form_bytes = write_forms(args.forms_dir, forms, args.forms)
        first, again = [], []
        with open(work / "server.log", "wb") as log:
            for run in range(args.runs):
                data = work / f"data-{run}"
                first.append(timed_start(blankett, forms, data, log, args.forms))
                again.append(timed_start(blankett, forms, data, log, args.forms))
                print(f"startup_bench: run {run + 1}: first start {first[-1]:.1f} ms, restart {again[-1]:.1f} ms",
                      file=sys.stderr)
        print(json.dumps({"bench": "startup", "forms": args.forms, "form_json_bytes": form_bytes, "runs": args.runs,
                          "first_start_ms": summary(first), "restart_ms": summary(again)}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
