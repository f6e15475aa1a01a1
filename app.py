"""Streamlit app: 问答 / 对比 / 目标 / 简报 / 文库 over the policy library. Layout and calls only.

The page is drawn from the clause library (a small JSON file) first; the retriever (Chroma, jieba,
the embedding model: seconds to import and load) loads once per server, after the page is on screen,
and is waited for only when a question, comparison or briefing needs it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import streamlit as st

from assistant.types import Answer, Citation, Comparison, Target, Turn
from errors import IndexMissing, PolicyError, StoreUnavailable
from ingest.types import Document
from retrieval.access import EditorRefused, check_editor, editing_locked
from retrieval.library import Library, LibraryHome, open_library
from retrieval.types import SearchFilters
from settings import Settings, get_settings
from ui import view

if TYPE_CHECKING:  # heavy stage modules are imported where first used
    from assistant.brief import Briefing
    from retrieval.search import Retriever

APP_TITLE = "义务教育办学模式改革 · 政策问答助手"
PAGES = ("问答", "对比", "目标", "简报", "文库")
MODE_LABELS = {"extractive": "摘录式（逐句摘自原文）", "llm": "大模型生成（附引用核查）"}
TABLE_ALL_ROWS = 10  # a comparison of more documents starts as a table of only those that cover the topic
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_VIEW_HEIGHT = 520
ICON_DOC = ":material/article:"
ICON_DOWNLOAD = ":material/download:"


# ---------------------------------------------------------------- resources


@st.cache_resource(show_spinner="正在加载检索模型…")
def load_retriever(_settings: Settings, index_dir: str, embedder: str, store: str) -> Retriever:
    """One Retriever per server and index folder (its tokenizer and model warm up in the background)."""
    from retrieval.search import Retriever

    retriever = Retriever.open(_settings)
    warm_up(retriever, index_dir)
    return retriever


@st.cache_resource(show_spinner=False)
def warm_up(_retriever: Retriever, index_dir: str) -> threading.Thread:
    """Start one background search that loads the tokenizer and the embedding model."""
    thread = threading.Thread(target=_retriever.search, args=("义务教育办学模式改革",), daemon=True)
    thread.start()
    return thread


def retriever_for(settings: Settings, ready: bool = True) -> Retriever:
    """The server's retriever (warmed up when ready=True); shows the Chinese error and stops if it cannot open."""
    try:
        retriever = load_retriever(settings, str(settings.index_dir), settings.embedder, view.library_place(settings))
    except IndexMissing as err:
        st.warning(f"{err.zh} 请先在“文库”页上传政策文件。")
        st.stop()
    except PolicyError as err:
        st.error(err.zh)
        st.stop()
    if ready:
        warm_up(retriever, str(settings.index_dir)).join()
    return retriever


@st.cache_data(show_spinner=False, max_entries=4)
def library_targets(_library: Library, signature: tuple) -> list[Target]:
    """Targets of the library, recomputed only when its documents change."""
    from assistant.targets import extract_targets

    return extract_targets(_library)


@st.cache_resource(show_spinner=False)
def library_home(_settings: Settings, index_dir: str, store: str) -> LibraryHome:
    """Where the library lives (one per server process, so a shared library's documents are read once)."""
    return open_library(_settings)


def current_library(settings: Settings) -> Library:
    """The library as it is now; on the very first start, build the index first.

    A shared library that cannot be reached shows why, and the pages keep the copy read last.
    """
    try:
        home = library_home(settings, str(settings.index_dir), view.library_place(settings))
        library = home.load()
        if library is None and not (home.shared and editing_locked(settings)):
            first_build(settings)
            library = home.load()
    except StoreUnavailable as err:
        st.error(err.zh, icon=":material/cloud_off:")
        if last := st.session_state.get("last_library"):
            return last
        st.stop()
    library = library or Library()
    st.session_state["last_library"] = library
    return library


def first_build(settings: Settings) -> None:
    """Ingest the corpus folder on the first start, showing progress."""
    from retrieval.upload import build_index

    note = st.info("首次启动：正在从文件夹建立索引，请稍候…")
    bar = st.progress(0.0)
    report = build_index(settings, on_progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))
    bar.empty()
    note.info(f"首次启动：索引已建立，共 {report.documents} 份文件、{report.clauses} 条条款。")


# ---------------------------------------------------------------- sidebar


