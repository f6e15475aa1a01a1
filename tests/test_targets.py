"""Target extraction: against the hand-checked list (tests/data/targets_expected.json) and written-out sentences."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.targets import extract_targets, filter_targets, targets_in_sentence
from ingest.types import Clause, Document, DocumentMeta
from policytext.numerals import chinese_numeral
from settings import REPO_ROOT

EXPECTED = json.loads((Path(__file__).parent / "data" / "targets_expected.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _prefix(library, target) -> str:
    """First three characters of the corpus file a target comes from."""
    return Path(library.documents[target.doc_id].source).name[:3]


def _match(expected: list[dict], found: list, library) -> list[tuple[dict, object]]:
    """One-to-one pairs: same document, unit, value (and range end), and the key phrase inside the sentence."""
    used: set[int] = set()
    pairs = []
    for e in expected:
        for i, t in enumerate(found):
            if i in used:
                continue
            if (
                _prefix(library, t) == e["doc"]
                and t.unit == e["unit"]
                and abs(t.value - e["value"]) < 1e-9
                and (t.value_max or None) == (e["value_max"] or None)
                and _norm(e["key"]) in _norm(t.text)
            ):
                used.add(i)
                pairs.append((e, t))
                break
    return pairs


@pytest.fixture(scope="module")
def library(retriever):
    return retriever.library


@pytest.fixture(scope="module")
def found(library):
    return extract_targets(library)


def _find(found, library, doc: str, value: float, unit: str, kind: str = "target"):
    hits = [t for t in found if _prefix(library, t) == doc and t.value == value and t.unit == unit and t.kind == kind]
    assert hits, f"expected a {kind} {value:g}{unit} in document {doc}; got {[(t.value, t.unit) for t in found]}"
    return hits


def test_precision_and_recall_against_the_hand_checked_list(found, library):
    started = time.perf_counter()
    again = extract_targets(library)
    seconds = time.perf_counter() - started
    assert again == found, "extraction must be deterministic"
    report = {}
    for kind, key in (("target", "targets"), ("status", "status")):
        got = [t for t in found if t.kind == kind]
        pairs = _match(EXPECTED[key], got, library)
        precision, recall = len(pairs) / max(1, len(got)), len(pairs) / len(EXPECTED[key])
        report[kind] = (precision, recall)
        missed = [e["key"] for e in EXPECTED[key] if all(e is not p[0] for p in pairs)]
        extra = [t.text[:40] for t in got if all(t is not p[1] for p in pairs)]
        print(
            f"\n{kind}: precision {precision:.3f} recall {recall:.3f} ({len(pairs)} matched, {len(got)} found, "
            f"{len(EXPECTED[key])} expected; extraction {seconds * 1000:.0f} ms)"
        )
        assert precision >= 0.9 and recall >= 0.9, f"{kind}: missed {missed}; not in the list {extra}"
    pairs = _match(EXPECTED["targets"], [t for t in found if t.kind == "target"], library)
    wrong_year = [(e["key"], e["year"], t.year) for e, t in pairs if e["year"] != t.year]
    wrong_cmp = [(e["key"], e["comparator"], t.comparator) for e, t in pairs if e["comparator"] != t.comparator]
    assert len(wrong_year) <= len(pairs) // 10, f"years differ from the hand-checked list: {wrong_year}"
    assert len(wrong_cmp) <= len(pairs) // 10, f"comparators differ from the hand-checked list: {wrong_cmp}"


def test_huludao_coverage_goal_is_60_percent_or_more_in_2020(found, library):
    coverage = [t for t in _find(found, library, "001", 60, "%") if "帮扶覆盖面" in t.text]
    assert len(coverage) == 1, coverage
    t = coverage[0]
    assert (t.comparator, t.year, t.kind) == ("以上", "2020", "target")
    assert "帮扶覆盖面" in t.measure and t.region == "辽宁省葫芦岛市"
    assert t.clause_id in library.clause_index(), "a target cites a clause of the library"


def test_shanghai_goals_for_2017_share_the_sentence(found, library):
    (half,) = _find(found, library, "002", 50, "%")
    assert (half.year, half.comparator, half.scope) == ("2017", "覆盖", "全市")
    assert half.measure == "学区化、集团化办学覆盖义务教育阶段学校"
    (satisfaction,) = _find(found, library, "002", 85, "%")
    assert (satisfaction.year, satisfaction.comparator) == ("2017", "以上")
    assert "满意度" in satisfaction.measure


def test_current_state_is_kept_apart_from_goals(found, library):
    (rural,) = _find(found, library, "001", 87.4, "%", kind="status")
    assert rural.year == "2019" and "农村学校数占比" in rural.measure
    goals = filter_targets(found)
    assert all(t.kind == "target" for t in goals)
    assert not any(t.value == 87.4 for t in goals), "a 2019 share of rural schools is not a goal"
    assert any(t.value == 87.4 for t in filter_targets(found, kinds=("target", "status")))


def test_ranges_counts_and_chinese_numerals(found, library):
    pilots = [t for t in _find(found, library, "003", 2, "所") if "先行试点" in t.text]
    assert [(t.value, t.value_max, t.comparator, t.scope) for t in pilots] == [(2, 3, "至少", "各县市")]
    twice = [t for t in _find(found, library, "003", 2, "次") if "二次以上" in t.text]
    assert twice and twice[0].comparator == "至少"
    groups = [t for t in _find(found, library, "004", 2, "个") if "两个教育集团" in t.text]
    assert groups and groups[0].year == "2014—2016", "a plan's goals without a year take the plan's period"
    steps = sorted(t.value for t in found if _prefix(library, t) == "003" and t.unit == "%")
    assert steps == [22, 78, 100], "the (2个)/(7个)/(9个) restating each share are not extra goals"


def test_document_numbers_dates_and_article_numbers_are_not_quantities(found):
    assert not any(t.value >= 1900 for t in found), "years are not values"
    for t in found:  # the number read is really written before its unit (never 27号, 第111项, 2016年2月)
        assert _written_with_unit(t), f"{t.value:g}{t.unit} is not written in {t.text!r}"
        assert "第" + f"{t.value:g}" not in t.text
    assert not any("〔2015〕27号" in t.text or "第111项" in t.text for t in found)


def _written_with_unit(t) -> bool:
    """The target's value, in Arabic or Chinese numerals (a range's upper end may follow), right before its unit."""
    numerals = {f"{t.value:g}"}
    if t.value == int(t.value) and 0 < t.value < 10000:
        numerals |= {chinese_numeral(int(t.value)), *(["两"] if t.value == 2 else [])}
    after = r"(?:\s*[—–\-~～至到]\s*[\d一二两三四五六七八九十百]+)?\s*"
    return any(re.search(re.escape(n) + after + re.escape(t.unit), t.text) for n in numerals)


def test_a_value_counts_only_when_written_before_its_unit():
    doc = _doc([])
    clause = Clause("c", "d", (), "", 0, 0, 0)
    (three,) = targets_in_sentence("每校至少配备3名专职教师。", doc, clause)
    (two,) = targets_in_sentence("每学期开展两次以上活动。", doc, clause)
    assert _written_with_unit(three) and _written_with_unit(two)
    assert not _written_with_unit(replace(three, value=4.0)), "a value not in the sentence is caught"
    assert not _written_with_unit(replace(two, unit="所")), "a unit not after the value is caught"


def test_filters_by_region_alias_and_year_overlap(found, library):
    bazhou = filter_targets(found, regions=("巴州",))
    assert bazhou and {_prefix(library, t) for t in bazhou} == {"003"}
    window = filter_targets(found, year_from=2016, year_to=2017)
    prefixes = {(_prefix(library, t), t.year) for t in window}
    assert ("000", "2017") in prefixes and ("002", "2017") in prefixes and ("004", "2014—2016") in prefixes
    assert all(t.year for t in window), "a goal without a year cannot match a year filter"
    assert not any(t.year in ("2015", "2018", "2020", "2014") for t in window)
    assert filter_targets(found, regions=("天津",)) == []


def _doc(sentences: list[str], **meta) -> Document:
    clauses = tuple(Clause(f"d-{i}", "d", (), s, 0, len(s), i) for i, s in enumerate(sentences))
    return Document(
        "d", "corpus/x.txt", "", "", DocumentMeta(title="测试文件", city="某市", level="市", **meta), clauses
    )


def test_written_out_sentences():
    doc = _doc([], date="2016-03-01")
    clause = Clause("c", "d", (), "", 0, 0, 0)

    def read(sentence):
        return [
            (t.kind, t.value, t.value_max, t.unit, t.comparator, t.year)
            for t in targets_in_sentence(sentence, doc, clause)
        ]

    assert read("到2018年底,全县集团化办学覆盖率达到90%以上,新建学校不少于3所。") == [
        ("target", 90, None, "%", "以上", "2018"),
        ("target", 3, None, "所", "不少于", "2018"),
    ]
    assert read("截至2015年底,全市已组建教育集团12个。") == [("status", 12, None, "个", "", "2015")]
    assert read("2014年新建了3所学校。") == [("status", 3, None, "所", "", "2014")], "a year before issue is a fact"
    assert read("每年至少组织两次联合教研,每次不少于半天。") == [("target", 2, None, "次", "至少", "")]
    assert read("根据《通知》(教基〔2016〕12号)和第3项任务,学习党的十八大精神。") == []
    assert read("在二道区,以一所优质学校为龙头。") == []
    assert read("各校每学期选派3—5名骨干教师到成员校任教。")[0][1:4] == (3, 5, "名")


def test_cli_lists_goals_and_marks_status_only_with_all(indexed_settings):
    env = {
        "POLICY_INDEX_DIR": str(indexed_settings.index_dir),
        "POLICY_CORPUS_DIR": str(indexed_settings.corpus_dir),
        "PATH": "/usr/bin:/bin",
    }
    run = [sys.executable, "-m", "assistant", "targets"]
    goals = subprocess.run(
        [*run, "--json", "--region", "上海"], capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=True
    )
    data = json.loads(goals.stdout)
    assert sorted(t["value"] for t in data) == [50, 85] and all(t["kind"] == "target" for t in data)
    plain = subprocess.run(run, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=True).stdout
    every = subprocess.run([*run, "--all"], capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=True).stdout
    assert "87.4%" not in plain and "【现状】" not in plain
    assert any(line.startswith("【现状】") and "87.4%" in line for line in every.splitlines())
    none = subprocess.run([*run, "--region", "天津"], capture_output=True, text=True, env=env, cwd=REPO_ROOT)
    assert none.returncode == 1 and none.stderr.strip().startswith("error:") and len(none.stderr.splitlines()) == 1
