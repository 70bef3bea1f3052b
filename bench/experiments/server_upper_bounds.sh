#!/usr/bin/env bash
# What each part of the submission path costs in the server benchmark, and so what the
# benchmark could reach without it: an upper bound, not a plan (docs/performance.md,
# "What each part of a submission costs").
#
# Builds blankett (Release) at commit 5559e73 (or $BENCH_COMMIT, e.g. 0ca8caf, the commit
# before the writer's one-commit-per-sync) with server_upper_bounds.patch applied, in a
# throwaway git worktree. The patch adds switches (BLANKETT_EXPERIMENT=a,b) that leave one
# part out; they are never in the product. Then runs bench/server_bench.sh for every
# variant in turn, ROUNDS times (the VM drifts by ±10-20% within minutes, so variants
# alternate), the base variant with the bare ceiling, the others without.
#
# Variants: base (the commit as it is); nosign (all-zero signatures, no Ed25519);
# nosigners (no signature request and no mail for the second guardian); noterms (no
# search terms); noindexes (cases without the unique index on reference and without
# cases_by_form_received); noderived (only the submission row: no case, terms, signature
# request or mail); nosign,noderived (both); nowrite (answered without storing: HTTP
# exchange and engine only).
#
# Usage: bench/experiments/server_upper_bounds.sh [rounds]    (default 3; ~15 s per run)
# Prints one JSON line per run, then one per variant with the means:
#   {"bench":"server_upper_bounds","variant":…,"accepted_per_s":…,"server_cpu_us_per_accepted":…,…}
#   {"bench":"server_upper_bounds","summary":…,"runs":…,"accepted_per_s":…,"share_of_ceiling":…,…}
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
commit="${BENCH_COMMIT:-5559e73}"
variants=(base nosign nosigners noterms noindexes noderived nosign,noderived nowrite)

work="$(mktemp -d /tmp/blankett-upper-bounds-XXXXXX)"
cleanup() {
  git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$repo" worktree add --detach "$work/src" "$commit" >/dev/null 2>&1
git -C "$work/src" apply "$here/server_upper_bounds.patch"
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j2 --target blankett bare_server >/dev/null

# server_bench.sh runs the binary it is given; a wrapper per variant sets the switches.
for v in "${variants[@]}"; do
  printf '#!/bin/sh\nBLANKETT_EXPERIMENT=%s exec %q "$@"\n' "$v" "$work/build/server/blankett" >"$work/$v.sh"
  chmod +x "$work/$v.sh"
done

results="$work/results.jsonl"
for _ in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    ceiling=0
    [ "$v" = base ] && ceiling=1
    line="$(BENCH_CEILING=$ceiling "$repo/bench/server_bench.sh" "$work/$v.sh" "$work/build/bench/bare_server" "$repo/forms" 2>/dev/null)"
    python3 -c 'import json, sys
d = json.loads(sys.argv[1]); d["bench"] = "server_upper_bounds"; d["variant"] = sys.argv[2]
print(json.dumps(d))' "$line" "$v" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
ceilings = [r["ceiling_per_s"] for r in runs if r.get("ceiling_per_s")]
ceiling = sum(ceilings) / len(ceilings)
base = [r for r in runs if r["variant"] == "base"]
base_rate = sum(r["accepted_per_s"] for r in base) / len(base)
for v in dict.fromkeys(r["variant"] for r in runs):
    rs = [r for r in runs if r["variant"] == v]
    rate = sum(r["accepted_per_s"] for r in rs) / len(rs)
    cpu = sum(r["server_cpu_us_per_accepted"] for r in rs) / len(rs)
    print(json.dumps({"bench": "server_upper_bounds", "summary": v, "runs": len(rs), "accepted_per_s": round(rate),
                      "vs_base": round(rate / base_rate - 1, 3), "server_cpu_us_per_accepted": round(cpu),
                      "share_of_ceiling": round(rate / ceiling, 3), "ceiling_per_s": round(ceiling)}))
PY
