#!/usr/bin/env bash
# Command-line tests: `blankett lint` and `blankett test` on fixtures whose exact output
# and exit code are recorded in *.expected files beside them.
# Usage: tests/cli/run.sh path/to/blankett   (set UPDATE=1 to rewrite the expectations)
set -uo pipefail
blankett="$(realpath "$1")"
cd "$(dirname "$0")/fixtures"

passed=0
failed=0
check() {
  local name="$1" expected_status="$2"; shift 2
  local out status
  out="$("$@" 2>&1)"; status=$?
  if [ "${UPDATE:-}" = 1 ]; then printf '%s\n' "$out" > "$name.expected"; fi
  if [ "$status" != "$expected_status" ]; then
    echo "FAIL $name: exit $status, expected $expected_status"; echo "$out"
    failed=$((failed + 1)); return
  fi
  if ! diff -u "$name.expected" <(printf '%s\n' "$out"); then
    echo "FAIL $name: output differs (above)"
    failed=$((failed + 1)); return
  fi
  echo "PASS $name"
  passed=$((passed + 1))
}

check lint-broken 1 "$blankett" lint broken
check lint-broken-file 1 "$blankett" lint broken/form-errors/form.json
check lint-missing 2 "$blankett" lint no-such-folder
check lint-warnings 0 "$blankett" lint hard-to-use
check test-failing 1 "$blankett" test failing
check test-one-passing-file 0 "$blankett" test failing/tests/passes.json
check test-broken-form 1 "$blankett" test broken
check usage 2 "$blankett" frobnicate
check serve-writer-nice-out-of-range 2 "$blankett" serve --writer-nice 25
check serve-http-threads-out-of-range 2 "$blankett" serve --http-threads 0
check serve-keep-alive-out-of-range 2 "$blankett" serve --keep-alive 301

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
