"""brief: a briefing that quotes clauses region by region, and a DOCX that LibreOffice opens cleanly."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli_env

from assistant.brief import build_brief
from assistant.export import briefing_docx, briefing_markdown, write_bytes
from errors import BadQuery
from settings import REPO_ROOT

SHANGHAI_FLOW = "通过骨干教师柔性流动、学科基地建设、联校教研开展、特需教师配送等形式"
SHANXI_DISTRICTS = "按照地理位置相对就近、办学水平大致均衡的原则"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def briefing(retriever):
    return build_brief(["教师交流", "学区制管理"], retriever, today=dt.date(2025, 3, 1))


def test_sections_quote_clauses_with_source_numbers(briefing, retriever):
    assert briefing.title == "政策简报:教师交流、学区制管理" and briefing.date == "2025-03-01"
    assert [s.topic for s in briefing.sections] == ["教师交流", "学区制管理"]
    by_number = {s.n: s for s in briefing.sources}
    index = retriever.library.clause_index()
    for section in briefing.sections:
        for q in section.quotes:
            clause, doc = index[q.clause_id]
            assert by_number[q.n].doc_id == doc.doc_id and q.text == clause.text, "a quote cites its own document"
    exchange = briefing.sections[0]
    assert any(SHANGHAI_FLOW in q.text and q.region == "上海市" for q in exchange.quotes)
    assert "关于做好县域内义务教育阶段优质学校帮扶农村学校促进义务教育优质均衡发展工作的通知" in exchange.uncovered
    numbers = {s.doc_number for s in briefing.sources}
    assert {"晋教基〔2015〕27号", "沪教委基〔2015〕80号"} <= numbers
    assert all(s.source.startswith("corpus/") for s in briefing.sources)


def test_markdown(briefing):
    md = briefing_markdown(briefing)
    assert md.startswith("# 政策简报:教师交流、学区制管理\n") and "生成日期:2025-03-01" in md
    assert "## 一、教师交流" in md and "## 二、学区制管理" in md and "### 上海市" in md
    assert SHANGHAI_FLOW in md and "| 辽宁省葫芦岛市 |" in md and "未涉及" in md
    sources = md.split("## 来源", 1)[1]
    assert "晋教基〔2015〕27号" in sources and "山西省教育厅" in sources and "2015-12-25" in sources


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"), reason="needs LibreOffice + poppler")
def test_docx_converts_to_pdf_with_quotes_and_sources(briefing, tmp_path, artifacts):
    path = write_bytes(tmp_path / "brief.docx", briefing_docx(briefing))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "brief.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    text = _norm(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
    shutil.copy(pdf, artifacts / "brief.pdf")
    assert _norm("政策简报:教师交流、学区制管理") in text
    assert _norm(SHANGHAI_FLOW) in text and _norm(SHANXI_DISTRICTS) in text, "quoted clause text survives"
    sources = text.rsplit("来源", 1)[1]
    for number in ("晋教基〔2015〕27号", "沪教委基〔2015〕80号", "长二府发〔2014〕60号"):
        assert number in sources, f"{number} in the source list"
    assert "2015-11-12" in sources and "corpus/002_29812e0db962ca04.txt" in sources


def test_bad_topics(retriever):
    with pytest.raises(BadQuery):
        build_brief([], retriever)
    with pytest.raises(BadQuery):
        build_brief(["  ", ""], retriever)
    with pytest.raises(BadQuery) as err:
        build_brief(["量子计算机芯片"], retriever)
    assert "未涉及" in err.value.zh
    mixed = build_brief(["量子计算机芯片", "教师交流"], retriever)
    assert not mixed.sections[0].quotes and mixed.sections[1].quotes, "an uncovered topic keeps its (empty) section"


def test_cli_writes_docx_and_markdown_or_nothing(indexed_settings, tmp_path):
    env = cli_env(indexed_settings, tmp_path)
    run = [sys.executable, "-m", "assistant", "brief"]
    out, md = tmp_path / "b.docx", tmp_path / "b.md"
    ok = subprocess.run(
        [*run, "集团化办学", "-o", str(out), "--md", str(md)], capture_output=True, text=True, env=env, cwd=REPO_ROOT
    )
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes()[:2] == b"PK" and "集团化办学" in md.read_text(encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    for args in (
        ["集团化办学", "-o", str(blocker / "b.docx")],
        ["集团化办学", "-o", str(tmp_path / "x.docx"), "--md", str(blocker / "b.md")],
        ["量子计算机芯片", "-o", str(tmp_path / "q.docx")],
    ):
        bad = subprocess.run([*run, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT)
        assert bad.returncode == 1 and "Traceback" not in bad.stderr, bad.stderr
        assert len([ln for ln in bad.stderr.splitlines() if ln.startswith("error:")]) == 1
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".md", ".tmp"))
    assert leftovers == ["b.docx", "b.md"], f"failed runs leave no file: {leftovers}"
    assert Path(blocker).read_text() == "x"
