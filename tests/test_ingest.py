"""Ingestion on the real corpus: chrome gone, metadata right, clauses in place and covering the body."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import cli_env, corpus_file, make_settings

from ingest.clean import clean
from ingest.document import build_document, parser_fingerprint
from ingest.meta import apply_sidecar, read_meta
from ingest.segment import heading_spans, segment
from policytext.sentences import normalize_for_match
from retrieval.library import load_library, save_library
from retrieval.pipeline import ingest_paths
from settings import REPO_ROOT

# Phrases that only the web pages around the policies contain.
CHROME = ["注册", "登录", "加关注", "新浪微博", "LOFTER", "阅读(", "评论", "网易公司版权所有", "<#--", "广告链接",
          "律师加盟", "上海法律网", "点击进入", "一网搜", "【字体", "在线客服", "返回顶部", "暂时没有相关评论", "您还可以输入",
          "订阅信息", "我有话要说", "举报"]

EXPECTED_META = {
    "000": dict(title="山西省教育厅关于积极推进义务教育办学模式改革的指导意见", issuer="山西省教育厅",
                doc_number="晋教基〔2015〕27号", date="2015-12-25", province="山西省", city="", county="",
                level="省", doc_type="意见", status="现行", period=""),
    "001": dict(title="关于做好县域内义务教育阶段优质学校帮扶农村学校促进义务教育优质均衡发展工作的通知", issuer="",
                doc_number="", date="", province="辽宁省", city="葫芦岛市", county="", level="市",
                doc_type="通知", status="现行", period=""),
    "002": dict(title="上海市教育委员会关于促进优质均衡发展、推进学区化集团化办学的实施意见", issuer="上海市教育委员会",
                doc_number="沪教委基〔2015〕80号", date="2015-11-12", province="上海市", city="", county="",
                level="省", doc_type="意见", status="现行", period=""),
    "003": dict(title="关于征求《关于推进县域义务教育学校联盟捆绑发展实施方案》意见的通知", issuer="巴州教育局",
                doc_number="", date="2014-03-11", province="新疆维吾尔自治区", city="巴音郭楞蒙古自治州", county="",
                level="市", doc_type="方案", status="征求意见稿", period=""),
    "004": dict(title="长春市二道区人民政府关于印发《二道区推进义务教育均衡发展规划(2014—2016)》的通知",
                issuer="长春市二道区人民政府", doc_number="长二府发〔2014〕60号", date="2014-08-28", province="吉林省",
                city="长春市", county="二道区", level="县区", doc_type="规划", status="现行", period="2014—2016"),
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("docs"))
    return {p: build_document(corpus_file(p), settings) for p in EXPECTED_META}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_META))
def test_no_chrome_survives_in_any_clause(documents, prefix):
    for clause in documents[prefix].clauses:
        leaked = [phrase for phrase in CHROME if phrase in clause.text]
        assert not leaked, f"{prefix} clause {clause.clause_id} keeps page chrome {leaked}: {clause.text[:60]}"


@pytest.mark.parametrize("prefix", sorted(EXPECTED_META))
def test_metadata_read_from_text(documents, prefix):
    meta = documents[prefix].meta
    for name, expected in EXPECTED_META[prefix].items():
        assert getattr(meta, name) == expected, f"{prefix}.{name}: expected {expected!r}, got {getattr(meta, name)!r}"


def test_group_clause_sits_under_its_mode_heading(documents):
    clause = next(c for c in documents["000"].clauses if "一个法人、一套班子" in c.text)
    assert clause.path == ("三、主要模式", "2.集团化办学")


@pytest.mark.parametrize("prefix", sorted(EXPECTED_META))
def test_clauses_and_headings_cover_the_body_once(documents, prefix):
    doc = documents[prefix]
    pieces = [(c.start, c.end) for c in doc.clauses] + [(h.start, h.end) for h in heading_spans(doc.text)]
    pieces.sort()
    for (_, end), (start, _) in zip(pieces, pieces[1:]):
        assert end <= start, f"{prefix}: overlapping pieces at {start}"
    rejoined = "".join(doc.text[a:b] for a, b in pieces)
    assert re.sub(r"\s", "", rejoined) == re.sub(r"\s", "", doc.text), f"{prefix}: text lost between clauses"
    for clause in doc.clauses:
        assert doc.text[clause.start : clause.end] == clause.text


def test_every_policy_sentence_is_kept(documents):
    raw = corpus_file("002").read_text(encoding="utf-8")
    body = normalize_for_match(documents["002"].text)
    for sentence in re.findall(r"[^。\n]{10,}。", raw):
        assert normalize_for_match(sentence) in body, f"sentence lost: {sentence[:40]}"


def test_bare_headings_are_paths_not_clauses(documents):
    texts = [c.text for c in documents["001"].clauses]
    assert "一、工作目标" not in texts
    assert any(c.path[:2] == ("二、主要工作", "(一)编制年度优质学校帮扶农村学校实施方案") for c in documents["001"].clauses)


def test_a_numbered_statement_opens_the_paragraph_below_it(documents):
    # "1.合理规划,完成4所新优质学校建设。" stands on its own line; its target must be quotable clause text.
    clause = next(c for c in documents["004"].clauses if "完成4所新优质学校建设" in c.text)
    assert clause.text.startswith("1.合理规划")
    assert "2014年完成英俊镇一所九年一贯制学校" in clause.text
    # A label without a full stop stays a heading: 一、工作目标 is only in paths.
    assert not any(c.text.startswith("一、工作目标") for c in documents["001"].clauses)


def test_inline_items_become_clauses(documents):
    clauses = documents["004"].clauses
    item = next(c for c in clauses if "建立定期招聘制度" in c.text)
    assert item.text.startswith("二是建立定期招聘制度")
    assert item.path[-1].startswith("二是建立定期招聘制度")


def test_long_items_are_split_at_sentence_ends(documents):
    for doc in documents.values():
        for clause in doc.clauses:
            assert len(clause.text) <= 260, f"{clause.clause_id} is {len(clause.text)} chars"
            if len(clause.text) > 60:
                assert clause.text.rstrip()[-1] in "。；;！？:：", clause.text[-20:]


def test_clause_ids_are_stable(tmp_path):
    settings = make_settings(tmp_path)
    first = build_document(corpus_file("003"), settings)
    second = build_document(corpus_file("003"), settings)
    assert [c.clause_id for c in first.clauses] == [c.clause_id for c in second.clauses]
    assert len({c.clause_id for c in first.clauses}) == len(first.clauses)


def test_segment_numbering_hierarchy():
    text = "一、总则\n（一）目标。到2020年覆盖50%的学校。\n1.试点。先行试点。\n（1）第一步要做的事情很多很多。\n二、保障\n加强组织领导。"
    clauses = segment("d", text)
    paths = [c.path for c in clauses]
    assert ("一、总则", "（一）目标", "1.试点", "（1）第一步要做的事情很多很多") in paths
    assert ("二、保障",) in paths


def test_sidecar_overrides_fields(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("关于推进学区制管理的通知\n一、要求\n各校要按学区组织教研活动，每学期不少于两次。", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"issuer": "某市教育局", "date": "2020-01-02"}), "utf-8")
    meta = apply_sidecar(read_meta(clean(doc.read_text(encoding="utf-8"))), doc)
    assert (meta.issuer, meta.date, meta.doc_type) == ("某市教育局", "2020-01-02", "通知")


def test_markdown_headings_keep_numbering():
    cleaned = clean("# 关于学区制的实施方案\n\n## 一、总体要求\n\n各学区要统筹师资，推进教师交流。\n")
    assert "一、总体要求" in cleaned.text.split("\n")


def _write_bad_inputs(folder):
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "undecodable.txt").write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD]) * 50)
    (folder / "broken.html").write_text("<html><body><div>关于学区的通知<p>一、学区内学校共享师资和课程资源。<td>", "utf-8")
    (folder / "notes.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 50)


def test_bad_inputs_get_reasons_and_do_not_block_others(tmp_path):
    root = tmp_path / "root"
    settings = make_settings(root)
    _write_bad_inputs(settings.corpus_dir)
    (settings.corpus_dir / "good.txt").write_text(corpus_file("000").read_text("utf-8"), "utf-8")
    (settings.corpus_dir / "copy_of_good.txt").write_text(corpus_file("000").read_text("utf-8"), "utf-8")
    report = ingest_paths(None, settings, progress=False)
    failed = dict(report.failed)
    twins = {"good.txt", "copy_of_good.txt"} & set(failed)
    assert set(failed) - twins == {"empty.txt", "binary.txt", "undecodable.txt", "notes.zip"}, failed
    assert len(twins) == 1 and "same content" in failed[twins.pop()]
    assert "unsupported" in failed["notes.zip"]
    assert report.ok and report.documents == 2  # good.txt and the malformed but readable HTML
    library = load_library(settings.index_dir)
    assert any("学区内学校共享师资" in d.text for d in library.documents.values())


def test_nothing_ingestible_is_not_ok(tmp_path):
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "empty.txt").write_bytes(b"")
    assert not ingest_paths(None, settings, progress=False).ok


def test_oversized_file_is_refused(tmp_path):
    settings = make_settings(tmp_path, max_file_mb=0.001)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "big.txt").write_text("一、要求\n" + "学区内学校要共享资源。" * 200, "utf-8")
    report = ingest_paths(None, settings, progress=False)
    assert "MB" in dict(report.failed)["big.txt"]


def test_incremental_ingest(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    a, b = settings.corpus_dir / "a.txt", settings.corpus_dir / "b.txt"
    a.write_text("关于学区制管理的意见\n一、学区划分\n按照就近原则划分学区，学区内学校共享课程资源。", "utf-8")
    b.write_text("关于集团化办学的意见\n一、集团组建\n优质学校牵头组建教育集团，实行统一管理。", "utf-8")
    first = ingest_paths(None, settings, progress=False)
    assert sorted(first.added) == ["a.txt", "b.txt"] and first.embedded == first.clauses == 4
    again = ingest_paths(None, settings, progress=False)
    assert sorted(again.unchanged) == ["a.txt", "b.txt"] and again.embedded == 0
    b.write_text("关于集团化办学的意见\n一、集团组建\n优质学校牵头组建教育集团，集团内教师统一调配。", "utf-8")
    a.unlink()
    third = ingest_paths(None, settings, progress=False)
    assert third.updated == ["b.txt"] and third.removed == ["a.txt"] and third.embedded == 1  # only the edited clause
    library = load_library(settings.index_dir)
    texts = [c.text for d in library.documents.values() for c in d.clauses]
    assert any("统一调配" in t for t in texts) and not any("统一管理" in t for t in texts)
    assert not any("学区" in t for t in texts)


def test_documents_parsed_by_older_ingest_code_are_parsed_again(tmp_path):
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.txt").write_text(
        "关于学区制管理的意见\n一、学区划分\n按照就近原则划分学区。\n二、资源共享\n学区内学校共享课程资源。", "utf-8"
    )
    ingest_paths(None, settings, progress=False)
    library = load_library(settings.index_dir)
    (doc,) = library.documents.values()
    # As an older segmenter might have left it: one clause lost, stamped with another fingerprint.
    library.documents[doc.doc_id] = replace(doc, clauses=doc.clauses[:1], parser="older")
    save_library(library, settings.index_dir)

    report = ingest_paths(None, settings, progress=False)
    # Re-parsed; its vectors are still stored under the same clause ids and texts, so nothing is embedded.
    assert report.updated == ["a.txt"] and report.embedded == 0
    (again,) = load_library(settings.index_dir).documents.values()
    assert again.parser == parser_fingerprint() and [c.text for c in again.clauses] == [c.text for c in doc.clauses]
    assert ingest_paths(None, settings, progress=False).unchanged == ["a.txt"]


def test_killed_ingest_leaves_previous_index_usable(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.txt").write_text("关于学区制管理的意见\n一、学区划分\n学区内学校共享课程资源。", "utf-8")
    ingest_paths(None, settings, progress=False)
    (settings.corpus_dir / "b.txt").write_text("关于集团化办学的意见\n一、集团组建\n组建教育集团。", "utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("retrieval.library.FolderLibrary.commit", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(None, settings, progress=False)
    monkeypatch.undo()
    from retrieval.search import Retriever

    hits = Retriever.open(settings).search("学区", k=3)
    assert hits and all(h.document.source.endswith("a.txt") for h in hits)


def test_python_m_ingest_runs_the_cli(indexed_settings, tmp_path):
    env = cli_env(indexed_settings, tmp_path)
    done = subprocess.run([sys.executable, "-m", "ingest", "--list", "--json"], capture_output=True, text=True,
                          env=env, cwd=REPO_ROOT, check=True)  # fmt: skip
    assert "晋教基〔2015〕27号" in {row["doc_number"] for row in json.loads(done.stdout)}


def test_cli_list_json(indexed_settings, monkeypatch, capsys):
    import settings as settings_module
    from retrieval.ingest_cli import main

    monkeypatch.setenv("POLICY_CORPUS_DIR", str(indexed_settings.corpus_dir))
    monkeypatch.setenv("POLICY_INDEX_DIR", str(indexed_settings.index_dir))
    settings_module.get_settings.cache_clear()
    try:
        assert main(["--list", "--json"]) == 0
    finally:
        settings_module.get_settings.cache_clear()
    rows = json.loads(capsys.readouterr().out)
    assert {r["doc_number"] for r in rows} >= {"晋教基〔2015〕27号", "沪教委基〔2015〕80号", "长二府发〔2014〕60号"}


def test_signature_belongs_to_no_heading(documents):
    last = documents["002"].clauses[-1]
    assert "2015年11月12日" in last.text and last.path == ()


# A saved web page whose own title holds words that page furniture also uses (推荐, 分享, 评论, 打印, 注册, 字号).
FURNITURE_WORDS_IN_TITLES = [
    ("关于做好集团化办学成员校推荐工作的通知", "通知"),
    ("关于建立学区优质课程分享机制的实施意见", "意见"),
    ("关于开展学校课堂教学评论活动的通知", "通知"),
    ("关于规范学校打印复印收费的通知", "通知"),
    ("关于做好义务教育学生学籍注册工作的通知", "通知"),
    ("关于统一公文字号编排的规定", "规定"),
]


@pytest.mark.parametrize(("title", "kind"), FURNITURE_WORDS_IN_TITLES)
def test_a_title_holding_a_furniture_word_keeps_its_title(tmp_path, title, kind):
    page = tmp_path / "page.html"
    page.write_text(
        f"""<html><body><div class="nav">首页 | 政务公开 | 登录 注册</div>
        <p>您现在的位置：首页 > 通知公告</p>
        <h2>{title}</h2><p>某市教育局〔2019〕12号</p>
        <p>【字号 大 中 小】 打印本页 分享到：</p>
        <p>各区县教育局：</p>
        <p>为推动集团化办学深入开展，进一步扩大优质教育资源覆盖面，现将有关事项通知如下。</p>
        <p>一、各成员学校要按时报送材料，确保工作有序推进，不得延误。</p>
        <p>某市教育局</p><p>2019年3月5日</p>
        <p>发表评论</p><p>推荐阅读</p><p>版权所有：某市教育局</p></body></html>""",
        encoding="utf-8",
    )
    doc = build_document(page, make_settings(tmp_path))
    assert (doc.meta.title, doc.meta.doc_type) == (title, kind), f"{title}: got {doc.meta.title!r}"
    assert (doc.meta.doc_number, doc.meta.date) == ("某市教育局〔2019〕12号", "2019-03-05")
    for furniture in ("打印本页", "分享到", "发表评论", "推荐阅读", "版权所有", "登录"):
        assert furniture not in doc.text, f"page furniture {furniture!r} kept"


ARTICLES = """某市学校体育美育兼职教师管理办法

