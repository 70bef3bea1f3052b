#!/usr/bin/env python3
"""Random bad input against `blankett serve`: every answer is a JSON 2xx/4xx, and the server
stays up and consistent.

Usage:
    python3 tests/fuzz/submission_fuzz.py <path/to/blankett> [--forms DIR] [--requests N]
                                          [--seed N] [--keep]

What it does:
  1. Starts `blankett serve` on a free 127.0.0.1 port with a fresh data directory
     (tests/crash/crash_test.py's Server).
  2. Posts --requests (default 20,000) submissions to POST /api/forms/skolskjuts/submissions,
     each made from the valid joint-custody answers by one of:
       - flipping, inserting, deleting or truncating bytes of the JSON body, or inserting
         deep nesting, long numbers or invalid UTF-8;
       - replacing answers, body keys, "language" or "client" by values of other types,
         empty, huge, or out of range, or adding unknown fields;
       - multipart bodies with random parts, names, file names and contents;
       - a wrong or missing Content-Type, a bad or reused Idempotency-Key, another path.
  3. Fails on any answer that is not JSON, any status other than 200, 201, 400, 404, 409,
     413, 415 or 422 (a 5xx is the server's fault, and a 503 for input no retry can
     mend is one too), a dropped connection, or a server that stops answering /healthz.
     Then a quarter as many requests go to the other routes (pages, login, inbox, admin,
     signing and completion links, static files, the integration API) with damaged
     paths, queries, cookies, tokens and bodies: none may get a 5xx.
  4. Stops the server and runs `blankett audit verify` on its data directory: what was
     stored on the way forms an intact chain.

The seed is printed; --seed repeats a run (the requests, not their timing).
Output ends with "1 passed, 0 failed" (exit 0) or "0 passed, 1 failed" (exit 1).
Runtime: about 15-30 s. Python 3 standard library only.
"""

import copy
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
from crash_test import FORM, Server, argument_parser, free_port, scenario_answers  # noqa: E402

ALLOWED = {200, 201, 400, 404, 409, 413, 415, 422}
ODD_VALUES = [None, True, False, 0, -1, 1e308, -1e308, 1.5, 12345678901234567890, "", " ", "\u0000", "\u202e",
              "a" * 100000, [], {}, [[]], {"a": 1}, ["x"] * 1000, "2026-02-30", "9999-12-31", "0000-01-01",
              "19811218-9876", "<script>alert(1)</script>", "Å" * 1000, "\t\n\r", "1e999", "NaN", "-0", "0x10",
              "a,b@example.se", "\"a\"@example.se", "a@b", "@", "x" * 300 + "@example.se"]
BYTE_INSERTS = [b"[" * 100000, b'{"a":' * 5000, b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b'"\\ud800"',
                b"1" * 5000, b"-", b"1e400", b"0.0000000000000000000000000000001e-400"]


