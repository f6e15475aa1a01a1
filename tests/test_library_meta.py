"""Metadata of the second library (../shared/library), field by field against a hand-checked list.

tests/data/library_meta.json was written by someone reading the documents, who had not seen the code:
the title, 文号, date and issuer each document prints, its region and level, and its type. Reading runs on
every document without embedding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_settings

from ingest.clean import clean
from ingest.document import body_sentences, build_document
from ingest.load import load_text
from ingest.meta import read_meta
from policytext.places import NATIONAL
from settings import REPO_ROOT

LIBRARY = REPO_ROOT.parent / "shared" / "library"
CHECKED = json.loads((Path(__file__).parent / "data" / "library_meta.json").read_text(encoding="utf-8"))
TARGET_SHARE = 0.95  # the target for titles, 文号, dates and issuers; held for every field


def _expected(entry: dict) -> dict:
    """The hand-checked fields as DocumentMeta names them (a cover notice's type is the type it wraps)."""
    return {
        "title": entry["title"],
        "doc_number": entry["doc_number"],
        "date": entry["date"],
        "issuer": entry["issuer"],
        "province": entry["province"],
        "city": entry["city"],
        "level": entry["level"],
        "doc_type": entry.get("attached_type") or entry["doc_type"],
        "region": entry["region"],
    }


def _read(meta) -> dict:
    """The same fields as read; region as the checker wrote it (most specific name, or 全国)."""
    fields = ("title", "doc_number", "date", "issuer", "province", "city", "level", "doc_type")
    return {**{f: getattr(meta, f) for f in fields}, "region": meta.region}


def _region_matches(read: str, expected: str) -> bool:
    """全国 for a central organ; else the read region (吉林省长春市二道区) ends with the name checked (二道区 or 长春市二道区)."""
    return read == expected or (bool(expected) and read.endswith(expected))


MAX_BYTES = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def read_back():
    assert LIBRARY.is_dir(), f"the second library belongs beside the repo: {LIBRARY}"
    return [(entry, _read(read_meta(clean(load_text(LIBRARY / entry["file"], MAX_BYTES))))) for entry in CHECKED]


def test_every_checked_document_is_read_and_only_the_empty_record_has_no_body(tmp_path):
    settings = make_settings(tmp_path)
    bodiless = [e["file"] for e in CHECKED if not body_sentences(build_document(LIBRARY / e["file"], settings).clauses)]
    assert bodiless == [e["file"] for e in CHECKED if e["notes"].startswith("Nearly empty record")]


def test_the_checked_list_covers_the_library():
    files = {e["file"] for e in CHECKED}
    assert len(files) == len(CHECKED) >= 40
    assert all((LIBRARY / f).is_file() for f in files)
    assert {e["level"] for e in CHECKED} >= {NATIONAL, "省", "市", "县区"}


@pytest.mark.parametrize("field", ["title", "doc_number", "date", "issuer", "province", "city", "level", "doc_type", "region"])
def test_field_read_right_for_the_checked_documents(read_back, field):
    wrong = []
    for entry, read in read_back:
        expected = _expected(entry)[field]
        ok = _region_matches(read[field], expected) if field == "region" else read[field] == expected
        if not ok:
            wrong.append(f"{entry['file'][6:30]}: expected {expected!r}, read {read[field]!r}")
    share = 1 - len(wrong) / len(read_back)
    print(f"\n{field}: {share:.3f} right ({len(read_back) - len(wrong)}/{len(read_back)})")
    assert share >= TARGET_SHARE, f"{field} right for {share:.2f} of the checked documents:\n" + "\n".join(wrong)