def sidebar(library: Library, settings: Settings) -> tuple[SearchFilters, Settings]:
    """Filters and answer mode; returns the filters and the settings to answer with."""
    labels = {doc_id: view.document_label(doc) for doc_id, doc in library.documents.items()}
    bounds = view.year_bounds(library)
    with st.sidebar:
        st.subheader("筛选范围")
        regions = st.multiselect("地区", view.region_options(library), key="f_regions", placeholder="全部地区")
        doc_ids = st.multiselect(
            "文件", list(labels), format_func=lambda d: labels.get(d, d), key="f_docs", placeholder="全部文件"
        )
        years = None
        if bounds and bounds[0] < bounds[1]:
            years = st.slider("发文年份", bounds[0], bounds[1], bounds, key="f_years")
        types = st.multiselect("文件类型", view.doc_types(library), key="f_types", placeholder="全部类型")
        levels = st.multiselect("层级", view.level_options(library), key="f_levels", placeholder="全部层级")
        st.subheader("回答方式")
        mode = st.radio(
            "回答方式",
            tuple(MODE_LABELS),
            index=1 if settings.llm_configured and settings.answer_mode == "llm" else 0,
            format_func=MODE_LABELS.get,
            key="mode",
            disabled=not settings.llm_configured,
            label_visibility="collapsed",
        )
        st.caption(view.llm_status(settings))
    filters = view.make_filters(regions, doc_ids, years, bounds, types, levels)
    return filters, settings.model_copy(update={"answer_mode": mode})


# ---------------------------------------------------------------- 问答


def ask_page(library: Library, filters: SearchFilters, settings: Settings) -> None:
    """The conversation: history, a question box, the streamed answer with its citations."""
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    head = st.columns([5, 1], vertical_alignment="center")
    head[0].caption("依据文库中的政策文件作答，每句都标注来源条款；展开引用可查看条款并打开原文。")
    if head[1].button("清空对话", key="clear_chat", disabled=not turns, width="stretch"):
        turns.clear()
    history = st.container()
    with history:
        for i, turn in enumerate(turns):
            show_turn(i, turn, library)
    example = None if turns else st.pills("可以这样问：", view.EXAMPLE_QUESTIONS, key="example")
    question = st.chat_input("输入问题，如：集团化办学对成员校有什么要求？", max_chars=500, key="question")
    question = question or example
    if question:
        with history:
            answer = new_turn(len(turns), question, library, turns, filters, settings)
        if answer is not None:
            turns.append(Turn(question, answer.resolved_question or question, answer))
            st.rerun()


def show_turn(i: int, turn: Turn, library: Library) -> None:
    """One past exchange."""
    with st.chat_message("user"):
        st.markdown(view.md_escape(turn.question))
    with st.chat_message("assistant"):
        show_answer(i, turn.answer, library)


def new_turn(i: int, question: str, library: Library, turns, filters, settings) -> Answer | None:
    """Ask, streaming the answer into place; None (with the reason shown) when the question is refused."""
    from assistant.answer import ask

    with st.chat_message("user"):
        st.markdown(view.md_escape(question))
    with st.chat_message("assistant"):
        slot = st.empty()
        slot.caption("正在检索相关条款…")
        pieces: list[str] = []

        def on_token(piece: str) -> None:
            pieces.append(piece)
            slot.markdown(view.md_escape("".join(pieces)) + " ▌")

        retriever = retriever_for(settings)
        try:
            answer = ask(question, retriever, history=turns, filters=filters, settings=settings, on_token=on_token)
        except PolicyError as err:
            slot.error(err.zh)
            return None
        show_answer(i, answer, library, slot)
    return answer


def show_answer(i: int, answer: Answer, library: Library, slot=None) -> None:
    """An answer with numbered citations; "not stated" or a refusal with the closest clauses set apart."""
    shown = view.outcome_view(answer) if answer.abstained else None
    with (slot or st.empty()).container():  # how a follow-up was read goes above its answer
        if reading := view.reading_note(answer):
            st.caption(reading)
        if shown:
            box = st.info if answer.not_stated else st.warning
            box(view.md_escape(answer.answer), icon=shown.icon, title=shown.title)
        else:
            if answer.unstated:  # answered in part: what the documents do not state, set apart above the rest
                st.info(view.md_escape(answer.unstated), icon=view.PARTLY_STATED_ICON)
            st.markdown(view.md_escape(view.answer_body(answer)))
    if shown:
        if answer.nearby:
            st.markdown(f"**{shown.nearby_heading}**")
            for c in answer.nearby:
                show_citation(f"{i}-near", c, library)
        return
    if answer.notice:
        st.info(view.md_escape(answer.notice), icon=":material/info:")
    if answer.unsupported:
        st.caption("标注“（未核实）”的句子在所引条款中找不到充分依据，请以原文为准。")
    for c in answer.citations:
        show_citation(str(i), c, library)