class Fuzzer:
    def __init__(self, rng, body):
        self.rng = rng
        self.body = body
        self.text = json.dumps(body, ensure_ascii=False).encode("utf-8")

    def odd(self):
        return copy.deepcopy(self.rng.choice(ODD_VALUES))

    def mutated_bytes(self, data):
        rng, b = self.rng, bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randint(0, max(0, len(b) - 1))
            op = rng.randint(0, 5)
            if op == 0 and b:
                b[i] = rng.randint(0, 255)
            elif op == 1:
                b[i:i] = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 5)))
            elif op == 2 and b:
                del b[i:i + rng.randint(1, 20)]
            elif op == 3:
                del b[i:]
            elif op == 4:
                b[i:i] = rng.choice(BYTE_INSERTS)
            else:
                b[i:i] = rng.choice([b'"', b"\\", b"}", b"]", b",", b":", b"null", b"\x00"])
        return bytes(b)

    def mutated_json(self):
        rng = self.rng
        d = copy.deepcopy(self.body)
        for _ in range(rng.randint(1, 4)):
            if not isinstance(d, dict):
                break
            answers = d.get("answers") if isinstance(d.get("answers"), dict) else {}
            op = rng.randint(0, 6)
            if op == 0 and answers:
                answers[rng.choice(sorted(answers))] = self.odd()
            elif op == 1:
                answers[rng.choice(["ghost", "a/b", "~0", "", "pupil_name/0", "x" * 300])] = self.odd()
            elif op == 2 and answers:
                del answers[rng.choice(sorted(answers))]
            elif op == 3:
                d[rng.choice(["version", "answers", "language", "client", "extra"])] = self.odd()
            elif op == 4:
                d["client"] = {"draft_started_at": self.odd()}
            elif op == 5:
                d["language"] = rng.choice([self.odd(), "sv", "en", "xx"])
            else:
                d = rng.choice([[], "x", 1, None, {"answers": d.get("answers")}])
        return json.dumps(d, ensure_ascii=rng.random() < 0.5).encode("utf-8")

    def multipart(self):
        rng = self.rng
        boundary = "b%d" % rng.randint(0, 10**9)
        parts = []
        for _ in range(rng.randint(0, 4)):
            name = rng.choice(["submission", "file", "other", ""])
            content = rng.choice([self.text, self.mutated_json(), b"%PDF-1.4\n" + rng.randbytes(rng.randint(0, 3000)),
                                  rng.randbytes(rng.randint(0, 2000)), b"\x89PNG\r\n\x1a\n" + rng.randbytes(100)])
            filename = rng.choice(["", 'filename="a.pdf"', 'filename="../../etc/passwd"', 'filename="x\r\ny"'])
            media = rng.choice(["application/pdf", "application/json", "text/plain"])
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; {filename}\r\nContent-Type: {media}\r\n\r\n'
            parts.append(head.encode("utf-8") + content + b"\r\n")
        data = b"".join(parts) + (f"--{boundary}--\r\n".encode() if rng.random() < 0.8 else b"")
        if rng.random() < 0.2:
            data = self.mutated_bytes(data)
        return data, f"multipart/form-data; boundary={boundary}"

    def request(self, n):
        """(path, body, headers) of request number n."""
        rng = self.rng
        kind = rng.randint(0, 3)
        content_type = "application/json"
        if kind == 0:
            data = self.mutated_bytes(self.text)
        elif kind == 1:
            data = self.mutated_json()
        elif kind == 2:
            data, content_type = self.multipart()
        else:
            data = self.text
            content_type = rng.choice(["text/plain", "", "application/json; charset=latin1",
                                       "application/x-www-form-urlencoded", "multipart/form-data"])
        headers = {"Idempotency-Key": rng.choice([f"fuzz-{n:08d}", "short", "x" * 200, "bad key!", "fuzz-reused-key-1"])}
        if content_type:
            headers["Content-Type"] = content_type
        path = rng.choice([f"/api/forms/{FORM}/submissions"] * 8 +
                          ["/api/forms/nope/submissions", "/api/forms/../submissions", f"/api/forms/{FORM}/submissions?x=%ff"])
        return path, data, headers


# Every other route a visitor can reach without signing in, or reach and be sent to the
# login page: damaged paths, queries and form bodies must not get a 5xx either.
ROUTES = ["/", "/f/skolskjuts", "/f/nope", "/api/forms", "/api/forms/skolskjuts", "/api/forms/skolskjuts/versions/",
          "/api/keys", "/healthz", "/metrics", "/login", "/logout", "/inbox", "/inbox/export.csv", "/inbox/stats",
          "/admin", "/admin/users", "/admin/outbox", "/sign/", "/complete/", "/identity/dev", "/identity/callback",
          "/identity/continue", "/preview/skolskjuts", "/static/", "/js/", "/engine/blankett_engine.wasm",
          "/api/submissions/", "/api/v1/cases", "/api/publish", "/hook"]
PATH_NOISE = ["", "x", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "%ff%fe", "a" * 3000, "%2e%2e/", "?",
              "?lang=" + "x" * 500, "?next=%2F%2Fevil.example", "?state=%00&code=1", "?step=%3Cscript%3E", "//", ";", "~"]


