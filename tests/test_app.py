"""app.py through streamlit.testing's AppTest: every page's logic against the real session index."""

from __future__ import annotations

import html
import json
import re
import shutil

import pyarrow as pa
import pytest
from openai_stub_server import start_stub, stop_stub
from streamlit.testing.v1 import AppTest
from test_upload import MARKUP, MARKUP_CLAUSE, MARKUP_NAME, TIANJIN, TIANJIN_CLAUSE, TIANJIN_NAME

from assistant.targets import extract_targets
from errors import BadQuery
from ingest.types import Clause, Document, DocumentMeta
from retrieval.library import load_library
from settings import REPO_ROOT, Settings, get_settings
from ui import view

APP = str(REPO_ROOT / "app.py")
PAGES = ["问答", "对比", "目标", "简报", "文库"]
NEARBY_HEADING = "最接近的条款（仅供参考，不构成依据）"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(markdown: str) -> str:
    """Escaped Markdown from the app -> the text the user sees."""
    return _MD_ESCAPE.sub(r"\1", markdown).replace("  \n", "\n")


def elements(node):
    """Every element below node, depth first."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from elements(child)


def shown_text(at: AppTest) -> str:
    """All text on the page (markdown, alerts, captions, labels), unescaped, one element per line."""
    out = []
    for el in elements(at._tree):
        value = next((v for a in ("value", "label", "body") if isinstance(v := getattr(el, a, None), str)), None)
        if value is not None:
            out.append(unescape(value))
    return "\n".join(out)


def markdown_protos(at: AppTest):
    """The protos of every Markdown-rendered element (markdown, captions, alerts' bodies excluded)."""
    return [el.proto for el in elements(at._tree) if type(el.proto).__name__ == "Markdown"]


def point_app_at(monkeypatch, settings: Settings, **env: str) -> None:
    """Make the app's get_settings() read this corpus and index (plus extra POLICY_ variables)."""
    for name in ("POLICY_LLM_BASE_URL", "POLICY_LLM_API_KEY", "POLICY_ANSWER_MODE", "POLICY_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POLICY_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("POLICY_INDEX_DIR", str(settings.index_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def start_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    if page:
        at.session_state["page"] = page
    at.run()
    assert not at.exception, at.exception
    return at


def ask_in(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(autouse=True)
def _fresh_settings():
    yield
    get_settings.cache_clear()


@pytest.fixture
def app(indexed_settings, monkeypatch) -> AppTest:
    point_app_at(monkeypatch, indexed_settings)
    return start_app()


@pytest.fixture(scope="module")
def library(indexed_settings):
    return load_library(indexed_settings.index_dir)


@pytest.fixture(scope="module")
def writable_copy(indexed_settings, tmp_path_factory) -> Settings:
    """A copy of the session index that tests may upload into and remove from."""
    root = tmp_path_factory.mktemp("app-index")
    shutil.copytree(indexed_settings.corpus_dir.parent, root, dirs_exist_ok=True)
    return Settings(corpus_dir=root / "corpus", index_dir=root / ".index", _env_file=None)


# ---------------------------------------------------------------- layout, sidebar


def test_first_page_has_the_five_pages_filters_and_llm_status(app, library):
    assert [t.label for t in app.tabs] == PAGES
    regions = app.sidebar.multiselect(key="f_regions").options
    assert regions == view.region_options(library)
    for doc in library.documents.values():
        assert doc.meta.province in regions, f"{doc.meta.province} missing from {regions}"
    titles = app.sidebar.multiselect(key="f_docs").options
    assert len(titles) == len(library.documents)
    years = app.sidebar.slider(key="f_years")
    assert years.value == (2014, 2015), "the year filter spans the library's years of issue"
    mode = app.sidebar.radio(key="mode")
    assert mode.disabled and mode.value == "extractive", "without an endpoint only the extractive mode is offered"
    assert "未配置大模型" in shown_text(app)
    assert app.chat_input(key="question") is not None


# ---------------------------------------------------------------- 问答


def test_question_gets_an_answer_with_numbered_citations_and_their_documents(app, library):
    ask_in(app, "集团化办学对成员校有什么要求？")
    turns = app.session_state["turns"]
    assert len(turns) == 1 and not turns[0].answer.abstained, turns
    answer = turns[0].answer
    first = answer.citations[0]
    assistant = app.chat_message[1]
    assert unescape(assistant.markdown[0].value) == answer.answer and "[1]" in answer.answer
    labels = [e.label for e in app.expander]
    assert len(labels) == len(answer.citations)
    assert unescape(labels[0]) == f"[1] 《{first.title}》 {first.heading}".rstrip()
    meta = library.documents[first.doc_id].meta
    expander = app.expander[0]
    caption = unescape(expander.caption[0].value)
    assert f"文号：{meta.doc_number or '—'}" in caption and f"日期：{meta.date or '—'}" in caption, caption
    assert unescape(expander.markdown[0].value) == first.text.strip().replace("  \n", "\n")


def test_citation_opens_the_whole_document_with_the_clause_marked(app, library):
    ask_in(app, "集团化办学对成员校有什么要求？")
    first = app.session_state["turns"][0].answer.citations[0]
    app.button(key="open-0-1").click().run()
    frames = app.get("iframe")
    assert len(frames) == 1, "查看原文 opens one document view"
    page = frames[0].proto.srcdoc
    doc = library.documents[first.doc_id]
    clause = next(c for c in doc.clauses if c.clause_id == first.clause_id)
    assert f'<mark id="{view.MARK_ID}">{html.escape(doc.text[clause.start : clause.end])}</mark>' in page
    assert html.escape(doc.text[:40]) in page and html.escape(doc.text[-40:]) in page, "the whole document is shown"
    assert html.escape(doc.meta.title) in page


def test_conversation_lasts_for_the_session_and_the_button_clears_it(app):
    ask_in(app, "集团化办学对成员校有什么要求？")
    ask_in(app, "那上海呢？")
    turns = app.session_state["turns"]
    assert [t.question for t in turns] == ["集团化办学对成员校有什么要求？", "那上海呢？"]
    assert len(app.chat_message) == 4
    assert "上海" in turns[1].resolved_question and "集团化" in turns[1].resolved_question, turns[1]
    app.button(key="clear_chat").click().run()
    assert app.session_state["turns"] == [] and len(app.chat_message) == 0


def test_refusal_is_a_warning_with_the_closest_clauses_apart(app):
    ask_in(app, "北京市对集团化办学有哪些规定？")
    answer = app.session_state["turns"][0].answer
    assert answer.abstained, answer.answer
    assistant = app.chat_message[1]
    assert [unescape(w.value) for w in assistant.warning] == [answer.answer.strip()]
    assert all(unescape(m.value) != answer.answer for m in assistant.markdown), "a refusal is not shown as an answer"
    text = shown_text(app)
    if answer.nearby:
        assert NEARBY_HEADING in text
        labels = [unescape(e.label) for e in assistant.expander]
        assert labels == [unescape(view.citation_label(c)) for c in answer.nearby]
    else:
        assert NEARBY_HEADING not in text


def test_not_stated_is_told_apart_from_a_refusal(app):
    ask_in(app, "山西给参加集团化办学的老师每月补贴多少元？")
    answer = app.session_state["turns"][0].answer
    assert answer.outcome == "not_stated" and answer.answer.startswith("文件未明确规定"), answer.answer
    assistant = app.chat_message[1]
    assert [unescape(i.value) for i in assistant.info] == [answer.answer.strip()] and not assistant.warning
    assert view.NOT_STATED_VIEW.nearby_heading in shown_text(app) and NEARBY_HEADING not in shown_text(app)
    assert [unescape(e.label) for e in assistant.expander] == [unescape(view.citation_label(c)) for c in answer.nearby]


def test_a_follow_up_shows_how_it_was_read(app):
    ask_in(app, "巴州的联盟每学期搞几次学校管理研讨？")
    ask_in(app, "谁负责督查？")
    second = app.session_state["turns"][1].answer
    assert second.resolved_question != "谁负责督查？" and "巴音郭楞" in second.resolved_question, second.resolved_question
    captions = [unescape(c.value) for c in app.chat_message[3].caption]
    assert captions[:1] == [f"理解为：{second.resolved_question}"], "shown first, above the answer"
    assert not any(c.startswith("理解为") for c in (unescape(c.value) for c in app.chat_message[1].caption))


def test_markup_in_a_question_is_shown_as_text(app):
    question = (
        "<img src=x onerror=alert(1)><script>alert('x')</script>集团化办学有什么要求？[链接](javascript:alert(1))"
    )
    ask_in(app, question)
    assert unescape(app.chat_message[0].markdown[0].value) == question
    assert [h.proto.body for h in app.get("html")] == [view.APP_CSS], "no HTML on the page but the app's own CSS"
    assert not any(p.allow_html for p in markdown_protos(app)), "no Markdown rendered with unsafe_allow_html"


def test_a_question_without_content_gets_the_chinese_error(app):
    ask_in(app, "？？？")
    assert [e.value for e in app.error] == [BadQuery.zh]
    assert app.session_state["turns"] == []


def test_region_filter_restricts_the_answer(app, library):
    shanghai = {d for d, doc in library.documents.items() if doc.meta.province == "上海市"}
    app.sidebar.multiselect(key="f_regions").set_value(["上海市"]).run()
    ask_in(app, "集团化办学有哪些要求？")
    answer = app.session_state["turns"][0].answer
    assert answer.citations and {c.doc_id for c in answer.citations} <= shanghai, answer.to_json()


def test_llm_mode_uses_the_endpoint_and_never_shows_the_key(indexed_settings, monkeypatch):
    server, thread = start_stub()
    try:
        secret = "sk-test-never-shown-4711"
        point_app_at(
            monkeypatch,
            indexed_settings,
            POLICY_LLM_BASE_URL=f"http://127.0.0.1:{server.server_port}/v1",
            POLICY_LLM_API_KEY=secret,
            POLICY_LLM_MODEL="stub-model",
        )
        server.reply = "集团化办学以优质学校为龙头[1]。"
        at = start_app()
        mode = at.sidebar.radio(key="mode")
        assert not mode.disabled
        assert "已配置大模型：stub-model（127.0.0.1）" in shown_text(at)
        mode.set_value("llm").run()
        ask_in(at, "集团化办学对成员校有什么要求？")
        answer = at.session_state["turns"][0].answer
        assert answer.mode == "llm" and server.requests, "the answer came from the endpoint"
        headers = {k.lower(): v for k, v in server.requests[-1].headers.items()}
        assert headers["authorization"] == f"Bearer {secret}"
        assert unescape(at.chat_message[1].markdown[0].value) == answer.answer.strip()
        assert "集团化办学以优质学校为龙头" in answer.answer
        assert secret not in shown_text(at)
    finally:
        stop_stub(server, thread)


# ---------------------------------------------------------------- 对比, 目标, 简报


def test_compare_page_shows_every_document_and_offers_three_exports(indexed_settings, monkeypatch, library):
    point_app_at(monkeypatch, indexed_settings)
    at = start_app("对比")
    at.text_input(key="compare_topic").set_value("教师交流")
    at.button(key="FormSubmitter:compare_form-对比").click().run()
    assert not at.exception, at.exception
    comparison = at.session_state["comparison"]
    assert {r.doc_id for r in comparison.rows} == set(library.documents)
    text = shown_text(at)
    for row in comparison.rows:
        assert row.title in text
        for clause in row.clauses:
            assert clause.text.strip() in text, f"{clause.clause_id} of {row.title} is not shown"
    assert sum("未涉及" == line for line in text.splitlines()) == sum(not r.covered for r in comparison.rows)
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 Markdown", "下载 DOCX"]


def test_compare_page_reports_a_bad_topic_in_chinese(indexed_settings, monkeypatch):
    point_app_at(monkeypatch, indexed_settings)
    at = start_app("对比")
    at.text_input(key="compare_topic").set_value("  ")
    at.button(key="FormSubmitter:compare_form-对比").click().run()
    assert at.error and re.search(r"[\u4e00-\u9fff]", at.error[0].value)
    assert "comparison" not in at.session_state


def test_targets_page_shows_the_table_and_a_chart_by_region(indexed_settings, monkeypatch, library):
    point_app_at(monkeypatch, indexed_settings)
    at = start_app("目标")
    expected = [t for t in extract_targets(library) if t.kind == "target"]
    table = at.dataframe[0].value
    assert len(table) == len(expected) and list(table["指标"]) == [t.measure for t in expected]
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["color"]["field"]) == ("年份", "地区")
    plotted = pa.ipc.open_stream(charts[0].proto.data.data).read_all().to_pylist()
    unit = at.selectbox(key="target_unit").value
    wanted = [
        (t.region, view.chart_year(t.year), t.value) for t in expected if t.unit == unit and view.chart_year(t.year)
    ]
    assert [(r["地区"], r["年份"], r["数值"]) for r in plotted] == wanted


def test_brief_page_previews_and_offers_docx_and_markdown(indexed_settings, monkeypatch):
    point_app_at(monkeypatch, indexed_settings)
    at = start_app("简报")
    assert at.button(key="brief_go").disabled, "nothing to generate without a topic"
    at.multiselect(key="brief_topics").set_value(["集团化办学", "教师交流"]).run()
    at.button(key="brief_go").click().run()
    briefing = at.session_state["briefing"]
    text = shown_text(at)
    assert briefing.title in text and "来源" in text
    quote = briefing.sections[0].quotes[0]
    assert f"{quote.text.strip()} [{quote.n}]" in text
    assert [b.label for b in at.download_button] == ["下载 DOCX", "下载 Markdown"]


# ---------------------------------------------------------------- 文库


def test_library_lists_documents_uploads_and_removes(writable_copy, monkeypatch):
    point_app_at(monkeypatch, writable_copy, POLICY_MAX_FILE_MB="0.05")
    outside = sorted(p.name for p in writable_copy.corpus_dir.parent.iterdir())
    at = start_app("文库")
    table = at.dataframe[0].value
    before = load_library(writable_copy.index_dir)
    assert sorted(table["标题"]) == sorted(d.meta.title for d in before.documents.values())
    at.file_uploader[0].set_value(
        [
            (TIANJIN_NAME, TIANJIN.encode("gbk"), "text/plain"),
            ("setup.exe", b"MZ\x90\x00" + b"\x00" * 32, ""),
            ("../逃逸.txt", TIANJIN.replace("天津", "河北").encode("utf-8"), "text/plain"),
            ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
            ("超大文件.txt", "一、总则\n".encode() * 20_000, "text/plain"),
            (MARKUP_NAME, MARKUP.encode("utf-8"), "text/plain"),
        ]
    ).run()
    assert not at.exception, at.exception
    assert [unescape(s.value) for s in at.success] == [
        f"已导入：{name}，各页面即刻可用。" for name in (TIANJIN_NAME, MARKUP_NAME)
    ]
    errors = [unescape(e.value) for e in at.error]
    assert len(errors) == 4, errors
    assert "不支持的文件类型" in errors[0] and "路径" in errors[1] and "不支持的文件类型" in errors[2], errors
    assert "超过 0.05 MB 的上限" in errors[3], errors
    assert sorted(p.name for p in writable_copy.corpus_dir.parent.iterdir()) == outside, "nothing written outside"
    for name in ("setup.exe", "逃逸.txt", "照片.png", "超大文件.txt"):
        assert not (writable_copy.corpus_dir / name).exists(), name
    assert len(at.dataframe[0].value) == len(before.documents) + 2

    at.session_state["page"] = "问答"
    at.run()
    ask_in(at, "海河名师工作坊每学期要开展多少次示范课？")
    answer = at.session_state["turns"][0].answer
    assert not answer.abstained and TIANJIN_CLAUSE in answer.citations[0].text, answer.to_json()

    ask_in(at, "开放日期间各校展示什么？")
    answer = at.session_state["turns"][1].answer
    assert answer.citations and MARKUP_CLAUSE in answer.citations[0].text, answer.to_json()
    shown = at.chat_message[3].markdown[0].value
    assert "](" not in shown.replace("\\](", "") and "**" not in shown.replace("\\*", ""), shown
    assert unescape(shown) == answer.answer
    at.button(key="open-1-1").click().run()
    page = at.get("iframe")[0].proto.srcdoc
    assert html.escape(MARKUP_CLAUSE) in page and "<img" not in page
    assert not any(p.allow_html for p in markdown_protos(at))

    at.session_state["page"] = "文库"
    at.run()
    new_id = at.session_state["turns"][0].answer.citations[0].doc_id
    at.selectbox(key="remove_doc").set_value(new_id)
    at.checkbox(key="remove_confirm").check().run()
    at.button(key="remove_go").click().run()
    assert not at.exception, at.exception
    assert any("已删除" in s.value for s in at.success)
    after = load_library(writable_copy.index_dir).documents
    assert set(after) - set(before.documents) == {answer.citations[0].doc_id}, "only the markup document remains added"
    assert not (writable_copy.corpus_dir / TIANJIN_NAME).exists()


def test_first_start_without_an_index_builds_it(tmp_path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    source = next((REPO_ROOT / "corpus").glob("000_*"))
    shutil.copy(source, tmp_path / "corpus" / source.name)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / ".index", _env_file=None)
    point_app_at(monkeypatch, settings)
    at = start_app()
    assert any("首次启动" in i.value for i in at.info)
    library = load_library(settings.index_dir)
    assert library is not None and len(library.documents) == 1
    assert at.sidebar.multiselect(key="f_regions").options == ["山西省"]


# ---------------------------------------------------------------- view helpers


def test_document_view_escapes_markup_in_the_document():
    text = "一、总则\n<script>alert('x')</script>学校要<b>加强</b>管理。\n二、附则\n本办法自发布之日起施行。"
    start = text.index("<script>")
    end = text.index("二、")
    doc = Document(
        "d1",
        "corpus/x.html",
        "h",
        text,
        DocumentMeta(title="<i>标题</i>"),
        (Clause("d1-1", "d1", ("一、总则",), text[start:end], start, end, 1),),
    )
    page = view.document_html(doc, doc.clauses[0])
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>" not in page and "<i>" not in page
    assert page.count("<script>") == 1, "only the app's own scroll script"
    assert f'<mark id="{view.MARK_ID}">{html.escape(text[start:end])}</mark>' in page


def test_md_escape_neutralises_markdown_and_keeps_the_text():
    raw = "**粗体** [链接](javascript:alert(1)) $x$ <b>b</b> # 标题\n1. 列表"
    escaped = view.md_escape(raw)
    assert "**" not in escaped.replace("\\*", "") and "](" not in escaped.replace("\\]\\(", "")
    assert unescape(escaped) == raw


def test_filters_and_chart_years():
    assert view.make_filters((), (), (2014, 2015), (2014, 2015), ()).empty
    narrowed = view.make_filters(("上海市",), (), (2015, 2015), (2014, 2015), ("意见",))
    assert (narrowed.regions, narrowed.year_from, narrowed.year_to, narrowed.doc_types) == (
        ("上海市",),
        2015,
        2015,
        ("意见",),
    )
    assert view.chart_year("2014—2016") == 2016 and view.chart_year("2017") == 2017 and view.chart_year("") is None


def test_example_question_is_answered_when_picked(app):
    pills = app.pills(key="example")
    assert list(pills.options) == list(view.EXAMPLE_QUESTIONS)
    pills.set_value(view.EXAMPLE_QUESTIONS[0]).run()
    turns = app.session_state["turns"]
    assert [t.question for t in turns] == [view.EXAMPLE_QUESTIONS[0]] and turns[0].answer.citations
    assert not app.get("button_group"), "the examples are offered only while the conversation is empty"


# ---------------------------------------------------------------- a library of every level


def test_a_library_of_every_level_is_filtered_by_level_and_searched(library_settings, monkeypatch):
    point_app_at(monkeypatch, library_settings)
    at = start_app("文库")
    lib = load_library(library_settings.index_dir)
    assert at.sidebar.multiselect(key="f_levels").options == ["国家", "省", "市", "县区"]
    assert len(at.dataframe[0].value) == len(lib.documents)
    at.sidebar.multiselect(key="f_levels").set_value(["县区"]).run()
    table = at.dataframe[0].value
    counties = sorted(d.meta.region for d in lib.documents.values() if d.meta.level == "县区")
    assert set(table["层级"]) == {"县区"} and sorted(table["地区"]) == counties
    assert {"吉林省长春市二道区", "广西壮族自治区桂林市象山区", "广东省广州市天河区"} == set(counties)
    assert f"当前显示 {len(counties)} 份" in shown_text(at)
    at.sidebar.multiselect(key="f_levels").set_value([]).run()
    at.text_input(key="library_query").set_value("江苏 美育").run()
    assert sorted(at.dataframe[0].value["地区"]) == ["江苏省", "江苏省南京市", "江苏省南通市"], "every word, any field"
    at.text_input(key="library_query").set_value("南京").run()
    assert list(at.dataframe[0].value["地区"]) == ["江苏省南京市"]


def test_a_comparison_over_many_documents_reads_as_a_table_of_those_that_cover_it(library_settings, monkeypatch):
    point_app_at(monkeypatch, library_settings)
    at = start_app("对比")
    at.text_input(key="compare_topic").set_value("美育教师配备")
    at.button(key="FormSubmitter:compare_form-对比").click().run()
    assert not at.exception, at.exception
    comparison = at.session_state["comparison"]
    covered = [r for r in comparison.rows if r.covered]
    held = len(load_library(library_settings.index_dir).documents)
    assert held > 90 and len(comparison.rows) == held and 10 <= len(covered) < held
    table = at.dataframe[0].value
    assert list(table.columns) == ["地区", "层级", "文号", "日期", "文件", "规定", "条款数"]
    assert len(table) == len(covered) and "未涉及" not in set(table["规定"])
    assert list(table["层级"]) == sorted(table["层级"], key=view.level_rank), "national first, then down the levels"
    at.toggle(key="cmp_covered").set_value(False).run()
    assert len(at.dataframe[0].value) == held
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 Markdown", "下载 DOCX"]


def test_targets_of_many_regions_chart_with_a_legend_in_columns(library_settings, monkeypatch):
    point_app_at(monkeypatch, library_settings)
    at = start_app("目标")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    plotted = pa.ipc.open_stream(at.get("vega_lite_chart")[0].proto.data.data).read_all().to_pylist()
    regions = {row["地区"] for row in plotted}
    legend = spec["encoding"]["color"]["legend"]
    assert legend["columns"] == (1 if len(regions) <= view.LEGEND_ONE_COLUMN else 3), (len(regions), legend)
    assert at.selectbox(key="target_unit").value == "%", "shares compare across regions; counts of 个 do not"
    assert {row["单位"] for row in at.dataframe[0].value.to_dict("records")} >= {"%"}
    assert spec["encoding"]["detail"]["field"] == "指标", "a line joins one indicator, never two"
    assert all(0 <= row["数值"] <= 100 for row in plotted) and len(regions) >= 10, (len(regions), plotted[:3])


# ---------------------------------------------------------------- a shared library, an editor password


def test_with_an_editor_password_the_library_page_reads_only_until_it_is_given(writable_copy, monkeypatch):
    from retrieval.access import hash_password

    point_app_at(monkeypatch, writable_copy, POLICY_EDITOR_PASSWORD_HASH=hash_password("编辑-2026"))
    monkeypatch.setattr("retrieval.access.time.sleep", lambda seconds: None)
    at = start_app("文库")
    assert len(at.dataframe[0].value) == len(load_library(writable_copy.index_dir).documents)
    assert not at.get("file_uploader") and not at.selectbox, "no upload or removal before the password"
    assert "上传或删除文件需要编辑密码" in shown_text(at)
    at.text_input(key="editor_password_input").set_value("guess")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["编辑密码不正确，未作任何更改。"] and not at.get("file_uploader")
    at.text_input(key="editor_password_input").set_value("编辑-2026")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.get("file_uploader") and at.selectbox(key="remove_doc"), "unlocked for this session"
    assert "编辑-2026" not in shown_text(at), "the password is never shown"


def test_the_app_on_a_shared_library_and_a_server_that_goes_away(tmp_path, chroma_server, monkeypatch):
    from conftest import corpus_file

    from retrieval.pipeline import ingest_paths

    a = chroma_server.settings_for(tmp_path / "a")
    a.corpus_dir.mkdir(parents=True)
    shutil.copy(corpus_file("000"), a.corpus_dir)
    ingest_paths(None, a, progress=False)
    b = chroma_server.settings_for(tmp_path / "b")
    point_app_at(monkeypatch, b, POLICY_CHROMA_HOST="127.0.0.1", POLICY_CHROMA_PORT=str(chroma_server.port),
                 POLICY_LIBRARY_POLL_SECONDS="0")  # fmt: skip
    chroma_server.stop()
    at = start_app("文库")
    assert [e.value for e in at.error] == [f"无法连接向量库服务 127.0.0.1:{chroma_server.port}，请确认服务已启动。"]
    chroma_server.start()
    at.run()
    assert not at.exception and not at.error, "the next look finds the server back"
    assert f"共享文库（127.0.0.1:{chroma_server.port}）共 1 份文件" in shown_text(at)
    at.session_state["page"] = "问答"
    at.run()
    ask_in(at, "学区制管理按什么原则划分学区？")
    assert "地理位置相对就近" in at.session_state["turns"][0].answer.citations[0].text

    chroma_server.stop()
    ask_in(at, "学区制管理按什么原则划分学区？")
    assert any("暂时无法连接" in e.value for e in at.error), [e.value for e in at.error]
    assert len(at.session_state["turns"]) == 1, "the conversation so far is kept"
    chroma_server.start()
    ask_in(at, "校区怎么划分？")
    assert not at.error and len(at.session_state["turns"]) == 2
