#!/usr/bin/env bash
# Server benchmark: wrk posts valid, distinct skolskjuts submissions (bench/server_bench.lua)
# to `blankett serve` (fresh data directory, 127.0.0.1 only) at 64 connections from 2 wrk
# threads for 10 s, then does the same against bench/bare_server (cpp-httplib answering
# every POST with a fixed 201: the ceiling). The ceiling runs with TCP_NODELAY
# (bare_server --tcp-nodelay): cpp-httplib sends headers and body in two writes, and
# without it each response waits ~40 ms for the client's delayed ACK, which would make the
# "ceiling" a measure of that stall (~300 responses/s here) rather than of the HTTP layer.
# Prints one JSON line:
#   {"bench":"server","accepted_per_s":…,"p50_ms":…,"p99_ms":…,"ceiling_per_s":…,…}
# accepted_per_s counts 201 answers only; p50/p99 are wrk's latencies over all requests.
# server_cpu_us_per_accepted is the server process's CPU time (user + system, from
# /proc/<pid>/stat) during the wrk run, per accepted submission: on this shared VM it
# moves less from one minute to the next than the rate does. Details go to stderr.
#
# Comparing two builds: the rate drifts by ±20% within minutes here, so alternate them
# run by run and skip the ceiling (docs/performance.md):
#   for i in 1 2 3 4 5 6; do for b in old/blankett new/blankett; do
#     BENCH_CEILING=0 bench/server_bench.sh "$b" build/bench/bare_server; done; done
#
# Usage: bench/server_bench.sh <blankett> <bare_server> [forms-dir]
#   (normally through scripts/bench server, which builds both in Release)
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
#   BENCH_CEILING=0 skips the ceiling (its fields are null),
#   BENCH_CEILING_NODELAY=0 runs the ceiling with cpp-httplib's default (Nagle on),
#   BENCH_KEEP=1 keeps the data directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
blankett="$(realpath "${1:?usage: bench/server_bench.sh <blankett> <bare_server> [forms-dir]}")"
bare="$(realpath "${2:?usage: bench/server_bench.sh <blankett> <bare_server> [forms-dir]}")"
forms="$(realpath "${3:-$here/../forms}")"
duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
command -v wrk >/dev/null || { echo "server_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d /tmp/blankett-bench-XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "server_bench: data kept in $work" >&2; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

wait_healthy() {  # port
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "server_bench: the server exited" >&2; return 1; fi
    sleep 0.05
  done
  echo "server_bench: the server did not come up on port $1" >&2
  return 1
}

stop_server() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

run_wrk() {  # port name -> prints the done() JSON line
  local out
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s -s "$here/server_bench.lua" \
           "http://127.0.0.1:$1" -- "$work/body.json" "$2-$$")"
  echo "--- wrk against $2 ---" >&2
  grep -v '^{' <<<"$out" >&2 || true
  grep '^{' <<<"$out" | tail -1
}

# 1. blankett serve, fresh data directory.
port="$(free_port)"
mkdir -p "$work/no-web"  # an empty web folder: the API only
"$blankett" serve --port "$port" --bind 127.0.0.1 --data "$work/data" --forms "$forms" --web "$work/no-web" \
  >"$work/server.log" 2>&1 &
pid=$!
wait_healthy "$port"

# A valid body: the final answers of the happy-path scenario, with the current version
# and the pupil name as the placeholder the Lua script fills in per request.
curl -fsS "http://127.0.0.1:$port/api/forms/skolskjuts" >"$work/form.json"
python3 - "$forms/skolskjuts/tests/happy-path-joint-custody-with-support.json" "$work/form.json" "$work/body.json" <<'PY'
import json, sys
scenario, form, out = sys.argv[1:4]
answers = {}
for action in json.load(open(scenario, encoding="utf-8"))["actions"]:
    answers.update(action.get("set", {}))
answers["pupil_name"] = "@PUPIL@"
answers["needs_support"] = False  # no support step: its certificate would need an upload
body = {"version": json.load(open(form, encoding="utf-8"))["version"], "answers": answers}
open(out, "w", encoding="utf-8").write(json.dumps(body, ensure_ascii=False))
PY
# The body must really be accepted (the rules use today's date).
check="$(sed 's/@PUPIL@/Elev Check/' "$work/body.json" | curl -sS -o "$work/check.json" -w '%{http_code}' \
  -H 'Content-Type: application/json' -H "Idempotency-Key: bench-check-$$" --data-binary @- \
  "http://127.0.0.1:$port/api/forms/skolskjuts/submissions")"
