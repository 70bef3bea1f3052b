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
# A key used twice in one object: JSON parsers keep either value, so it is refused.
check lint-duplicate-key 1 "$blankett" lint duplicate-key
# The folder is named after the form's id (docs/form-format.md), however it is named on the command line.
check lint-misnamed-folder 1 "$blankett" lint misnamed
check lint-misnamed-folder-file 1 "$blankett" lint misnamed/form.json
check test-failing 1 "$blankett" test failing
check test-one-passing-file 0 "$blankett" test failing/tests/passes.json
check test-broken-form 1 "$blankett" test broken
check usage 2 "$blankett" frobnicate
check serve-writer-nice-out-of-range 2 "$blankett" serve --writer-nice 25
check serve-http-threads-out-of-range 2 "$blankett" serve --http-threads 0
check serve-keep-alive-out-of-range 2 "$blankett" serve --keep-alive 301
check serve-port-too-large 2 "$blankett" serve --port 84026
check serve-port-trailing-junk 2 "$blankett" serve --port 8080x
check serve-smtp-port-negative 2 "$blankett" serve --smtp-port -5
check serve-bind-not-an-address 2 "$blankett" serve --bind 999.1.1.1
check serve-max-body-negative 2 "$blankett" serve --max-body -1
check serve-unknown-option 2 "$blankett" serve --bogus
check serve-unexpected-argument 2 "$blankett" serve extra-arg
# Every command answers --help (and -h) with its usage on stdout, exit 0.
check no-command 2 "$blankett"
check help-serve 0 "$blankett" serve --help
check help-lint 0 "$blankett" lint -h
check help-test 0 "$blankett" test --help
check help-preview 0 "$blankett" preview --help
check help-publish 0 "$blankett" publish --help
check help-verify 0 "$blankett" verify -h
check help-keys 0 "$blankett" keys list --help
check test-form-json 1 "$blankett" test failing/form.json
check test-no-scenarios 1 "$blankett" test hard-to-use
check test-bad-json-scenario 1 "$blankett" test bad-scenario/tests/not-json.json
check test-duplicate-key-scenario 1 "$blankett" test bad-scenario/tests/duplicate-key.json
check test-unknown-language-scenario 1 "$blankett" test bad-scenario/tests/german.json
check preview-missing 2 "$blankett" preview no-such-folder
check keys-list-no-data 1 "$blankett" keys list --data no-such-data
# forms/form.schema.json agrees with the engine: every example form (which lint accepts)
# matches it, and so does schema/accepted (keys lint accepts that the schema once did not);
# schema/too-long (which lint refuses) does not.
check lint-schema-fixtures 1 "$blankett" lint schema
# python3-jsonschema comes with scripts/setup; without it these fail rather than skip.
check schema-accepts-examples 0 python3 ../check_form_schema.py accept ../../../forms/*/form.json \
  $(find ../../../web/tests/fixtures -name form.json | sort) schema/accepted/form.json
check schema-rejects-what-lint-refuses 0 python3 ../check_form_schema.py reject schema/too-long/form.json

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
