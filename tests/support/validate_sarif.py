#!/usr/bin/env python3
"""Validates SARIF files against the SARIF 2.1.0 JSON schema (tests/schemas/) and GitHub code scanning's
extra requirements. Usage: validate_sarif.py SCHEMA FILE... Prints one line per problem; exit 1 on any."""
import json
import sys

import jsonschema


def github_checks(doc):
    problems = []
    for run in doc.get("runs", []):
        rules = run["tool"]["driver"].get("rules", [])
        ids = [r["id"] for r in rules]
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help", "defaultConfiguration"):
                if key not in r:
                    problems.append(f"rule {r['id']}: missing {key}")
            props = r.get("properties", {})
            sev = props.get("security-severity")
            try:
                if not 0.0 < float(sev) <= 10.0:
                    problems.append(f"rule {r['id']}: security-severity out of range")
            except (TypeError, ValueError):
                problems.append(f"rule {r['id']}: security-severity missing or not a number")
            if props.get("precision") not in ("very-high", "high", "medium", "low"):
                problems.append(f"rule {r['id']}: bad precision")
        for res in run.get("results", []):
            if res.get("ruleId") not in ids:
                problems.append(f"result rule {res.get('ruleId')} not in driver.rules")
            if "ruleIndex" in res and ids[res["ruleIndex"]] != res["ruleId"]:
                problems.append("ruleIndex does not point at ruleId")
            if not res.get("partialFingerprints"):
                problems.append(f"result {res.get('ruleId')}: no partialFingerprints")
            for loc in res.get("locations", []):
                art = loc["physicalLocation"]["artifactLocation"]
                uri = art["uri"]
                if uri.startswith("/") or "://" in uri or " " in uri:
                    problems.append(f"result uri not relative/encoded: {uri}")
                if art.get("uriBaseId") != "SRCROOT":
                    problems.append("result uri without uriBaseId")
    return problems


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        doc = json.load(open(path, encoding="utf-8"))
        for err in validator.iter_errors(doc):
            print(f"{path}: schema: {'/'.join(map(str, err.path))}: {err.message}")
            bad += 1
        for p in github_checks(doc):
            print(f"{path}: github: {p}")
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