if [ "$check" != 201 ]; then
  echo "server_bench: a valid submission was answered $check:" >&2
  cat "$work/check.json" >&2
  exit 1
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # utime + stime of the server
ticks_before="$(cpu_ticks)"
server_json="$(run_wrk "$port" blankett)"
ticks="$(( $(cpu_ticks) - ticks_before ))"
metrics="$(curl -fsS "http://127.0.0.1:$port/metrics")"
metric() { awk -v name="$1" '$1 == name {print $2}' <<<"$metrics"; }
rows="$(metric blankett_writer_rows_total)"
batches="$(metric blankett_writer_batches_total)"
pages="$(metric blankett_writer_pages_total)"
writer_cpu="$(metric blankett_writer_cpu_seconds_total)"
stop_server

# 2. The ceiling: bare cpp-httplib, same script and bodies.
bare_json=null
if [ "${BENCH_CEILING:-1}" != 0 ]; then
  bare_args=(--port 0)
  if [ "${BENCH_CEILING_NODELAY:-1}" != 0 ]; then bare_args+=(--tcp-nodelay); fi
  "$bare" "${bare_args[@]}" >"$work/bare.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q '^port ' "$work/bare.log" && break; sleep 0.05; done
  bare_port="$(awk '/^port /{print $2}' "$work/bare.log")"
  [ -n "$bare_port" ] || { echo "server_bench: bare_server did not start" >&2; cat "$work/bare.log" >&2; exit 1; }
  wait_healthy "$bare_port"
  bare_json="$(run_wrk "$bare_port" bare)"
  stop_server
fi

python3 - "$server_json" "$bare_json" "${rows:-0}" "${batches:-0}" "$connections" "$threads" "$duration" "${BENCH_CEILING_NODELAY:-1}" \
  "$ticks" "$(getconf CLK_TCK)" "${pages:-0}" "${writer_cpu:-0}" <<'PY'
import json, sys
server, bare = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows, batches = int(sys.argv[3]), int(sys.argv[4])
ticks, ticks_per_s = int(sys.argv[9]), int(sys.argv[10])
pages = int(sys.argv[11])
writer_cpu_s = float(sys.argv[12])
accepted = server["accepted"] / server["duration_s"]
ceiling = bare["accepted"] / bare["duration_s"] if bare else None
non_201 = server["requests"] - server["accepted"]
errors = sum(server["errors"].values())
print(f"server_bench: blankett: {server['requests']} requests, {server['accepted']} accepted (201), "
      f"statuses {server['statuses']}, socket errors {server['errors']}; writer stored {rows} rows "
      f"(incl. 1 check and those still in flight when wrk stopped) in {batches} commits ({(rows / batches if batches else 0):.1f} per commit)",
      file=sys.stderr)
if bare:
    print(f"server_bench: bare: {bare['requests']} requests, statuses {bare['statuses']}, errors {bare['errors']}",
          file=sys.stderr)
result = {
    "bench": "server",
    "accepted_per_s": round(accepted),
    "p50_ms": round(server["p50_us"] / 1000, 2),
    "p99_ms": round(server["p99_us"] / 1000, 2),
    "ceiling_per_s": round(ceiling) if bare else None,
    "fraction_of_ceiling": round(accepted / ceiling, 3) if ceiling else None,
    "non_201": non_201,
    "socket_errors": errors,
    "ceiling_p99_ms": round(bare["p99_us"] / 1000, 2) if bare else None,
    "server_cpu_us_per_accepted": round(ticks * 1e6 / ticks_per_s / server["accepted"]) if server["accepted"] else None,
    "rows_per_commit": round(rows / batches, 1) if batches else None,
    "log_pages_per_row": round(pages / rows, 2) if rows else None,
    "writer_cpu_us_per_row": round(writer_cpu_s * 1e6 / rows, 1) if rows else None,
    "connections": int(sys.argv[5]),
    "wrk_threads": int(sys.argv[6]),
    "duration": sys.argv[7],
    "ceiling_tcp_nodelay": sys.argv[8] != "0" if bare else None,
}
print(json.dumps(result))
PY
