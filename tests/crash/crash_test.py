#!/usr/bin/env python3
"""Crash test for `blankett serve`: nothing acknowledged is ever lost.

Usage:
    python3 tests/crash/crash_test.py <path/to/blankett> [--forms DIR] [--kills N]
                                      [--seed N] [--keep] [--self-test]

What it does:
  1. Starts `blankett serve` on a free 127.0.0.1 port with a fresh data directory.
  2. Four client threads post distinct, valid skolskjuts submissions in a loop (the
     answers of forms/skolskjuts/tests/happy-path-joint-custody-with-support.json, with a
     distinct pupil name and a distinct Idempotency-Key each), and record every receipt
     they get (201 created, or 200 existing for a retry that had in fact been stored).
     A request that fails (connection refused/reset, 503) is retried with the SAME
     Idempotency-Key and body, as an offline client would.
  3. Every 1-3 s (random) the server is killed with SIGKILL and restarted on the same
     data directory and port; this happens --kills times (default 5).
  4. The server is stopped (SIGTERM) and the database (data/blankett.db) is checked with
     Python's sqlite3:
       - PRAGMA integrity_check is "ok";
       - seq is contiguous 1..N, each previous_receipt_sha256 is the previous row's
         receipt_sha256 (64 zeros for seq 1), receipt_sha256 = SHA-256(receipt text)
         and submission_sha256 = SHA-256(canonical);
       - every receipt a client received is stored (same reference, same receipt,
         same receipt_sha256, same Idempotency-Key): nothing acknowledged was lost;
       - every stored row comes from a key a client sent (no phantom rows);
     and `blankett verify <receipt> --key <keys.json> --submission <canonical>` passes
     for a random sample of 20 receipts plus each client's last receipt before each kill
     (keys.json is what GET /api/keys published).

Output: a summary line ("crash test: 5 kills, 812 receipts, 0 lost") and finally
"1 passed, 0 failed" (exit 0) or "0 passed, 1 failed" (exit 1) with the problems above it.

--self-test additionally proves that the checker catches damage: it runs the same
checks on tampered copies of the final database (the last acknowledged row deleted; a
stored receipt altered) and on a receipt with a forged field, and fails unless every
one of them is reported. --keep leaves the data directory in place.

Runtime: about 15-25 s. Only the loopback interface is used. Python 3 standard library only.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

FORM = "skolskjuts"
SCENARIO = "happy-path-joint-custody-with-support.json"
CLIENTS = 4
ZERO_HASH = "0" * 64
SAMPLE = 20


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj):
    """nlohmann::json::dump() of an object: compact, keys sorted, UTF-8 unescaped."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def scenario_answers(forms_dir):
    """The scenario's final answers: its "set" actions applied in order."""
    with open(os.path.join(forms_dir, FORM, "tests", SCENARIO), encoding="utf-8") as f:
        scenario = json.load(f)
    answers = {}
    for action in scenario["actions"]:
        if "set" in action:
            answers.update(action["set"])
    # Without the support step: its medical certificate would have to be uploaded.
    answers["needs_support"] = False
    return answers


class Server:
    """One `blankett serve` process at a time, always on the same port and data dir."""

    def __init__(self, binary, forms, data, port, log_path):
        self.binary, self.forms, self.data, self.port = binary, forms, data, port
        self.log_path = log_path
        self.proc = None
        self.starts = 0

    def start(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while True:
            log = open(self.log_path, "a")
            log.write(f"--- start {self.starts + 1} ---\n")
            log.flush()
            # An empty web folder: the API only (serve refuses a --web that is no folder).
            os.makedirs(os.path.join(self.data, "no-web"), exist_ok=True)
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--data", self.data, "--forms", self.forms, "--web", os.path.join(self.data, "no-web")],
                stdout=log, stderr=subprocess.STDOUT)
            log.close()
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break  # exited (port still held by a dying socket?): try again
                if self.healthy():
                    self.starts += 1
                    return
                time.sleep(0.02)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if time.monotonic() >= deadline:
                raise RuntimeError(f"the server did not come up within {timeout:.0f} s (log: {self.log_path})")
            time.sleep(0.2)

    def healthy(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            c.request("GET", "/healthz")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=15.0):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("the server did not stop within 15 s of SIGTERM")