def other_request(rng):
    """(method, path, body, headers) on some other route."""
    path = rng.choice(ROUTES) + rng.choice(PATH_NOISE) + (rng.choice(PATH_NOISE) if rng.random() < 0.3 else "")
    method = rng.choice(["GET", "GET", "POST", "HEAD", "PUT", "DELETE"])
    headers = {}
    body = None
    if method in ("POST", "PUT"):
        body = rng.choice([b"", b"username=admin&password=x&csrf=" + rng.randbytes(8).hex().encode(), rng.randbytes(rng.randint(0, 500)),
                           b'{"a":' * 100, b"answer=" + b"%ff" * 50])
        headers["Content-Type"] = rng.choice(["application/x-www-form-urlencoded", "application/json", "text/plain"])
    if rng.random() < 0.3:
        headers["Cookie"] = rng.choice(["session=" + "a" * 64, "session=", "csrf=x; session=%00", "a" * 4000])
    if rng.random() < 0.2:
        headers["Authorization"] = rng.choice(["Bearer ", "Bearer " + "x" * 100, "Basic Zm9vOmJhcg==", "Bearer a.b.c"])
    return method, path, body, headers


def send(port, method, path, body, headers):
    """(status, payload) of one request on a fresh connection; raises when the connection fails."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers)
        res = c.getresponse()
        return res.status, res.read()
    finally:
        c.close()


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()

    binary = os.path.abspath(args.blankett)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    work = tempfile.mkdtemp(prefix="blankett-fuzz-")
    data = os.path.join(work, "data")
    server = Server(binary, os.path.abspath(args.forms), data, free_port(), os.path.join(work, "server.log"))
    problems = []
    statuses = {}
    try:
        server.start()
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        c.request("GET", f"/api/forms/{FORM}")
        version = json.loads(c.getresponse().read())["version"]
        c.close()
        answers = scenario_answers(args.forms)
        answers["pupil_name"] = "Alva Berg"
        fuzzer = Fuzzer(random.Random(seed), {"version": version, "answers": answers})
        for n in range(args.requests):
            path, body, headers = fuzzer.request(n)
            try:
                status, payload = send(server.port, "POST", path, body, headers)
            except (OSError, http.client.HTTPException) as e:
                problems.append(f"request {n}: {e!r} (the server {'is up' if server.healthy() else 'is down'})")
                break
            statuses[status] = statuses.get(status, 0) + 1
            try:
                json.loads(payload)
                is_json = True
            except ValueError:
                is_json = False
            if status not in ALLOWED or not is_json:
                problems.append(f"request {n}: {status} {payload[:300]!r}\n  for {path} {headers} {body[:300]!r}")
                if len(problems) >= 5:
                    break
        rng = random.Random(seed + 1)
        for n in range(args.requests // 4):
            if len(problems) >= 5:
                break
            method, path, body, headers = other_request(rng)
            try:
                status, payload = send(server.port, method, path, body, headers)
            except (OSError, http.client.HTTPException) as e:
                problems.append(f"{method} {path[:200]}: {e!r} (the server {'is up' if server.healthy() else 'is down'})")
                break
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500:
                problems.append(f"{method} {path[:200]} {headers}: {status} {payload[:300]!r}")
        if not server.healthy():
            problems.append("the server does not answer /healthz after the run")
        if server.stop() != 0:
            problems.append("the server did not exit cleanly on SIGTERM")
        audit = subprocess.run([binary, "audit", "verify", "--data", data], capture_output=True, text=True)
        if audit.returncode != 0:
            problems.append(f"blankett audit verify failed: {audit.stdout}{audit.stderr}")
    except Exception as e:  # the harness itself: report, do not hide
        problems.append(f"fuzz harness error: {e!r}")
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
    print(f"fuzz test: seed {seed}, {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    for p in problems:
        print("PROBLEM:", p)
    if problems:
        print(f"server log and data kept in {work}")
        print("0 passed, 1 failed")
        return 1
    if args.keep:
        print(f"data kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