def show_citation(key: str, c: Citation, library: Library) -> None:
    """A citation: expands to the clause with its document data and a button opening the document."""
    with st.expander(view.citation_label(c)):
        st.caption(view.citation_meta(c))
        st.markdown(view.md_escape(c.text))
        if st.button("查看原文", key=f"open-{key}-{c.n}", icon=ICON_DOC):
            open_document(library, c.doc_id, c.clause_id)


def open_document(library: Library, doc_id: str, clause_id: str) -> None:
    """Open the document dialog, or say that the document has been removed."""
    doc = library.documents.get(doc_id)
    if doc is None:
        st.warning("该文件已从文库中删除。")
        return
    document_dialog(doc, clause_id)


@st.dialog("原文", width="large")
def document_dialog(doc: Document, clause_id: str) -> None:
    """The whole cleaned document with the clause highlighted and scrolled into view."""
    # All document text in this page is escaped (html.escape); the only script is the page's own scroll.
    st.iframe(view.document_html(doc, view.find_clause(doc, clause_id)), height=DOC_VIEW_HEIGHT, alt="原文")


# ---------------------------------------------------------------- 对比


def compare_page(library: Library, filters: SearchFilters, settings: Settings) -> None:
    """A topic across documents, with exports."""
    from assistant.compare import compare

    with st.form("compare_form", border=False):
        cols = st.columns([5, 1], vertical_alignment="bottom")
        topic = cols[0].text_input("对比主题", placeholder="例如：教师交流、集团化办学、经费保障", key="compare_topic")
        submitted = cols[1].form_submit_button("对比", type="primary", width="stretch")
    if submitted:
        try:
            st.session_state["comparison"] = compare(topic, retriever_for(settings), filters)
        except PolicyError as err:
            st.session_state.pop("comparison", None)
            st.error(err.zh)
    if comparison := st.session_state.get("comparison"):
        show_comparison(comparison, library)


def show_comparison(c: Comparison, library: Library) -> None:
    """Download buttons, then one bordered row per document."""
    from assistant.export import comparison_csv, comparison_docx, comparison_markdown

    covered = sum(row.covered for row in c.rows)
    st.caption(view.md_escape(f"主题“{c.topic}”：{len(c.rows)} 份文件中 {covered} 份涉及。"))
    many = len(c.rows) > TABLE_ALL_ROWS
    layout = st.segmented_control("显示", ("表格", "逐份"), default="表格" if many else "逐份", key="cmp_layout")
    only_covered = st.toggle("只看涉及该主题的文件", value=many, key="cmp_covered")
    stem = f"对比_{c.topic}"
    with st.container(horizontal=True):
        st.download_button("下载 CSV", comparison_csv(c), view.safe_filename(stem, ".csv"), "text/csv",
                           key="cmp_csv", on_click="ignore", icon=ICON_DOWNLOAD)  # fmt: skip
        st.download_button("下载 Markdown", comparison_markdown(c).encode("utf-8"), view.safe_filename(stem, ".md"),
                           "text/markdown", key="cmp_md", on_click="ignore", icon=ICON_DOWNLOAD)  # fmt: skip
        st.download_button("下载 DOCX", comparison_docx(c), view.safe_filename(stem, ".docx"), DOCX_MIME,
                           key="cmp_docx", on_click="ignore", icon=ICON_DOWNLOAD)  # fmt: skip
    if layout != "逐份":
        st.dataframe(view.comparison_rows(c, only_covered), hide_index=True, key="cmp_table")
        return
    for row in (r for r in c.rows if r.covered or not only_covered):
        with st.container(border=True):
            st.markdown(f"**{view.md_escape(row.title)}**")
            st.caption(view.row_meta(row))
            if not row.covered:
                st.caption("未涉及")
            for j, clause in enumerate(row.clauses):
                st.markdown(view.clause_markdown(clause.heading, clause.text))
                if st.button("查看原文", key=f"cmp-{row.doc_id}-{j}", icon=ICON_DOC, type="tertiary"):
                    open_document(library, row.doc_id, clause.clause_id)


