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


# --- the outcome, conversation and per-document compare sets --------------------------------------


def _answer(text: str, outcome: str = "answered", cited=(("002_a.txt", "市教委牵头推进。"),), resolved: str = ""):
    from types import SimpleNamespace

    citations = tuple(SimpleNamespace(source=f"corpus/{name}", text=t) for name, t in cited)
    return SimpleNamespace(answer=text, outcome=outcome, abstained=outcome != "answered", citations=citations,
                           resolved_question=resolved)  # fmt: skip


def test_lead_sentence_is_the_first_cited_sentence_without_notes_or_labels():
    from bench.dialogue_eval import lead_sentence

    text = "文库中没有北京市的文件。\n上海市《实施意见》：到2017年底覆盖50%。[1]另有规定。[2]\n山西省《意见》：其他。[3]"
    assert lead_sentence(text) == "到2017年底覆盖50%。[1]"
    assert lead_sentence("上海市《意见》列出3项：委托管理式[1]；多法人组合式[2]。") == "上海市《意见》列出3项：委托管理式[1]；多法人组合式[2]。"
    assert lead_sentence("文件未明确规定时间。") == ""


def test_an_answer_is_judged_on_its_outcome_support_and_lead():
    from bench.dialogue_eval import judge_answer

    expect = [{"doc": "002", "key": "覆盖50%"}]
    led = judge_answer(_answer("上海市《意见》：到2017年底覆盖50%。[1]其他。[1]"), expect)
    assert led == {"outcome": "answered", "lead": True, "in_answer": True, "in_cited": True}
    second = judge_answer(_answer("上海市《意见》：其他。[1]到2017年底覆盖50%。[1]"), expect)
    assert second["in_answer"] and not second["lead"], "held, but not in the first sentence"
    other_doc = judge_answer(_answer("山西省：覆盖50%。[1]", cited=(("000_b.txt", "覆盖50%。"),)), expect)
    assert not other_doc["in_answer"] and not other_doc["lead"], "the key's own document must be cited"
    assert judge_answer(_answer("文件未明确规定。", "not_stated", cited=()), [])["outcome"] == "not_stated"


def test_answer_set_counts_outcomes_apart_for_answerable_and_unanswerable():
    from bench.dialogue_eval import run_answer_set

    questions = [
        {"id": "a1", "q": "甲", "expect": [{"doc": "002", "key": "牵头推进"}]},
        {"id": "a2", "q": "乙", "expect": [{"doc": "002", "key": "不存在的句子"}]},
        {"id": "u1", "q": "丙", "expect": []},
        {"id": "u2", "q": "丁", "expect": []},
    ]
    replies = {"甲": _answer("上海：市教委牵头推进。[1]"), "乙": _answer("未找到。", "refused", cited=()),
               "丙": _answer("文件未明确规定。", "not_stated", cited=()), "丁": _answer("上海：市教委牵头推进。[1]")}  # fmt: skip
    figures = run_answer_set(lambda q: replies[q], questions)
    assert figures["answerable"] == {"n": 2, "outcomes": {"answered": 1, "refused": 1}, "support_in_answer": 0.5,
                                     "support_in_cited": 0.5, "not_answered": 0.5, "lead_holds_fact": 1.0}  # fmt: skip
    assert figures["unanswerable"] == {"n": 2, "outcomes": {"not_stated": 1, "answered": 1}, "not_answered": 0.5}


def test_conversations_are_asked_with_their_history_and_follow_ups_scored_by_kind():
    from bench.dialogue_eval import run_conversations

    seen = []

    def ask_in(q, history):
        seen.append((q, [t.question for t in history]))
        return _answer("上海：市教委牵头推进。[1]", resolved=f"读作{q}") if q != "还有呢" else _answer("无", "not_stated", ())

    conv = {"id": "c1", "turns": [{"q": "谁牵头", "expect": [{"doc": "002", "key": "牵头推进"}]},
                                  {"q": "那上海呢", "followup": "region", "expect": [{"doc": "002", "key": "牵头推进"}]},
                                  {"q": "还有呢", "followup": "more", "expect": []}]}  # fmt: skip
    figures = run_conversations(ask_in, [conv])
    assert seen == [("谁牵头", []), ("那上海呢", ["谁牵头"]), ("还有呢", ["谁牵头", "那上海呢"])]
    assert figures["first_turns_right"] == 1.0 and figures["followups_right"] == 1.0 and figures["followups"] == 2
    assert figures["by_kind"] == {"more": {"right": 1.0, "n": 1}, "region": {"right": 1.0, "n": 1}}
    assert figures["per_turn"]["c1.2"]["resolved"] == "读作那上海呢"


def test_compare_rows_score_each_document_and_its_silence():
    from types import SimpleNamespace

    from bench.dialogue_eval import run_compare_rows

    def row(name, *texts):
        clauses = tuple(SimpleNamespace(text=t) for t in texts)
        return SimpleNamespace(source=f"corpus/{name}", clauses=clauses, covered=bool(clauses))

    result = SimpleNamespace(rows=(row("000_a.txt", "其他", "教师相互交流"), row("001_b.txt"), row("002_c.txt", "无关")))
    q = {"id": "k1", "q": "交流", "expect": [{"doc": "000", "key": "教师相互交流"}, {"doc": "002", "key": "骨干流动"}],
         "absent": ["001", "002"]}  # fmt: skip
    figures = run_compare_rows(lambda _: result, [q])
    assert figures["row_recall"] == 0.5 and figures["row_lead"] == 0.0, "found in 000's row, but not first"
    assert figures["absent_right"] == 0.5, "001 is 未涉及 as expected, 002 is not"


def test_the_dialogue_sets_quote_their_documents_verbatim():
    from bench.__main__ import DIALOGUE_DIR, dialogue_sets
    from bench.dialogue_eval import load_jsonl
    from bench.metrics import squash

    assert "dev" in dialogue_sets(DIALOGUE_DIR)
    texts = {p.name[:3]: squash(p.read_text(encoding="utf-8")) for p in corpus_file("000").parent.glob("*.txt")}
    for name in dialogue_sets(DIALOGUE_DIR):
        for kind in ("answers", "conversations", "compare"):
            for item in load_jsonl(DIALOGUE_DIR / f"{kind}_{name}.jsonl"):
                expects = [e for t in item.get("turns", [item]) for e in t["expect"] + t.get("related", [])]
                for e in expects:
                    assert squash(e["key"]) in texts[e["doc"]], (name, item["id"], e)
