"""The benchmark's metric functions on hand-made inputs with answers worked out by hand."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from conftest import corpus_file

from bench.baseline import CHUNK_OVERLAP, CHUNK_SIZE, naive_chunks
from bench.metrics import (
    Cited,
    answer_support,
    best_rank,
    hit_at,
    key_rank,
    key_ranks,
    match_targets,
    median,
    mrr,
    percentile,
    recall_at,
    row_recall,
    verdict,
)
from bench.report import table, width
from bench.synth import Region, rename_regions, shuffle_line, variant, write_corpus
from ingest.load import load_text

RANKING = [
    ("001_x.txt", "优质学校对农村学校帮扶覆盖面达到60%以上。"),
    ("000_y.txt", "按照地理位置相对就近、办学水平大致均衡的原则划分学区。"),
    ("003_z.txt", "各县市至少确定2—3所学校先行试点。"),
    ("000_y.txt", "加强组织领导,建立保障体系。"),
]


def test_key_rank_needs_the_document_prefix_and_ignores_whitespace():
    assert key_rank(RANKING, "000", "地理位置 相对就近") == 2
    assert key_rank(RANKING, "001", "地理位置相对就近") is None, "the key is only in a 000 file"
    assert key_rank(RANKING, "003", "至少确定2—3所学校") == 3
    assert key_rank(RANKING, "004", "覆盖面") is None


def test_best_rank_of_several_keys():
    expect = [{"doc": "000", "key": "建立保障体系"}, {"doc": "001", "key": "帮扶覆盖面"}, {"doc": "002", "key": "无"}]
    assert key_ranks(RANKING, expect) == [4, 1, None]
    assert best_rank([4, 1, None]) == 1
    assert best_rank([None, None]) is None


def test_hit_at_k_and_mrr_on_known_ranks():
    ranks = [1, 2, None, 5]
    assert hit_at(ranks, 1) == 0.25
    assert hit_at(ranks, 3) == 0.5
    assert hit_at(ranks, 5) == 0.75
    assert mrr(ranks) == pytest.approx((1 + 0.5 + 0 + 0.2) / 4)
    assert hit_at([], 5) == 0.0 and mrr([]) == 0.0


def test_recall_at_k_is_the_mean_share_of_keys_per_question():
    # question 1: 2 of 3 keys in the top 10; question 2: 1 of 1 -> (2/3 + 1) / 2
    assert recall_at([[1, 12, 4], [9]], 10) == pytest.approx((2 / 3 + 1) / 2)
    assert recall_at([[None, None]], 10) == 0.0


def test_percentiles_interpolate():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert median(values) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)  # 40 + 0.8 * 10
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(median([]))


def test_answer_support_strict_and_cited_variants():
    expect = [{"doc": "000", "key": "地理位置相对就近、办学水平大致均衡"}]
    clause = Cited("000_y.txt", RANKING[1][1])
    in_text = answer_support("按照地理位置相对就近、办学水平大致均衡的原则划分[1]。", [clause], expect)
    assert in_text == {"in_answer": True, "in_cited": True}
    only_cited = answer_support("按原则划分学区[1]。", [clause], expect)
    assert only_cited == {"in_answer": False, "in_cited": True}
    wrong_doc = answer_support(
        "按照地理位置相对就近、办学水平大致均衡划分[1]。", [Cited("002_q.txt", clause.text)], expect
    )
    assert wrong_doc == {"in_answer": False, "in_cited": False}, "a citation must point at the expected document"


def test_row_recall_checks_each_key_in_its_own_document_row():
    rows = [("000_y.txt", ["加强组织领导,建立保障体系。"]), ("004_w.txt", [])]
    expect = [
        {"doc": "000", "key": "加强组织领导"},
        {"doc": "004", "key": "领导小组"},
        {"doc": "002", "key": "加强组织领导"},
    ]
    assert row_recall(rows, expect) == [True, False, False]


def test_match_targets_pairs_each_extraction_once_and_prefers_the_keyed_sentence():
    expected = [
        {"doc": "003", "value": 1, "unit": "次", "key": "每学期进行一次专题调查研究"},
        {"doc": "003", "value": 1, "unit": "次", "key": "每学年召开一次工作分析会议"},
        {"doc": "001", "value": 60, "unit": "%", "key": "覆盖面达到60%以上"},
    ]
    extracted = [
        {"doc": "003_z.txt", "value": 1.0, "unit": "次", "text": "每学年召开一次工作分析会议。"},
        {"doc": "003_z.txt", "value": 1.0, "unit": "次", "text": "每学期进行一次专题调查研究。"},
        {"doc": "003_z.txt", "value": 1.0, "unit": "名", "text": "至少派出1名中层或后备干部。"},
    ]
    pairs, missed, unexpected = match_targets(expected, extracted)
    assert [(e["key"], x["text"]) for e, x in pairs] == [
        ("每学期进行一次专题调查研究", "每学期进行一次专题调查研究。"),
        ("每学年召开一次工作分析会议", "每学年召开一次工作分析会议。"),
    ]
    assert [e["key"] for e in missed] == ["覆盖面达到60%以上"]
    assert [x["unit"] for x in unexpected] == ["名"]


def test_verdict():
    assert verdict(0.91, ">=", 0.90) == "PASS"
    assert verdict(0.89, ">=", 0.90) == "FAIL"
    assert verdict(1.2, "<", 1.0) == "FAIL"
    assert verdict(None, "<=", 50) == "n/a"
    assert verdict(float("nan"), "<=", 50) == "n/a"


def test_baseline_windows_are_250_characters_with_50_of_overlap():
    text = "".join(chr(0x4E00 + i % 400) for i in range(600))  # no separator to split on
    chunks = naive_chunks(text)
    assert [len(c) for c in chunks] == [250, 250, 200]
    assert chunks[1] == text[200:450] and chunks[2] == text[400:600]
    assert chunks[0][-CHUNK_OVERLAP:] == chunks[1][:CHUNK_OVERLAP]


def test_baseline_chunks_of_a_raw_corpus_file_stay_within_the_window():
    raw = load_text(corpus_file("000"), max_bytes=20 * 1024 * 1024)
    chunks = naive_chunks(raw)
    assert chunks and max(len(c) for c in chunks) <= CHUNK_SIZE
    assert any("晋教基〔2015〕27号" in c for c in chunks), "the raw text (chrome and all) is chunked, nothing dropped"
    assert any("宰相的博客" in c for c in chunks), "no cleaning: web chrome stays in the baseline's chunks"


def test_shuffle_line_keeps_the_first_sentence_and_every_other_one():
    line = "(一)加强组织领导。甲要做好规划。乙要落实经费。丙要督促检查。  "
    shuffled = shuffle_line(line, random.Random(3))
    assert shuffled.startswith("(一)加强组织领导。") and shuffled.endswith("  ")
    assert Counter(shuffled) == Counter(line)
    assert shuffle_line("只有一句。", random.Random(3)) == "只有一句。"


def test_rename_regions_moves_a_document_to_another_region():
    region = Region("河北省", "冀", "石家庄市", "长安区")
    text = "长春市二道区人民政府 长二府发〔2014〕60号 山西省教育厅 晋教基 上海市 沪教委基"
    assert (
        rename_regions(text, region)
        == "石家庄市长安区人民政府 石长府发〔2014〕60号 河北省教育厅 冀教基 石家庄市 冀教委基"
    )


def test_synthetic_copies_differ_from_the_seed_and_from_each_other(tmp_path):
    seed = corpus_file("002")
    files = write_corpus([seed], 3, tmp_path)
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert [f.name for f in files] == ["002_s000.txt", "002_s001.txt", "002_s002.txt"]
    assert texts[0] == seed.read_text(encoding="utf-8"), "copy 0 is the seed itself"
    assert len(set(texts)) == 3
    assert "上海市教育委员会" not in texts[1] and "教育委员会关于促进优质均衡发展" in texts[1]
    assert variant("到2017年底覆盖50%的学校。", 1, random.Random(0)) != "到2017年底覆盖50%的学校。"


def test_table_aligns_chinese_cells():
    out = table(["id", "question"], [["d01", "学区制"], ["d22", "abc"]]).splitlines()
    assert width("学区制") == 6
    assert out[2] == "d01  学区制" and out[3] == "d22  abc"


def test_forget_queries_empties_a_query_vector_cache_and_ignores_retrievers_without_one():
    from types import SimpleNamespace

    from bench.retrieval_eval import forget_queries

    cache = {"学区制": [0.1, 0.2]}
    with_cache = SimpleNamespace(clear_query_cache=cache.clear)
    forget_queries(with_cache)
    assert cache == {}
    forget_queries(SimpleNamespace())  # nothing to forget, no error