class Client(threading.Thread):
    """Posts distinct submissions in a loop; retries a failure with the same key."""

    def __init__(self, index, port, version, answers, run_id, stop_event):
        super().__init__(daemon=True)
        self.index, self.port, self.version, self.answers = index, port, version, answers
        self.run_id, self.stop_event = run_id, stop_event
        self.lock = threading.Lock()
        self.receipts = []  # dicts: key, status, receipt, submission (in order received)
        self.sent_keys = []  # every key this client has sent at least once
        self.retries = 0
        self.unexpected = []  # statuses that are neither success nor retryable
        self.conn = None

    def body(self, n):
        answers = dict(self.answers)
        answers["pupil_name"] = f"Elev {self.index} Nummer {n}"
        return json.dumps({"version": self.version, "answers": answers}, ensure_ascii=False).encode("utf-8")

    def post(self, key, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.conn.request("POST", f"/api/forms/{FORM}/submissions", body=body,
                          headers={"Content-Type": "application/json", "Idempotency-Key": key})
        res = self.conn.getresponse()
        data = res.read()
        if res.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return res.status, data

    def run(self):
        n = 0
        while not self.stop_event.is_set():
            n += 1
            key = f"crash-{self.run_id}-c{self.index}-{n:06d}"
            body = self.body(n)
            with self.lock:
                self.sent_keys.append(key)
            attempt = 0
            # Once sent, a submission is retried until it is answered, even after stop:
            # the final check then expects every sent key to hold a receipt.
            deadline = None
            while True:
                attempt += 1
                try:
                    status, data = self.post(key, body)
                except (OSError, http.client.HTTPException):
                    status, data = None, b""
                    if self.conn is not None:
                        self.conn.close()
                        self.conn = None
                if status in (200, 201):
                    answer = json.loads(data)
                    with self.lock:
                        self.receipts.append({"key": key, "status": status, "receipt": answer["receipt"],
                                              "submission": answer["submission"]})
                    break
                if status is not None and status != 503:
                    with self.lock:
                        self.unexpected.append((key, status, data[:300].decode("utf-8", "replace")))
                    break
                with self.lock:
                    self.retries += 1
                if self.stop_event.is_set():
                    deadline = deadline or time.monotonic() + 10
                    if time.monotonic() > deadline:
                        break
                time.sleep(0.02 if attempt < 5 else 0.1)
        if self.conn is not None:
            self.conn.close()

    def snapshot(self):
        with self.lock:
            return list(self.receipts)


def check_database(db_path, receipts, sent_keys):
    """Returns (problems, stats). receipts: every receipt a client received."""
    problems = []
    stats = {"rows": 0, "lost": 0, "unacknowledged": 0, "chain_ok": False}
    if not os.path.exists(db_path):
        return [f"{db_path} does not exist"], stats
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        integrity = [r[0] for r in db.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append("PRAGMA integrity_check: " + "; ".join(map(str, integrity[:5])))
        rows = db.execute(
            "SELECT seq, reference, idempotency_key, canonical, submission_sha256, receipt, receipt_sha256, "
            "previous_receipt_sha256 FROM submissions ORDER BY seq").fetchall()
    except sqlite3.Error as e:
        return problems + [f"cannot read {db_path}: {e}"], stats
    finally:
        db.close()
    if any(not isinstance(v, str) for row in rows for i, v in enumerate(row) if i in (1, 2, 4, 5, 6, 7)):
        return problems + ["the submissions table holds values of the wrong type (damaged?)"], stats
    stats["rows"] = len(rows)

    by_reference = {}
    previous = ZERO_HASH
    for expected_seq, (seq, reference, key, canonical, sub_sha, receipt, receipt_sha, prev_sha) in enumerate(rows, 1):
        if seq != expected_seq:
            problems.append(f"seq is not contiguous: expected {expected_seq}, found {seq}")
        if prev_sha != previous:
            problems.append(f"seq {seq}: previous_receipt_sha256 {prev_sha[:12]}… is not the previous row's "
                            f"receipt_sha256 {previous[:12]}…")
        if sha256_hex(receipt) != receipt_sha:
            problems.append(f"seq {seq}: receipt_sha256 is not the SHA-256 of the stored receipt")
        canonical_bytes = canonical if isinstance(canonical, bytes) else canonical.encode("utf-8")
        if sha256_hex(canonical_bytes) != sub_sha:
            problems.append(f"seq {seq}: submission_sha256 is not the SHA-256 of the stored canonical submission")
        by_reference[reference] = (seq, key, canonical_bytes, sub_sha, receipt, receipt_sha)
        previous = receipt_sha
        if len(problems) > 20:
            break

    stats["chain_ok"] = not problems
    acknowledged_keys = set()
    for r in receipts:
        receipt = r["receipt"]
        acknowledged_keys.add(r["key"])
        row = by_reference.get(receipt.get("reference"))
        if row is None:
            stats["lost"] += 1
            problems.append(f"LOST: receipt {receipt.get('reference')} (key {r['key']}, HTTP {r['status']}) "
                            "is not in the database")
            continue
        seq, key, _canonical, sub_sha, stored_receipt, receipt_sha = row
        mismatches = []
        if key != r["key"]:
            mismatches.append(f"the row holds key {key}, the client sent {r['key']}")
        if json.loads(stored_receipt) != receipt:
            mismatches.append("the stored receipt differs from the one the client got")
        if sha256_hex(canonical_json(receipt)) != receipt_sha:
            mismatches.append("the client's receipt does not hash to the stored receipt_sha256")
        if receipt.get("submission_sha256") != sub_sha:
            mismatches.append("the stored submission_sha256 differs")
        if mismatches:
            stats["lost"] += 1
            problems.append(f"LOST: receipt {receipt['reference']} (key {r['key']}, HTTP {r['status']}): seq {seq} "
                            "holds something else: " + "; ".join(mismatches))
    if len(acknowledged_keys) != len(receipts):
        problems.append(f"{len(receipts) - len(acknowledged_keys)} keys were acknowledged twice")

    sent = set(sent_keys)
    stored_keys = {row[1] for row in by_reference.values()}
    phantom = stored_keys - sent
    if phantom:
        problems.append(f"{len(phantom)} stored rows have keys no client sent, e.g. {min(phantom)}")
    stats["unacknowledged"] = len(stored_keys - acknowledged_keys)
    return problems, stats


def verify_receipts(binary, keys_file, work, picked, by_reference_canonical):
    """Runs `blankett verify` on each picked receipt; returns problems."""
    problems = []
    for i, r in enumerate(picked):
        reference = r["receipt"]["reference"]
        receipt_file = os.path.join(work, f"receipt-{i:03d}.json")
        with open(receipt_file, "w", encoding="utf-8") as f:
            json.dump(r["receipt"], f, ensure_ascii=False, indent=2)
        cmd = [binary, "verify", receipt_file, "--key", keys_file]
        canonical = by_reference_canonical.get(reference)
        if canonical is not None:
            submission_file = os.path.join(work, f"submission-{i:03d}.json")
            with open(submission_file, "wb") as f:
                f.write(canonical)
            cmd += ["--submission", submission_file]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0 or "verifies" not in p.stdout:
            problems.append(f"blankett verify {reference} (exit {p.returncode}): {(p.stdout + p.stderr).strip()}")
    return problems


def stored_canonicals(db_path):
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {ref: (c if isinstance(c, bytes) else c.encode("utf-8"))
                for ref, c in db.execute("SELECT reference, canonical FROM submissions")}
    finally:
        db.close()


def tampered_copy(db_path, work, name, sql):
    """Copies the database and applies `sql` with the append-only triggers dropped."""
    target = os.path.join(work, name)
    os.makedirs(target, exist_ok=True)
    copy = os.path.join(target, "blankett.db")
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.executescript("DROP TRIGGER IF EXISTS submissions_no_update; DROP TRIGGER IF EXISTS submissions_no_delete; "
                      + sql)
    dst.commit()
    dst.close()
    return copy


def self_test(binary, work, db_path, receipts, sent_keys, keys_file):
    """The checker must catch each kind of damage. Returns problems (empty = it did)."""
    problems = []
    last_ref = max(receipts, key=lambda r: r["receipt"]["sequence"])["receipt"]["reference"]
    mid = receipts[len(receipts) // 2]["receipt"]["reference"]
    cases = {
        "last acknowledged row deleted":
            f"DELETE FROM submissions WHERE reference = '{last_ref}';",
        "a stored receipt altered":
            f"UPDATE submissions SET receipt = replace(receipt, '\"sequence\"', '\"sequence\" ') WHERE reference = '{mid}';",
    }
    for name, sql in cases.items():
        copy = tampered_copy(db_path, work, "tampered-" + str(len(problems)) + "-" + name.split()[0], sql)
        found, _ = check_database(copy, receipts, sent_keys)
        if not found:
            problems.append(f"self-test: the checker did not notice: {name}")
        else:
            print(f"self-test: caught '{name}': {found[0]}")
    forged = dict(receipts[0])
    forged["receipt"] = dict(forged["receipt"], received_at="2001-01-01T00:00:00.000Z")
    found = verify_receipts(binary, keys_file, work, [forged], {})
    if not found:
        problems.append("self-test: blankett verify accepted a receipt with a forged received_at")
    else:
        print(f"self-test: caught 'forged receipt': {found[0][:160]}")
    return problems


def argument_parser(doc):
    """The arguments every test against a server takes: the binary, --forms, --seed, --keep."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("blankett", help="path to the blankett binary")
    forms = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "forms")
    parser.add_argument("--forms", default=os.path.normpath(forms))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    return parser


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--self-test", action="store_true", help="also check that the checker catches damage")
    args = parser.parse_args()

    binary = os.path.abspath(args.blankett)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="blankett-crash-")
    data = os.path.join(work, "data")
    server = Server(binary, os.path.abspath(args.forms), data, free_port(), os.path.join(work, "server.log"))
    clients = []
    stop_event = threading.Event()
    problems = []
    summary = None
    try:
        server.start()
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        c.request("GET", f"/api/forms/{FORM}")
        version = json.loads(c.getresponse().read())["version"]
        c.request("GET", "/api/keys")
        keys = json.loads(c.getresponse().read())["keys"]
        c.close()
        keys_file = os.path.join(work, "keys.json")
        with open(keys_file, "w", encoding="utf-8") as f:
            json.dump(keys, f)

        answers = scenario_answers(args.forms)
        run_id = f"{seed:x}"
        clients = [Client(i, server.port, version, answers, run_id, stop_event) for i in range(CLIENTS)]
        for cl in clients:
            cl.start()

        last_before_kill = []  # each client's last receipt before each kill
        for kill in range(args.kills):
            time.sleep(rng.uniform(1.0, 3.0))
            server.kill9()
            for cl in clients:
                got = cl.snapshot()
                if got:
                    last_before_kill.append(got[-1])
            counts = sum(len(cl.snapshot()) for cl in clients)
            print(f"kill {kill + 1}: SIGKILL after {counts} receipts", flush=True)
            time.sleep(rng.uniform(0.0, 0.3))  # clients hammer a dead port meanwhile
            server.start()
        time.sleep(rng.uniform(1.0, 2.0))

        # Keys may only be fetched before the end; they must not have changed.
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        c.request("GET", "/api/keys")
        keys_end = json.loads(c.getresponse().read())["keys"]
        c.close()
        if keys_end != keys:
            problems.append("GET /api/keys changed across restarts")
            with open(keys_file, "w", encoding="utf-8") as f:
                json.dump(keys + [k for k in keys_end if k not in keys], f)

        stop_event.set()
        for cl in clients:
            cl.join(30)
            if cl.is_alive():
                problems.append(f"client {cl.index} did not finish")
        rc = server.stop()
        if rc != 0:
            problems.append(f"the server exited with {rc} after SIGTERM")

        receipts = [r for cl in clients for r in cl.snapshot()]
        sent_keys = [k for cl in clients for k in cl.sent_keys]
        for cl in clients:
            for key, status, body in cl.unexpected[:3]:
                problems.append(f"client {cl.index}: key {key} got HTTP {status}: {body}")
        if not receipts:
            problems.append("no client received any receipt")

        db_path = os.path.join(data, "blankett.db")
        found, stats = check_database(db_path, receipts, sent_keys)
        problems += found
        if receipts:
            picked = rng.sample(receipts, min(SAMPLE, len(receipts)))
            seen = {id(r) for r in picked}
            picked += [r for r in last_before_kill if id(r) not in seen]
            problems += verify_receipts(binary, keys_file, work, picked, stored_canonicals(db_path))
            print(f"verified {len(picked)} receipts with blankett verify "
                  f"({len(last_before_kill)} of them the last before a kill)")
            if args.self_test and not found:
                problems += self_test(binary, work, db_path, receipts, sent_keys, keys_file)
        retried = sum(cl.retries for cl in clients)
        existing = sum(1 for r in receipts if r["status"] == 200)
        print(f"chain: {stats['rows']} rows, seq 1..{stats['rows']} contiguous and linked: "
              f"{'yes' if stats['chain_ok'] else 'NO'}; {retried} failed requests retried; {existing} retries answered "
              f"200 (stored before the kill); {stats['unacknowledged']} stored rows never acknowledged")
        summary = f"crash test: {server.starts - 1} kills, {len(receipts)} receipts, {stats['lost']} lost"
    except Exception as e:  # a crash of the test itself is a failure too
        problems.append(f"{type(e).__name__}: {e}")
    finally:
        stop_event.set()
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()

    if summary:
        print(summary)
    print(f"seed {seed}, {time.monotonic() - started:.1f} s, data in {work}"
          + ("" if problems or args.keep else " (removed)"))
    if problems:
        for p in problems[:30]:
            print("FAIL: " + p)
        if len(problems) > 30:
            print(f"FAIL: … and {len(problems) - 30} more")
        try:
            with open(server.log_path, encoding="utf-8", errors="replace") as f:
                tail = f.read()[-2000:]
            print("server log (tail):\n" + tail)
        except OSError:
            pass
        print("0 passed, 1 failed")
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
