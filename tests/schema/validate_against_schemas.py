#!/usr/bin/python3
"""Validates pages and the block catalog against schemas/ with a real JSON Schema validator.

Checks every example page as written, every example as the serializer writes it
(`blockflow format --stdout`), the serializer's output for the page fixtures, and
`blockflow blocks --json` against the catalog schema. Exits 1 listing every failure.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import jsonschema


def load_schema(source, name):
    with open(os.path.join(source, "schemas", name), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors_of(validator, document, label):
    return [f"{label}: {'/'.join(map(str, e.absolute_path)) or '/'}: {e.message}"
            for e in validator.iter_errors(document)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()

    page_schema = load_schema(args.source, "page.schema.json")
    catalog_schema = load_schema(args.source, "catalog.schema.json")
    pages = sorted(glob.glob(os.path.join(args.source, "examples", "*.json")) +
                   glob.glob(os.path.join(args.source, "tests", "fixtures", "pages", "*.json")))
    failures = []
    checked = 0
    for page in pages:
        with open(page, encoding="utf-8") as f:
            failures += errors_of(page_schema, json.load(f), page)
        written = subprocess.run([args.cli, "format", "--stdout", page], capture_output=True, text=True)
        if written.returncode != 0:
            failures.append(f"{page}: blockflow format failed: {written.stderr.strip()}")
            continue
        failures += errors_of(page_schema, json.loads(written.stdout), page + " (as serialized)")
        checked += 2

    catalog = subprocess.run([args.cli, "blocks", "--json"], capture_output=True, text=True, check=True)
    failures += errors_of(catalog_schema, json.loads(catalog.stdout), "blockflow blocks --json")
    checked += 1

    # The schema must also reject what the loader rejects.
    bad = {"format": "blockflow-page", "version": 2, "blocks": [{"id": "a b", "type": "Const"}]}
    if page_schema.is_valid(bad):
        failures.append("the page schema accepts a newer version and a bad id")

    for failure in failures:
        print(failure)
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
