"""compare: per-document retrieval, 未涉及 decided by the topic's words, filters, bad input, exports, CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from conftest import cli_env

from assistant.compare import Concept, compare, mentions, topic_concepts
from assistant.export import comparison_csv, comparison_docx, comparison_markdown, write_bytes
from errors import BadQuery, OutputError
from ingest.types import Clause
from policytext.question import core_topic, topic_head
from retrieval.types import SearchFilters
from settings import REPO_ROOT

DEV = REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _row(comparison, prefix: str):
    return next(r for r in comparison.rows if Path(r.source).name.startswith(prefix))


@pytest.fixture(scope="module")
def exchange(retriever):
    return compare("教师交流", retriever)


def test_shanghai_backbone_teacher_flow_is_in_its_own_row(exchange, retriever):
    shanghai = _row(exchange, "002")
    assert shanghai.region == "上海市" and shanghai.doc_number == "沪教委基〔2015〕80号"
    assert any("骨干教师柔性流动、学科基地建设、联校教研开展、特需教师配送" in c.text for c in shanghai.clauses), (
        "the Shanghai clause on 骨干教师流动 belongs in 002's row"
    )
    index = retriever.library.clause_index()
    for row in exchange.rows:
        assert all(index[c.clause_id][1].doc_id == row.doc_id for c in row.clauses), "provisions never mix documents"
        assert 1 <= len(row.clauses) <= 3 or not row.covered
        scores = [c.score for c in row.clauses]
        assert scores == sorted(scores, reverse=True)


def test_a_document_silent_on_the_topic_is_not_covered(exchange):
    huludao = _row(exchange, "001")
    # 001 speaks of 干部交流培养 and 教师教育教学能力提升, never of teachers being exchanged
    assert not huludao.covered, [c.text[:40] for c in huludao.clauses]
    assert _row(exchange, "004").covered and any("教师交流" in c.text for c in _row(exchange, "004").clauses)


def test_the_head_of_a_modified_topic_decides_what_is_shown(retriever):
    # 集团化办学的经费保障: the topic is 经费保障; clauses on 集团化办学 alone are not provisions on it.
    result = compare("各地对集团化办学的经费保障分别有什么规定?", retriever)
    shown = [c.text for row in result.rows for c in row.clauses]
    assert shown and all(re.search("经费|投入|资金|保障", text) for text in shown), [t[:30] for t in shown]
    assert any("加强投入保障" in c.text for c in _row(result, "002").clauses)


def test_rows_carry_region_title_number_and_date(exchange):
    shanxi = _row(exchange, "000")
    assert (shanxi.region, shanxi.doc_number, shanxi.date) == ("山西省", "晋教基〔2015〕27号", "2015-12-25")
    assert shanxi.title == "山西省教育厅关于积极推进义务教育办学模式改革的指导意见"
    assert len(exchange.rows) == 5 and exchange.topic == "教师交流"


def test_dev_compare_recall(retriever):
    assert DEV.exists(), f"the shared dev questions belong beside the repo: {DEV}"
    questions = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = total = 0
    missed = []
    for q in (q for q in questions if q["type"] == "compare"):
        comparison = compare(q["q"], retriever)
        for e in q["expect"]:
            ok = any(_norm(e["key"]) in _norm(c.text) for c in _row(comparison, e["doc"]).clauses)
            found, total = found + ok, total + 1
            if not ok:
                missed.append((q["id"], e))
    print(f"\ncompare recall on dev compare questions: {found}/{total} = {found / total:.3f}")
    assert found / total >= 0.95, missed


def test_nonsense_topic_leaves_every_row_uncovered(retriever):
    comparison = compare("量子计算机芯片", retriever)
    assert len(comparison.rows) == 5 and not any(r.covered for r in comparison.rows)


@pytest.mark.parametrize("topic", ["", "   ", "？？！", "的了吗"])
def test_empty_topic_is_refused(retriever, topic):
    with pytest.raises(BadQuery) as err:
        compare(topic, retriever)
    assert err.value.zh and "\n" not in str(err.value)


def test_filters(retriever):
    bazhou = compare("教师交流", retriever, SearchFilters(regions=("巴州",)))
    assert [Path(r.source).name[:3] for r in bazhou.rows] == ["003"]
    for filters in (SearchFilters(regions=("天津",)), SearchFilters(year_from=2030)):
        with pytest.raises(BadQuery, match="No document matches"):
            compare("教师交流", retriever, filters)
    with pytest.raises(BadQuery) as err:
        compare("天津的集团化办学", retriever)
    assert "天津" in err.value.zh


def test_framed_topics_split_into_concepts():
    assert [c.name for c in topic_concepts("各地对教师在学校之间流动分别是怎么安排的?")] == ["教师", "学校", "流动"]
    # a verb saying a document mentions something (提到, 涉及) frames the topic, it is no concept of it
    assert [c.name for c in topic_concepts("哪些文件提到了督导评估?")] == ["督导评估"]
    assert [c.name for c in topic_concepts("各文件有没有涉及集团章程?")] == ["集团", "章程"]
    assert [c.name for c in topic_concepts("集团的领导班子怎么设置?")] == ["集团", "领导班子"]
    assert [c.name for c in topic_concepts("各市的工作方案向哪个单位上报?")] == ["工作方案", "上报"]
    # X模式 names X: 模式 is no concept a clause must name (集团化办学 is said without it)
    assert [c.name for c in topic_concepts("各地对合作共建的联盟模式有什么规定?")] == ["合作", "共建", "联盟"]
    # X工作 / X问题 is about X: a clause on 德育 is on 德育工作 (one word to the tokenizer)
    (moral,) = topic_concepts("各地的德育工作有什么要求?")
    assert mentions("加强德育模式的交流", moral) and not mentions("加强工作统筹", moral)
    # X或者类似的Y: Y is another X, not the head X is the modifier of
    topic = "“名师工作室”或者类似的骨干教师带教,各地怎么说?"
    assert topic_head(core_topic(topic)) == "" and "类似" not in [c.name for c in topic_concepts(topic)]


def test_a_compound_the_library_never_writes_gives_way_to_the_words_inside_it(retriever):
    library = retriever.library
    # no clause says 择校热; 择校 is what the documents write (有效破解义务教育“择校”难题)
    assert [c.name for c in topic_concepts("缓解择校热", library)] == ["缓解", "择校"]
    # a word with nothing inside it stays, and a compound the library writes keeps its whole
    assert [c.name for c in topic_concepts("学区的划分和管理", library)] == ["学区", "划分、管理"]
    assert [c.name for c in topic_concepts("骨干教师流动", library)] == ["骨干教师流动"]


def test_coordinated_words_are_one_concept_either_of_which_a_clause_may_name():
    concepts = {c.name: c for c in topic_concepts("各地在校长和教师的培训上有什么规定?")}
    assert set(concepts) == {"校长、教师", "培训"}
    assert mentions("加大教师培训力度", concepts["校长、教师"]) and mentions("校长任期", concepts["校长、教师"])
    assert [c.name for c in topic_concepts("集团与联盟的章程,三个文件怎么讲?")] == ["集团、联盟", "章程"]
    # 缓解 opens the second conjunct (缓解择校); it is not an alternative to 就近入学
    assert [c.name for c in topic_concepts("各地对就近入学、缓解择校怎么表述?")] == ["就近入学", "缓解", "择校"]
    assert [c.name for c in topic_concepts("学校的管理和考核")] == ["学校", "管理、考核"]
    # a question word taken out (要不要) closed the phrase before it
    assert [c.name for c in topic_concepts("考核不合格的学校和校长要不要问责?")] == ["考核", "合格", "学校、校长", "问责"]
    # 流动 after 教师交流 is 教师流动 (a synonym of it): not any 流动 (流动人口) nor any 交流
    (exchange,) = topic_concepts("几份文件对教师交流、流动有什么要求?")
    assert mentions("鼓励骨干教师柔性流动", exchange) and mentions("教师流动", exchange)
    assert not mentions("将流动人口适龄子女就学纳入工作规划", exchange) and not mentions("干部交流培养", exchange)


def test_a_row_is_filled_when_its_document_names_either_of_two_coordinated_words(retriever):
    both = compare("各地对干部和教师的交流有什么规定?", retriever)
    cadres_only = compare("各地对干部的交流有什么规定?", retriever)
    assert {r.doc_id for r in cadres_only.rows if r.covered} <= {r.doc_id for r in both.rows if r.covered}
    texts = [c.text for r in both.rows for c in r.clauses]
    assert any("教师" in t and "交流" in t for t in texts) and any("干部" in t and "交流" in t for t in texts)


def test_an_aspect_named_first_is_what_every_row_must_state(retriever):
    rows = compare("组织领导方面,各地由谁负总责、怎么分工?", retriever).rows
    covered = [r for r in rows if r.covered]
    assert len(covered) >= 4, [(r.doc_id, r.covered) for r in rows]
    assert all(any(w in r.clauses[0].text for w in ("领导", "组织")) for r in covered), [r.clauses[0].text[:30] for r in covered]


def test_a_quantity_named_is_no_concept_and_the_clause_stating_it_leads_its_row(retriever):
    assert [c.name for c in topic_concepts("各地改革覆盖学校的比例分别是多少?")] == ["改革", "覆盖", "学校"]
    rows = [r for r in compare("各地改革覆盖学校的比例分别是多少?", retriever).rows if r.covered]
    assert len(rows) >= 3 and all("%" in r.clauses[0].text for r in rows), [r.clauses[0].text[:40] for r in rows]


def test_a_framed_question_compares_the_same_clauses_as_its_bare_topic(retriever):
    def shown(topic):
        return [[c.clause_id for c in row.clauses] for row in compare(topic, retriever).rows]

    assert shown("各地文件对教师交流分别是怎么安排的?") == shown("教师交流")
    names = [c.name for c in topic_concepts("各地对校长任用有什么规定?")]
    assert names == ["校长", "任用"], names
    exchange = next(c for c in topic_concepts("教师交流") if c.name == "教师交流")
    assert mentions("通过帮扶双方校领导互派挂职、教师相互交流", exchange)
    assert mentions("首先采取加大教师交流力度", exchange)
    assert not mentions("教师教育教学能力提升、干部交流培养", exchange), "parts far apart are not a mention"
    assert not mentions("各县区教育局要成立领导小组", Concept("芯片", ("芯片",)))


def test_words_no_document_uses_do_not_narrow_the_topic(retriever):
    def shown(topic):
        return [[c.clause_id for c in row.clauses] for row in compare(topic, retriever).rows]

    assert shown("资源共享平台那块儿,文件里都咋说的?") == shown("资源共享平台")  # 块儿, 咋说: no clause uses them
    assert shown("高校参与这事儿,哪些文件提到了?") == shown("高校参与")
    assert not any(row.covered for row in compare("量子芯片散热这一块", retriever).rows), "a foreign topic stays 未涉及"


def test_a_preamble_naming_the_topic_is_no_provision(retriever):
    from assistant.compare import _framing_only

    rows = {r.doc_id: r for r in compare("督导检查", retriever).rows}
    huludao = next(r for r in rows.values() if Path(r.source).name.startswith("001"))
    assert not huludao.covered, [c.text[:40] for c in huludao.clauses]  # only its preamble names 考核
    assert sum(r.covered for r in rows.values()) == 4
    exam = topic_concepts("考核")
    preamble = Clause("c1", "d1", (), "为落实省里考核工作要求,现将有关安排通知如下:", 0, 0, 0)
    assert _framing_only(preamble, exam)
    exhortation = Clause("c2", "d1", (), "各县要高度重视考核工作,每年考核一次。", 0, 0, 1)
    assert not _framing_only(exhortation, exam), "an exhortation still provides"


def test_asked_which_kinds_there_are_the_clause_listing_them_leads_its_row(retriever):
    shanxi = _row(compare("各地推行了哪些办学模式?", retriever), "000")
    assert "教育联盟、集团化办学、学区制管理、对口帮扶" in shanxi.clauses[0].text, shanxi.clauses[0].text[:40]


def test_exchange_and_flow_are_one_concept(retriever):
    shanxi = _row(compare("干部教师的交流流动", retriever), "000")
    assert shanxi.covered and "教师相互交流" in shanxi.clauses[0].text, "交流 states what 流动 asks"
    assert [c.name for c in topic_concepts("教师流动")] == ["教师流动"]
    assert "交流" in next(c for c in topic_concepts("干部的流动") if c.name == "流动").forms


def test_exports(exchange, tmp_path):
    data = comparison_csv(exchange)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Chinese"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert any(r["条款原文"] == "未涉及" and r["地区"] == "辽宁省葫芦岛市" for r in rows)
    assert any("骨干教师柔性流动" in r["条款原文"] and r["文号"] == "沪教委基〔2015〕80号" for r in rows)
    md = comparison_markdown(exchange)
    assert md.startswith("# 主题对比:教师交流") and "| 辽宁省葫芦岛市 |" in md and "| 未涉及 |" in md
    path = write_bytes(tmp_path / "out" / "c.docx", comparison_docx(exchange))
    table = docx.Document(str(path)).tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["地区", "文件", "文号", "日期", "相关条款"]
    assert any(r[0] == "上海市" and "骨干教师柔性流动" in r[4] for r in cells[1:])
    assert any(r[0] == "辽宁省葫芦岛市" and r[4] == "未涉及" for r in cells[1:])


def test_unwritable_paths_leave_nothing(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for target in (blocker / "c.csv", tmp_path):  # under a regular file; an existing folder
        with pytest.raises(OutputError) as err:
            write_bytes(target, b"data")
        assert err.value.zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"], "no partial or temp file left behind"


def test_cli_json_and_errors(indexed_settings, tmp_path):
    env = cli_env(indexed_settings, tmp_path)
    out = tmp_path / "exports"
    run = [sys.executable, "-m", "assistant", "compare"]
    ok = subprocess.run(
        [*run, "教师交流", "--json", "--region", "上海", "--csv", str(out / "c.csv"), "--md", str(out / "c.md")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["topic"] == "教师交流" and [r["region"] for r in data["rows"]] == ["上海市"]
    assert data["rows"][0]["covered"] and data["rows"][0]["clauses"][0]["score"] > 0
    assert (out / "c.csv").read_bytes().startswith(b"\xef\xbb\xbf") and "骨干教师" in (out / "c.md").read_text()
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    for args in (
        ["量子计算机芯片", "--csv", str(tmp_path / "q.csv")],
        ["教师交流", "--docx", str(blocker / "c.docx")],
    ):  # (empty topics and empty filters are covered through the API above)
        bad = subprocess.run([*run, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT)
        lines = [ln for ln in bad.stderr.splitlines() if ln.startswith("error:")]
        assert bad.returncode == 1 and len(lines) == 1 and "Traceback" not in bad.stderr, bad.stderr
    assert not (tmp_path / "q.csv").exists(), "a topic nobody covers writes no file"


@pytest.mark.parametrize(
    ("topic", "doc", "stated"),
    [
        ("哪些文件写了对落实不力的要追责?", "000", "问责"),  # 追责 ≈ 问责
        ("帮扶学校之间的考核评价,各地怎么规定?", "001", "综合性考评"),  # 考评 ≈ 考核评价
        ("各地为这项改革设了什么领导机构?", "001", "成立领导小组"),  # 领导机构 ≈ 领导小组
        ("几个地方允许采用的办学模式", "002", "委托管理式、多法人组合式"),  # 办学模式 ≈ 办学形式
        ("各地怎样让高校参与进来?", "004", "东北师范大学"),  # a 师范大学 is a 高校
        ("各地对集团的领导班子怎么设置?", "000", "一套班子"),  # 领导班子 ≈ 班子; 怎么设置 only asks how
        ("各地在职称上给流动教师什么优先?", "002", "倾斜"),  # 优先 ≈ 倾斜
        ("各地的实施方案要向哪个部门报送?", "001", "报市教育局基础教育科"),  # 报市 ≈ 报送; 哪个部门 is asked
    ],
)
def test_a_document_saying_the_topic_in_a_synonym_has_it_in_its_row(retriever, topic, doc, stated):
    row = _row(compare(topic, retriever), doc)
    assert row.covered and any(stated in c.text for c in row.clauses), [c.text[:40] for c in row.clauses]


def test_a_document_naming_one_word_of_a_two_word_topic_keeps_its_row_when_another_names_both(retriever):
    # 巴州 writes 绩效工资 and 分配 in one clause; 上海 only 落实绩效工资倾斜政策: a provision on it all the same
    rows = {Path(r.source).name[:3]: r for r in compare("各地的绩效工资怎么分配", retriever).rows}
    assert any("分配" in c.text and "绩效工资" in c.text for c in rows["003"].clauses)
    assert any("绩效工资倾斜政策" in c.text for c in rows["002"].clauses), [c.text[:30] for c in rows["002"].clauses]
    assert not rows["000"].covered and not rows["004"].covered