第一章 总则
第一条 为加强兼职教师队伍建设，根据有关规定，制定本办法。
第二条 本办法适用于本市公办中小学校。
第二章 选聘
第三条 兼职教师应当具备下列条件：
（一）热爱教育事业，遵守法律法规；
（二）具有相应的专业特长，身心健康。
第四条 学校每学年组织一次选聘，报区教育局备案。
第三章 附则
第五条 本办法自印发之日起施行。
"""


def test_articles_are_clauses_under_their_chapters(tmp_path):
    path = tmp_path / "banfa.txt"
    path.write_text(ARTICLES, encoding="utf-8")
    doc = build_document(path, make_settings(tmp_path))
    by_start = {c.text.split("\n")[0][:4]: c.path for c in doc.clauses}
    first = by_start["第一条 "]
    assert first[0] == "第一章 总则" and first[1].startswith("第一条 为加强兼职教师队伍建设"), first
    assert by_start["第四条 "][0] == "第二章 选聘" and by_start["第五条 "][0] == "第三章 附则"
    conditions = [c for c in doc.clauses if c.text.startswith("（")]
    assert [c.path[:2] for c in conditions] == [("第二章 选聘", "第三条 兼职教师应当具备下列条件")] * 2, "items nest"
    assert not any("第二条" in c.text and "第三条" in c.text for c in doc.clauses), "one article per clause"


@pytest.mark.parametrize("salutation", ["各县市教育局", "州直各学校教育局", "市直各学校、各区教育局", "县直各单位办公室"])
def test_the_addressees_are_not_the_issuer(salutation):
    text = f"关于做好学区划分工作的通知\n{salutation}\n现将学区划分工作有关事项通知如下，请认真贯彻执行。\n某某县教育局\n2020年5月6日"
    assert read_meta(clean(text)).issuer == "某某县教育局"


COVER_NOTICE = """某市人民政府办公室关于印发某市学校美育工作实施方案的通知
各区人民政府，市政府各部门：
现将《某市学校美育工作实施方案》印发给你们，请认真贯彻执行。
某市人民政府办公室
2018年3月1日
某市学校美育工作实施方案
一、工作目标
到2020年，全市中小学美育课程全部开齐开足，以“走教&quot;方式补足农村学校师资。
责任单位：市教育局，市财政局
二、主要措施
- 开齐开足美育课程，每周不少于2课时。
- 建立美育教师补充机制，逐年增加专职教师。
附件
某市学校美育工作任务分解表
1.开齐美育课程。各区教育局负责落实。
"""


@pytest.fixture(scope="module")
def cover_notice(tmp_path_factory):
    root = tmp_path_factory.mktemp("cover")
    path = root / "notice.txt"
    path.write_text(COVER_NOTICE, encoding="utf-8")
    return build_document(path, make_settings(root))


def _clause(doc, words: str):
    return next(c for c in doc.clauses if words in c.text)


def test_a_cover_notice_keeps_its_own_title_and_its_plan_roots_the_paths(cover_notice):
    assert cover_notice.meta.title == "某市人民政府办公室关于印发某市学校美育工作实施方案的通知"
    assert cover_notice.meta.doc_type == "方案" and cover_notice.meta.date == "2018-03-01"
    assert _clause(cover_notice, "全部开齐开足").path == ("某市学校美育工作实施方案", "一、工作目标")
    assert _clause(cover_notice, "请认真贯彻执行").path == (), "the notice itself stands under no root"


def test_entities_read_as_characters_and_annotations_stay_with_their_item(cover_notice):
    goal = _clause(cover_notice, "全部开齐开足")
    assert "“走教\"方式" in goal.text and "&quot;" not in cover_notice.text
    assert "责任单位：市教育局" in goal.text, "the responsible units belong to the item they annotate"


def test_bullets_are_items_and_an_attachment_is_a_root(cover_notice):
    bullets = [c for c in cover_notice.clauses if c.text.startswith("- ")]
    assert len(bullets) == 2 and all(c.path[:2] == ("某市学校美育工作实施方案", "二、主要措施") for c in bullets)
    task = _clause(cover_notice, "各区教育局负责落实")
    assert task.path[0] == "附件" and "二、主要措施" not in task.path


def test_a_header_without_a_body_is_kept_for_its_metadata_and_named(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "header.txt").write_text(
        "北大法宝【法宝引证码】 CLI.12.1\n某省教育厅关于印发某某细则的通知\n\n某省教育厅关于印发某某细则的通知\n"
        "（某教发〔2018〕1号 2018年4月16日）\n", encoding="utf-8")  # fmt: skip
    settings = make_settings(tmp_path)
    report = ingest_paths(None, settings, progress=False)
    assert report.added == ["header.txt"] and not report.failed
    assert report.warnings == [("header.txt", "only a header (title, 文号, date), no body text; kept for its metadata")]
    (doc,) = load_library(settings.index_dir).documents.values()
    assert (doc.meta.doc_number, doc.meta.date) == ("某教发〔2018〕1号", "2018-04-16")


def test_the_same_text_saved_twice_with_other_header_lines_lands_once(tmp_path):
    body = "一、工作目标\n到2020年，全市中小学美育课程全部开齐开足，艺术教师配备基本到位，学生艺术素养明显提升。\n"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("某市关于加强学校美育工作的通知\n某政办〔2017〕5号\n" + body, encoding="utf-8")
    (corpus / "b.txt").write_text("北大法宝【法宝引证码】 CLI.1\n某市关于加强学校美育工作的通知\n" + body, encoding="utf-8")
    report = ingest_paths(None, make_settings(tmp_path), progress=False)
    assert report.added == ["a.txt"] and [name for name, _ in report.failed] == ["b.txt"]
    assert "only the header lines differ" in report.failed[0][1]


def test_a_document_without_a_title_is_ingested_with_a_warning(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notitle.txt").write_text("各学校要按照要求开齐开足美育课程，配齐艺术教师。\n", encoding="utf-8")
    report = ingest_paths(None, make_settings(tmp_path), progress=False)
    assert report.added == ["notitle.txt"]
    assert [reason.split(";")[0] for _, reason in report.warnings] == ["no title found", "little text (under 200 characters of sentences)"]
    assert "warning notitle.txt: no title found" in report.summary()


def test_a_signature_stands_under_no_heading_even_between_items_and_attachments(tmp_path):
    text = ("关于召开学校美育工作会议的通知\n各市教育局：\n现将会议有关事项通知如下。\n一、时间和地点\n时间：2016年8月25日\n"
            "地点：教育部北楼二层报告厅\n二、有关要求\n1.请参加人员提前10分钟入场。\n联系人：某某\n某省教育厅\n2016年8月5日\n附件\n"
            "参会回执\n单位、姓名、职务。\n")  # fmt: skip
    path = tmp_path / "meeting.txt"
    path.write_text(text, encoding="utf-8")
    doc = build_document(path, make_settings(tmp_path))
    signature = _clause(doc, "2016年8月5日")
    assert signature.path == () and signature.text == "某省教育厅\n2016年8月5日"
    assert _clause(doc, "提前10分钟").path == ("二、有关要求", "1.请参加人员提前10分钟入场"), "no 地点：…报告厅 root"
    assert _clause(doc, "单位、姓名").path[0] == "附件"
    assert doc.meta.date == "2016-08-05" and doc.meta.issuer == "某省教育厅"
