"""Small view helpers for the app: safe Markdown/HTML from document text, table rows, the targets chart.

Everything that puts user or document text on screen goes through ``md_escape`` (for Markdown) or
``html.escape`` (for HTML), so markup or script inside a document or a question shows as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.export import MISSING, or_missing
from assistant.types import Answer, Citation, Comparison, ComparisonRow, Target
from ingest.types import Clause, Document
from policytext.places import CITY, COUNTY, NATIONAL, PROVINCE
from retrieval.library import Library
from retrieval.types import SearchFilters
from settings import Settings

if TYPE_CHECKING:  # the app imports this module before the heavy stages load, so they are imported lazily
    import altair as alt

    from assistant.brief import Quote, Source

MARK_ID = "cited-clause"
EXAMPLE_QUESTIONS = ("集团化办学对成员校有什么要求？", "各地对教师交流分别怎么规定？", "学区怎样划分？")
SUGGESTED_TOPICS = ("集团化办学", "学区制管理", "教育联盟", "对口帮扶", "委托管理", "教师交流", "经费保障", "组织领导")
# Static page CSS (no user text): hide Streamlit's "Deploy" button and the uploader's English size hint,
# which states Streamlit's transport limit rather than ours (ours is in the Chinese caption).
APP_CSS = """<style>
[data-testid="stAppDeployButton"], [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>"""
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=^:&])")
_UNSAFE_FILENAME = re.compile(r"[^\w\u4e00-\u9fff-]+")
KIND_LABELS = {"target": "目标", "status": "现状"}
LEVEL_ORDER = {level: i for i, level in enumerate((NATIONAL, PROVINCE, CITY, COUNTY))}
LEGEND_ONE_COLUMN = 8  # more regions than this: the chart's legend takes three columns
CLAUSE_PREVIEW_CHARS = 120  # a provision in the comparison table is cut here; the full text is one click away


# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class OutcomeView:
    """How an answer that is no answer is shown: its box's title and icon, and the heading of its clauses."""

    title: str
    icon: str
    nearby_heading: str


NOT_STATED_VIEW = OutcomeView("文件未明确规定", ":material/help:", "相关条款（涉及该主题，但未写明所问内容）")
REFUSED_VIEW = OutcomeView("未找到依据", ":material/block:", "最接近的条款（仅供参考，不构成依据）")


def outcome_view(answer: Answer) -> OutcomeView:
    """"Not stated" and "refused" are told apart on the page."""
    return NOT_STATED_VIEW if answer.not_stated else REFUSED_VIEW


PARTLY_STATED_ICON = ":material/help:"


def answer_body(answer: Answer) -> str:
    """The answer's text without the line on the part not stated, which the page shows in a box of its own."""
    lines = answer.answer.splitlines()
    if answer.unstated and lines and lines[0] == answer.unstated:
        lines = lines[1:]
    return "\n".join(lines)


def reading_note(answer: Answer) -> str:
    """理解为：… for a follow-up read against the conversation (so the user can correct it); else ""."""
    resolved = (answer.resolved_question or "").strip()
    return f"理解为：{resolved}" if resolved and resolved != answer.question.strip() else ""


def md_escape(text: str) -> str:
    """Plain text -> Markdown that shows exactly that text (markup, HTML and LaTeX neutralised, lines kept)."""
    lines = [_MD_SPECIAL.sub(r"\\\1", line.strip()) for line in (text or "").splitlines()]
    return "  \n".join(lines)


def citation_label(c: Citation) -> str:
    """Expander label of a citation: [n] 《title》 heading (escaped Markdown)."""
    heading = f" {c.heading}" if c.heading else ""
    return md_escape(f"[{c.n}] 《{c.title or Path(c.source).name}》{heading}")


def citation_meta(c: Citation) -> str:
    """One caption line: 文号, date and heading path of a cited clause (escaped Markdown)."""
    return md_escape(f"文号：{or_missing(c.doc_number)} ｜ 日期：{or_missing(c.date)} ｜ 位置：{or_missing(c.heading)}")


def comparison_rows(c: Comparison, covered_only: bool = False) -> list[dict]:
    """A comparison as table rows: region, level, 文号, date, title and the leading provision (or 未涉及)."""
    return [
        {
            "地区": row.region,
            "层级": row.document.meta.level,
            "文号": row.doc_number,
            "日期": row.date,
            "文件": row.title,
            "规定": _preview(row.clauses[0].text) if row.clauses else "未涉及",
            "条款数": len(row.clauses),
        }
        for row in sorted(c.rows, key=lambda r: (level_rank(r.document.meta.level), r.region))
        if row.covered or not covered_only
    ]


def _preview(text: str) -> str:
    """A provision cut for a table cell."""
    text = " ".join(text.split())
    return text if len(text) <= CLAUSE_PREVIEW_CHARS else text[: CLAUSE_PREVIEW_CHARS - 1] + "…"


def row_meta(row: ComparisonRow) -> str:
    """One caption line for a document in a comparison: region, 文号, date (escaped Markdown)."""
    return md_escape(f"{or_missing(row.region)} ｜ 文号：{or_missing(row.doc_number)} ｜ 日期：{or_missing(row.date)}")


def clause_markdown(heading: str, text: str) -> str:
    """A clause as Markdown: its heading path in bold, then its text (both escaped)."""
    head = f"**{md_escape(heading)}**  \n" if heading else ""
    return head + md_escape(text)


def safe_filename(text: str, suffix: str) -> str:
    """A download file name from a topic: letters, digits and CJK only, at most 40 characters."""
    stem = _UNSAFE_FILENAME.sub("_", text or "").strip("_")[:40] or "export"
    return f"{stem}{suffix}"


def llm_status(settings: Settings) -> str:
    """Whether an LLM is configured, naming model and host only (never the key or URL credentials)."""
    if not settings.llm_configured:
        return "未配置大模型（设置 POLICY_LLM_BASE_URL 后可用），当前使用摘录式回答。"
    host = urlparse(settings.llm_base_url or "").hostname or "?"
    return f"已配置大模型：{settings.llm_model}（{host}）"


def library_place(settings: Settings) -> str:
    """Where the library lives, as a cache key and for messages: 'embedded' or host:port."""
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded"


def library_caption(settings: Settings) -> str:
    """How the 文库 page names the library: the shared one on a server, or this computer's."""
    if settings.chroma_host:
        return f"共享文库（{library_place(settings)}）"
    return "文库"


def removal_warning(settings: Settings) -> str:
    """What the removal checkbox confirms: on a shared library, the document goes for everyone."""
    if settings.chroma_host:
        return "确认删除：文件将从共享文库移除，所有使用者都将看不到它（本机导入的原文件也会删除）。"
    return "确认删除：文件将从文库移除，原文件也会从文件夹中删除。"


def upload_help(settings: Settings) -> str:
    """The uploader's hint: accepted formats and the size limit."""
    from ingest.load import SUPPORTED_SUFFIXES

    return f"支持 {'、'.join(SUPPORTED_SUFFIXES)}，可一次拖入多个文件，单个不超过 {settings.max_file_mb:g} MB。"


# ---------------------------------------------------------------- document view


def find_clause(doc: Document, clause_id: str) -> Clause | None:
    """The clause of a document with this id, or None."""
    return next((c for c in doc.clauses if c.clause_id == clause_id), None)


def document_html(doc: Document, clause: Clause | None = None) -> str:
    """A whole cleaned document as a standalone HTML page, the clause marked and scrolled into view."""
    text = doc.text
    start, end = (clause.start, clause.end) if clause else (0, 0)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    body = html.escape(text[:start])
    if end > start:
        body += f'<mark id="{MARK_ID}">{html.escape(text[start:end])}</mark>'
    body += html.escape(text[end:])
    meta = doc.meta
    info = f"{meta.issuer or MISSING} ｜ 文号：{or_missing(meta.doc_number)} ｜ 日期：{or_missing(meta.date)}"
    return _DOC_PAGE.format(
        title=html.escape(meta.title or Path(doc.source).name),
        info=html.escape(info),
        source=html.escape(doc.source),
        body=body,
        mark=MARK_ID,
    )


_DOC_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
html, body {{ margin: 0; height: 100%; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #262730; background: #fff; }}
#doc {{ position: relative; height: 100%; overflow-y: auto; box-sizing: border-box; padding: 0 14px 40px; }}
header {{ position: sticky; top: 0; background: #fff; padding: 6px 0 8px; border-bottom: 1px solid #e5e7eb;
  margin-bottom: 8px; }}
h1 {{ font-size: 16px; line-height: 1.5; margin: 0; }}
.info {{ color: #6b7280; font-size: 13px; }}
.body {{ white-space: pre-wrap; word-break: break-word; line-height: 1.85; font-size: 15px; }}
mark {{ background: #fde68a; border-radius: 3px; box-shadow: 0 0 0 2px #fde68a; }}
</style></head><body><div id="doc">
<header><h1>{title}</h1><div class="info">{info} ｜ 文件：{source}</div></header>
<div class="body">{body}</div></div>
<script>
const box = document.getElementById("doc"), mark = document.getElementById("{mark}");
const head = box.querySelector("header");
if (mark) {{ box.scrollTop = Math.max(0, mark.offsetTop - head.offsetHeight - box.clientHeight / 6); }}
</script></body></html>"""


# ---------------------------------------------------------------- library and filters


def document_label(doc: Document) -> str:
    """A document as one line for pickers: region · title."""
    region = doc.meta.region
    return f"{region} · {doc.meta.title or Path(doc.source).name}" if region else doc.meta.title or doc.source


def library_rows(library: Library, filters: SearchFilters | None = None, query: str = "") -> list[dict]:
    """One table row per document the filters keep and the query finds (Chinese column names)."""
    docs = sorted(documents_in_view(library, filters, query), key=lambda d: (level_rank(d.meta.level), d.source))
    return [
        {
            "标题": d.meta.title or Path(d.source).name,
            "层级": d.meta.level,
            "地区": d.meta.region,
            "发文机关": d.meta.issuer,
            "文号": d.meta.doc_number,
            "日期": d.meta.date,
            "类型": d.meta.doc_type,
            "状态": d.meta.status,
            "条款数": len(d.clauses),
            "文件": Path(d.source).name,
        }
        for d in docs
    ]


def documents_in_view(library: Library, filters: SearchFilters | None, query: str = "") -> list[Document]:
    """The documents the filters keep whose title, issuer, region, 文号 or file name holds every word of query."""
    from retrieval.search import matches_filters

    words = query.split()
    kept = []
    for doc in library.documents.values():
        m = doc.meta
        haystack = " ".join((m.title, m.issuer, m.region, m.doc_number, Path(doc.source).name))
        if (filters is None or filters.empty or matches_filters(doc, filters)) and all(w in haystack for w in words):
            kept.append(doc)
    return kept


def level_options(library: Library) -> list[str]:
    """Levels of government the library's documents come from, national first."""
    return sorted({d.meta.level for d in library.documents.values() if d.meta.level}, key=level_rank)


def level_rank(level: str) -> int:
    """Where a level sorts: 国家, 省, 市, 县区, then anything else."""
    return LEVEL_ORDER.get(level, len(LEVEL_ORDER))


def region_options(library: Library) -> list[str]:
    """Region names the library covers for the region filter: provinces, then cities, then counties."""
    metas = [d.meta for d in library.documents.values()]
    names = [m.province for m in metas] + [m.city for m in metas] + [m.county for m in metas]
    return list(dict.fromkeys(n for n in names if n))


def year_bounds(library: Library) -> tuple[int, int] | None:
    """Earliest and latest year of issue in the library (None when no document is dated)."""
    years = [d.meta.year for d in library.documents.values() if d.meta.year]
    return (min(years), max(years)) if years else None


def doc_types(library: Library) -> list[str]:
    """Document types present in the library, sorted."""
    return sorted({d.meta.doc_type for d in library.documents.values() if d.meta.doc_type})


def make_filters(
    regions: Sequence[str] = (),
    doc_ids: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    bounds: tuple[int, int] | None = None,
    types: Sequence[str] = (),
    levels: Sequence[str] = (),
) -> SearchFilters:
    """Sidebar choices -> SearchFilters; a year range equal to the library's bounds restricts nothing."""
    year_from = year_to = None
    if years and bounds and tuple(years) != tuple(bounds):
        year_from, year_to = int(years[0]), int(years[1])
    return SearchFilters(tuple(regions), tuple(doc_ids), year_from, year_to, tuple(types), tuple(levels))


# ---------------------------------------------------------------- targets


def targets_in_scope(
    targets: Iterable[Target], library: Library, filters: SearchFilters, kinds: Sequence[str] = ("target",)
) -> list[Target]:
    """Targets of the given kinds from the documents the filters keep."""
    from retrieval.search import matches_filters

    docs = library.documents
    return [
        t
        for t in targets
        if t.kind in kinds and t.doc_id in docs and (filters.empty or matches_filters(docs[t.doc_id], filters))
    ]


def target_value(t: Target) -> str:
    """A target's value as shown: 60, or a range 2—3."""
    lo = f"{t.value:g}"
    return f"{lo}—{t.value_max:g}" if t.value_max is not None else lo


def target_rows(targets: Sequence[Target]) -> list[dict]:
    """One table row per target (Chinese column names)."""
    return [
        {
            "地区": t.region,
            "年份": t.year,
            "指标": t.measure,
            "数值": target_value(t),
            "单位": t.unit,
            "要求": t.comparator,
            "范围": t.scope,
            "类别": KIND_LABELS.get(t.kind, t.kind),
            "文件": t.title,
            "原文": t.text,
        }
        for t in targets
    ]


def chart_year(year: str) -> int | None:
    """The year a target is plotted at: the year named, or the end of a range (2014—2016 -> 2016)."""
    found = re.findall(r"(?:19|20)\d{2}", year or "")
    return int(found[-1]) if found else None


def target_units(targets: Sequence[Target]) -> list[str]:
    """Units of the plottable targets: % first, then the most frequent.

    Shares compare across regions; counts of 个 are of anything, a school or a sports ground.
    """
    counts: dict[str, int] = {}
    for t in targets:
        if chart_year(t.year):
            counts[t.unit] = counts.get(t.unit, 0) + 1
    return sorted(counts, key=lambda u: (u != "%", -counts[u]))


def targets_chart(targets: Sequence[Target], unit: str) -> alt.Chart | None:
    """Line-and-point chart of target values over the years (None: nothing to plot).

    One colour per region, one line per indicator.
    """
    data = [
        {"年份": chart_year(t.year), "数值": t.value, "地区": t.region, "指标": t.measure, "原文": t.text[:80]}
        for t in targets
        if t.unit == unit and chart_year(t.year)
    ]
    if not data:
        return None
    import altair as alt

    regions = len({row["地区"] for row in data})
    columns = 1 if regions <= LEGEND_ONE_COLUMN else 3  # a library of a hundred documents charts dozens of regions
    return (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=alt.OverlayMarkDef(size=80), strokeWidth=2)
        .encode(
            x=alt.X("年份:O", title="年份", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("数值:Q", title=f"数值（{unit}）"),
            color=alt.Color(
                "地区:N",
                title="地区",
                scale=alt.Scale(scheme="tableau10" if regions <= 10 else "category20"),
                legend=alt.Legend(orient="bottom", columns=columns, labelLimit=320 // columns + 60),
            ),
            detail="指标:N",  # a line joins one indicator of one region over the years, never two indicators
            tooltip=["地区:N", "年份:O", "数值:Q", "指标:N", "原文:N"],
        )
        .properties(height=260 + 24 * -(-regions // columns))
    )


def library_signature(library: Library) -> tuple[tuple[str, str], ...]:
    """A hashable fingerprint of the library's documents, to cache what is derived from them."""
    return tuple(sorted((d.doc_id, d.content_hash) for d in library.documents.values()))


# ---------------------------------------------------------------- briefing preview


def quote_markdown(q: Quote) -> str:
    """A briefing quote as a Markdown block quote with its source number (escaped)."""
    return f"> {md_escape(q.text)} \\[{q.n}\\]"


def quote_source(q: Quote) -> str:
    """Caption under a quote: region, title and heading path (escaped)."""
    heading = f" {q.heading}" if q.heading else ""
    return md_escape(f"——{q.region}《{q.title}》{heading}")


def source_markdown(s: Source) -> str:
    """One entry of a briefing's source list (escaped)."""
    parts = (
        f"[{s.n}] 《{s.title}》",
        or_missing(s.issuer),
        f"文号：{or_missing(s.doc_number)}",
        f"日期：{or_missing(s.date)}",
    )
    return md_escape(" ｜ ".join(parts))