# ---------------------------------------------------------------- 目标


def targets_page(library: Library, filters: SearchFilters, settings: Settings) -> None:
    """Quantitative targets: a chart over the years by region, and the table with the source sentence."""
    targets = library_targets(library, view.library_signature(library))
    kinds = st.segmented_control(
        "类别", tuple(view.KIND_LABELS), selection_mode="multi", default=["target"],
        format_func=view.KIND_LABELS.get, key="target_kinds",
    )  # fmt: skip
    shown = view.targets_in_scope(targets, library, filters, kinds or ())
    if not shown:
        st.info("当前筛选范围内没有找到量化目标。")
        return
    if units := view.target_units(shown):
        unit = st.selectbox("图表单位", units, key="target_unit")
        st.altair_chart(view.targets_chart(shown, unit), width="stretch")
    st.caption(f"共 {len(shown)} 条。勾选一行可查看原句并打开原文。")
    event = st.dataframe(
        view.target_rows(shown), hide_index=True, on_select="rerun", selection_mode="single-row", key="targets_table"
    )
    for index in event.selection.rows:
        target = shown[index]
        st.markdown(view.md_escape(f"《{target.title}》：{target.text}"))
        if st.button("查看原文", key="target_open", icon=ICON_DOC):
            open_document(library, target.doc_id, target.clause_id)


# ---------------------------------------------------------------- 简报


def brief_page(library: Library, filters: SearchFilters, settings: Settings) -> None:
    """Choose topics, preview the briefing, download it."""
    from assistant.brief import build_brief

    topics = st.multiselect(
        "简报主题（可选择，也可直接输入新主题）", view.SUGGESTED_TOPICS, accept_new_options=True,
        key="brief_topics", placeholder="选择或输入主题",
    )  # fmt: skip
    if st.button("生成简报", type="primary", disabled=not topics, key="brief_go"):
        try:
            st.session_state["briefing"] = build_brief(topics, retriever_for(settings), filters)
        except PolicyError as err:
            st.session_state.pop("briefing", None)
            st.error(err.zh)
    if briefing := st.session_state.get("briefing"):
        show_briefing(briefing)


def show_briefing(b: Briefing) -> None:
    """Download buttons and a preview of the briefing."""
    from assistant.export import briefing_docx, briefing_markdown

    with st.container(horizontal=True):
        st.download_button("下载 DOCX", briefing_docx(b), view.safe_filename(b.title, ".docx"), DOCX_MIME,
                           key="brief_docx", on_click="ignore", icon=ICON_DOWNLOAD, type="primary")  # fmt: skip
        st.download_button("下载 Markdown", briefing_markdown(b).encode("utf-8"), view.safe_filename(b.title, ".md"),
                           "text/markdown", key="brief_md", on_click="ignore", icon=ICON_DOWNLOAD)  # fmt: skip
    with st.container(border=True):
        st.markdown(f"### {view.md_escape(b.title)}")
        st.caption(f"生成日期：{b.date}")
        for n, section in enumerate(b.sections, start=1):
            st.markdown(f"#### {n}\\. {view.md_escape(section.topic)}")
            for q in section.quotes:
                st.markdown(view.quote_markdown(q))
                st.caption(view.quote_source(q))
            if section.uncovered:
                st.caption(view.md_escape("未涉及该主题：" + "；".join(section.uncovered)))
        st.markdown("#### 来源")
        for s in b.sources:
            st.markdown(view.source_markdown(s))


# ---------------------------------------------------------------- 文库


def library_page(library: Library, filters: SearchFilters, settings: Settings) -> None:
    """Every document with its metadata; upload and remove documents."""
    clauses = sum(len(d.clauses) for d in library.documents.values())
    query = st.text_input("搜索文件", placeholder="标题、机关、地区或文号中的词，如：江苏 美育", key="library_query")
    rows = view.library_rows(library, filters, query)
    shown = "" if len(rows) == len(library.documents) else f"，当前显示 {len(rows)} 份（按侧栏筛选与搜索）"
    st.caption(f"{view.library_caption(settings)}共 {len(library.documents)} 份文件、{clauses} 条条款{shown}。")
    st.dataframe(rows, hide_index=True, key="library_table")
    if not editor_unlocked(settings):
        return
    upload_section(settings)
    remove_section(library, settings)


