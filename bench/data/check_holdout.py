#!/usr/bin/env python3
"""Verify holdout.jsonl keys against the corpus (standard library only).

For every expect entry: normalise the document text (full-width ASCII-range
characters -> half-width, all whitespace removed) and assert that the key
(whitespace removed, same normalisation) occurs in it, and occurs inside a
single line (paragraph) of the file. Also checks type counts, key length,
question format, and warns about keys that appear in other documents or
that overlap dev.jsonl keys.

Usage: python3 check_holdout.py [holdout.jsonl] [corpus_dir] [dev.jsonl]
"""
import glob
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
HOLDOUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "holdout.jsonl")
CORPUS = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/corpus"
DEV = sys.argv[3] if len(sys.argv) > 3 else "/work/shared/eval/dev.jsonl"

EXPECTED_COUNTS = {"mode": 6, "requirement": 8, "target": 5, "mechanism": 7,
                   "paraphrase": 7, "compare": 4, "meta": 1, "unanswerable": 2}


def norm(s):
    # full-width ASCII range U+FF01..U+FF5E -> U+0021..U+007E, ideographic space -> space
    out = []
    for ch in s:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif o == 0x3000:
            ch = " "
        out.append(ch)
    return re.sub(r"\s+", "", "".join(out))


def load_docs():
    docs = {}
    for p in sorted(glob.glob(os.path.join(CORPUS, "*.txt"))):
        did = os.path.basename(p).split("_")[0]
        with open(p, encoding="utf-8") as f:
            raw = f.read()
        docs[did] = (norm(raw), [norm(line) for line in raw.splitlines()])
    return docs


def main():
    docs = load_docs()
    errors, warnings = [], []
    rows = [json.loads(line) for line in open(HOLDOUT, encoding="utf-8") if line.strip()]
    dev_keys, dev_qs = set(), set()
    if os.path.exists(DEV):
        for line in open(DEV, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                dev_qs.add(r["q"])
                dev_keys.update(norm(e["key"]) for e in r["expect"])

    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        errors.append("duplicate ids")
    counts = Counter(r["type"] for r in rows)
    if dict(counts) != EXPECTED_COUNTS:
        errors.append(f"type counts {dict(counts)} != {EXPECTED_COUNTS}")

    for r in rows:
        rid, q, exp = r["id"], r["q"], r["expect"]
        if set(r) != {"id", "type", "q", "expect"}:
            errors.append(f"{rid}: unexpected fields {sorted(r)}")
        if not q.endswith("?"):
            errors.append(f"{rid}: question does not end with ASCII ?")
        if q in dev_qs:
            errors.append(f"{rid}: question copied from dev")
        if r["type"] == "unanswerable":
            if exp:
                errors.append(f"{rid}: unanswerable must have empty expect")
            continue
        if not exp:
            errors.append(f"{rid}: empty expect")
        if r["type"] == "compare":
            dids = [e["doc"] for e in exp]
            if not 2 <= len(exp) <= 4 or len(set(dids)) != len(dids):
                errors.append(f"{rid}: compare needs 2-4 entries, one per doc")
        for e in exp:
            did, key = e["doc"], norm(e["key"])
            if key != e["key"].replace(" ", ""):
                warnings.append("{}: key not written in normalised form: {!r}".format(rid, e["key"]))
            if not 8 <= len(key) <= 30:
                warnings.append(f"{rid}: key length {len(key)} outside 8-30: {key}")
            if did not in docs:
                errors.append(f"{rid}: unknown doc {did}")
                continue
            full, lines = docs[did]
            n = full.count(key)
            if n == 0:
                errors.append(f"{rid}: key not found in {did}: {key}")
                continue
            if n > 1:
                warnings.append(f"{rid}: key occurs {n} times in {did}: {key}")
            if not any(key in ln for ln in lines):
                errors.append(f"{rid}: key spans more than one line in {did}: {key}")
            others = [d for d, (t, _) in docs.items() if d != did and key in t]
            if others:
                warnings.append(f"{rid}: key also in docs {others}: {key}")
            for dk in dev_keys:
                if key in dk or dk in key:
                    warnings.append(f"{rid}: key overlaps dev key {dk}: {key}")

    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    entries = sum(len(r["expect"]) for r in rows)
    print(f"{len(rows)} questions, {entries} expect entries, counts={dict(counts)}")
    if errors:
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
