"""Comparisons and briefings as CSV, Markdown and DOCX, written atomically (no partial file on failure)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.brief import Briefing, BriefSection
from assistant.types import Comparison, ComparisonRow
from errors import OutputError
from policytext.numerals import chinese_numeral
from retrieval.library import atomic_write_bytes

NOT_COVERED = "未涉及"
MISSING = "—"  # shown where the document does not say (no 文号, no date)
CJK_FONT = "宋体"  # Word on Windows has it; LibreOffice maps it to Noto CJK via fontconfig
LATIN_FONT = "Times New Roman"
CSV_HEADER = ("地区", "文件", "文号", "日期", "来源文件", "序号", "条款位置", "条款原文", "相关度")
TABLE_HEADER = ("地区", "文件", "文号", "日期", "相关条款")


# ---------------------------------------------------------------- writing


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write data to path atomically; OutputError (nothing left behind) when the path cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: it is a directory", zh=f"无法写入 {path}:这是一个文件夹。")
    try:
        atomic_write_bytes(path, data)
        os.chmod(path, 0o666 & ~_umask())  # the temp file was private (0600); exports are ordinary files
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"Cannot write {path}: {reason}", zh=f"无法写入导出文件 {path}({reason})。") from exc
    return path


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(paths: Iterable[str | os.PathLike | None]) -> None:
    """Fail early (OutputError) when any output path is a folder or its folder cannot be created or written."""
    for p in paths:
        if p is None:
            continue
        path = Path(p)
        if path.is_dir():
            raise OutputError(f"Cannot write {path}: it is a directory", zh=f"无法写入 {path}:这是一个文件夹。")
        parent = next((a for a in [path.parent, *path.parent.parents] if a.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK):
            raise OutputError(f"Cannot write {path}: folder not writable", zh=f"无法写入导出文件 {path}:目录不可写。")


# ---------------------------------------------------------------- comparison


def comparison_csv(c: Comparison) -> bytes:
    """Comparison -> CSV bytes (UTF-8 with BOM so Excel reads Chinese), one line per clause or 未涉及 row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in c.rows:
        head = (row.region, row.title, row.doc_number, row.date, row.source)
        if not row.covered:
            writer.writerow((*head, "", "", NOT_COVERED, ""))
        for i, cl in enumerate(row.clauses, start=1):
            writer.writerow((*head, i, cl.heading, cl.text, f"{cl.score:.4f}"))
    return buf.getvalue().encode("utf-8-sig")


def comparison_markdown(c: Comparison) -> str:
    """Comparison -> a Markdown document: a heading and one table row per document."""
    lines = [f"# 主题对比:{c.topic}", "", *_coverage_note(c), "", _md_row(TABLE_HEADER), _md_row(["---"] * 5)]
    for row in c.rows:
        cells = [*_row_meta(row), "<br>".join(_clause_lines(row)) if row.covered else NOT_COVERED]
        lines.append(_md_row(cells))
    return "\n".join(lines) + "\n"


def comparison_docx(c: Comparison) -> bytes:
    """Comparison -> DOCX bytes: a title, a coverage note and the comparison table."""
    d = _new_document()
    d.add_heading(f"主题对比:{c.topic}", level=1)
    for line in _coverage_note(c):
        d.add_paragraph(line)
    _comparison_table(d, c, full=True)
    return _docx_bytes(d)


# ---------------------------------------------------------------- briefing


def briefing_markdown(b: Briefing) -> str:
    """Briefing -> Markdown: title and date, per topic quotes region by region and a table, then sources."""
    lines = [f"# {b.title}", "", f"生成日期:{b.date}", ""]
    for i, section in enumerate(b.sections, start=1):
        lines += [f"## {chinese_numeral(i)}、{section.topic}", ""]
        for region, quotes in _by_region(section):
            lines += [f"### {region}", ""]
            for q in quotes:
                lines += [f"> {q.text} [{q.n}]", ">", f"> ——《{q.title}》{_heading_note(q.heading)}", ""]
        if section.uncovered:
            lines += [f"未涉及该主题的文件:{'；'.join(section.uncovered)}", ""]
        lines += ["**对比表**", "", _md_row(TABLE_HEADER), _md_row(["---"] * 5)]
        for row in section.comparison.rows:
            lines.append(_md_row([*_row_meta(row), _brief_cell(row, b)]))
        lines.append("")
    lines += ["## 来源", ""]
    for s in b.sources:
        lines.append(
            f"{s.n}. 《{s.title}》,{or_missing(s.issuer)},{or_missing(s.doc_number)},"
            f"{or_missing(s.date)},文件:{s.source}"
        )
    return "\n".join(lines) + "\n"