def editor_unlocked(settings: Settings) -> bool:
    """True when this session may change the library: no editor password configured, or it was given."""
    if not editing_locked(settings) or st.session_state.get("editor_password"):
        return True
    st.markdown("##### 编辑文库")
    st.caption("文库为只读：上传或删除文件需要编辑密码。")
    with st.form("editor_login", border=False):
        password = st.text_input("编辑密码", type="password", key="editor_password_input")
        given = st.form_submit_button("解锁编辑", icon=":material/lock_open:")
    if given:
        try:
            check_editor(password, settings)
        except EditorRefused as err:
            st.error(err.zh)
            return False
        st.session_state["editor_password"] = password
        st.rerun()
    return False


def upload_section(settings: Settings) -> None:
    """Drag-and-drop upload of several files, ingested at once with a progress bar."""
    from retrieval.upload import import_uploads

    st.markdown("##### 上传文件")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        "拖入或选择政策文件（可多选）", accept_multiple_files=True, key=f"uploader-{round_}",
        help=view.upload_help(settings),
    )  # fmt: skip
    st.caption(view.upload_help(settings))
    if files:
        bar = st.progress(0.0, text="准备导入…")
        try:
            outcome = import_uploads(
                [(f.name, f.getvalue()) for f in files], settings,
                on_progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=text),
                password=st.session_state.get("editor_password"),
            )  # fmt: skip
        except PolicyError as err:
            bar.empty()
            st.error(err.zh)
            return
        st.session_state["upload_outcome"] = outcome
        st.session_state["upload_round"] = round_ + 1
        st.rerun()
    if outcome := st.session_state.get("upload_outcome"):
        for name in outcome.added:
            st.success(view.md_escape(f"已导入：{name}，各页面即刻可用。"), icon=":material/check_circle:")
        for _name, reason in outcome.rejected:
            st.error(view.md_escape(reason), icon=":material/error:")


def remove_section(library: Library, settings: Settings) -> None:
    """Pick a document and remove it from the library and the corpus folder."""
    st.markdown("##### 删除文件")
    labels = {doc_id: view.document_label(doc) for doc_id, doc in library.documents.items()}
    doc_id = st.selectbox(
        "选择要删除的文件", list(labels), index=None, format_func=lambda d: labels.get(d, d),
        key="remove_doc", placeholder="选择文件",
    )  # fmt: skip
    confirm = st.checkbox(view.removal_warning(settings), key="remove_confirm")
    st.button("删除", key="remove_go", disabled=not (doc_id and confirm), on_click=remove_document_now,
              args=(doc_id, settings), icon=":material/delete:")  # fmt: skip
    if notice := st.session_state.pop("remove_notice", None):
        st.success(view.md_escape(notice))
    if error := st.session_state.pop("remove_error", None):
        st.error(error)


def remove_document_now(doc_id: str, settings: Settings) -> None:
    """Button callback: remove the document and reset the picker."""
    from retrieval.upload import delete_document

    try:
        doc = delete_document(doc_id, settings, password=st.session_state.get("editor_password"))
        st.session_state["remove_notice"] = f"已删除《{doc.meta.title or doc.source}》。"
    except PolicyError as err:
        st.session_state["remove_error"] = err.zh
    st.session_state["remove_doc"] = None
    st.session_state["remove_confirm"] = False


# ---------------------------------------------------------------- main


def main() -> None:
    """Page frame and the open page from the library; then make sure the retriever is loaded."""
    st.set_page_config(page_title="政策问答助手", page_icon=":material/menu_book:", layout="wide")
    settings = get_settings()
    st.html(view.APP_CSS)
    st.markdown(f"#### {APP_TITLE}")
    tabs = st.tabs(PAGES, key="page", on_change="rerun")
    library = current_library(settings)
    filters, answer_settings = sidebar(library, settings)
    pages = (ask_page, compare_page, targets_page, brief_page, library_page)
    for tab, page in zip(tabs, pages, strict=True):
        if tab.open:
            with tab:
                page(library, filters, answer_settings if page is ask_page else settings)
    if library.documents:
        with st.sidebar:
            retriever_for(settings, ready=False)


main()
