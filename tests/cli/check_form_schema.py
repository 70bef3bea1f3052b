#!/usr/bin/env python3
"""Checks that forms/form.schema.json agrees with the engine (`blankett lint`).

  check_form_schema.py accept FILE...   every file must match the schema
  check_form_schema.py reject FILE...   every file must not match it

Prints the files that disagree (with the schema's first problems) and exits 1, or one
line saying they all agree. Needs python3's jsonschema (Draft 2020-12)."""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    mode, files = sys.argv[1], sys.argv[2:]
    schema = json.loads((ROOT / "forms" / "form.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    wrong = 0
    for name in files:
        problems = list(validator.iter_errors(json.loads(pathlib.Path(name).read_text(encoding="utf-8"))))
        if mode == "accept" and problems:
            wrong += 1
            print(f"{name}: the schema refuses a form the engine accepts:")
            for p in problems[:5]:
                print("  /" + "/".join(map(str, p.absolute_path)), p.message[:200])
        elif mode == "reject" and not problems:
            wrong += 1
            print(f"{name}: the schema accepts a form the engine refuses")
    if wrong == 0:
        print(f"forms/form.schema.json {mode}s all {len(files)} forms" if mode == "accept" else
              f"forms/form.schema.json rejects all {len(files)} forms")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