def briefing_docx(b: Briefing) -> bytes:
    """Briefing -> DOCX bytes with the same content as briefing_markdown."""
    d = _new_document()
    d.add_heading(b.title, level=0)
    d.add_paragraph(f"生成日期:{b.date}")
    for i, section in enumerate(b.sections, start=1):
        d.add_heading(f"{chinese_numeral(i)}、{section.topic}", level=1)
        for region, quotes in _by_region(section):
            d.add_heading(region, level=2)
            for q in quotes:
                d.add_paragraph(f"{q.text} [{q.n}]", style="Quote")
                d.add_paragraph(f"——《{q.title}》{_heading_note(q.heading)}")
        if section.uncovered:
            d.add_paragraph(f"未涉及该主题的文件:{'；'.join(section.uncovered)}")
        d.add_paragraph("对比表").runs[0].bold = True
        _briefing_table(d, section, b)
    d.add_heading("来源", level=1)
    for s in b.sources:
        d.add_paragraph(
            f"[{s.n}] 《{s.title}》,发文机关:{or_missing(s.issuer)},文号:{or_missing(s.doc_number)},"
            f"日期:{or_missing(s.date)},文件:{s.source}"
        )
    return _docx_bytes(d)


# ---------------------------------------------------------------- helpers


def _coverage_note(c: Comparison) -> list[str]:
    """One line saying how many documents in scope cover the topic."""
    covered = sum(r.covered for r in c.rows)
    return [f"共 {len(c.rows)} 份文件,其中 {covered} 份涉及该主题。"]


def _row_meta(row: ComparisonRow) -> list[str]:
    """Region, title, 文号, date of a row ('—' where the document does not say)."""
    return [or_missing(row.region), row.title, or_missing(row.doc_number), or_missing(row.date)]


def _clause_lines(row: ComparisonRow) -> list[str]:
    """A row's clauses as numbered display lines with heading and score."""
    return [
        f"{i}. {_heading_prefix(cl.heading)}{cl.text}(相关度 {cl.score:.3f})"
        for i, cl in enumerate(row.clauses, start=1)
    ]


def _brief_cell(row: ComparisonRow, b: Briefing) -> str:
    """A briefing table cell: the headings of the row's clauses with the source number, or 未涉及."""
    if not row.covered:
        return NOT_COVERED
    n = next((s.n for s in b.sources if s.doc_id == row.doc_id), None)
    heads = "；".join(dict.fromkeys(cl.heading.split(" › ")[-1] or "正文" for cl in row.clauses))
    return f"{heads} [{n}]"


def _by_region(section: BriefSection) -> list[tuple[str, list]]:
    """Quotes grouped by region, in the comparison's row order."""
    groups: dict[str, list] = {}
    for q in section.quotes:
        groups.setdefault(q.region or "未注明地区", []).append(q)
    return list(groups.items())


def _heading_prefix(heading: str) -> str:
    """'三、主要模式 › 3.学区制管理' -> '〔三、主要模式 › 3.学区制管理〕', '' -> ''."""
    return f"〔{heading}〕" if heading else ""


def _heading_note(heading: str) -> str:
    """Heading path as a trailing note for a quote."""
    return f" {heading}" if heading else ""


def or_missing(value: str) -> str:
    """Empty metadata -> '—' (the document does not say)."""
    return value or MISSING


def _md_row(cells: Iterable[str]) -> str:
    """Cells -> one Markdown table row, with pipes and line breaks escaped."""
    return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", "<br>") for c in cells) + " |"


def _new_document() -> docx.Document:
    """A blank DOCX whose styles use a CJK font for East Asian text."""
    d = docx.Document()
    for style in d.styles:
        if style.type == 1 or style.name in ("Table Grid", "Normal Table"):  # paragraph and table styles
            _set_fonts(style.element)
    d.styles["Normal"].font.size = Pt(11)
    return d


def _set_fonts(element) -> None:
    """Give a style (or run) element a Latin and an East Asian font."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _comparison_table(d, c: Comparison, full: bool) -> None:
    """Add the comparison table: one row per document, its clauses (or 未涉及) in the last column."""
    table = _table(d, TABLE_HEADER)
    for row in c.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, _row_meta(row), strict=False):
            cell.text = value
        last = cells[-1]
        lines = _clause_lines(row) if row.covered else [NOT_COVERED]
        last.text = lines[0]
        for line in lines[1:]:
            last.add_paragraph(line)


def _briefing_table(d, section: BriefSection, b: Briefing) -> None:
    """Add a briefing's comparison table: region, title, 文号, date, headings cited (or 未涉及)."""
    table = _table(d, TABLE_HEADER)
    for row in section.comparison.rows:
        for cell, value in zip(table.add_row().cells, [*_row_meta(row), _brief_cell(row, b)], strict=True):
            cell.text = value


def _table(d, header: Iterable[str]):
    """A bordered table with a bold header row."""
    header = list(header)
    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    return table


def _docx_bytes(d) -> bytes:
    """Serialize a python-docx document."""
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
