"""ingest.load: every supported format comes back as the right text; every bad input names its reason."""

from __future__ import annotations

import codecs
import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader

from errors import UnsupportedFile
from ingest.load import SUPPORTED_SUFFIXES, _join_pdf_lines, load_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILE = ROOT / "corpus" / "000_a005dbbff23b771d.txt"
LIMIT = 5 * 1024 * 1024

# Policy text from corpus/000 (山西省教育厅, 晋教基〔2015〕27号), with full-width numbering as in the original.
TITLE = "山西省教育厅关于积极推进义务教育办学模式改革的指导意见"
DOC_NO = "晋教基〔2015〕27号"
H1 = "一、指导思想"
PARA1 = (
    "深入贯彻落实党的十八大和十八届三中、四中、五中全会精神，深入学习贯彻习近平总书记系列重要讲话精神，"
    "全面贯彻党的教育方针，积极顺应新型城镇化进程加快推进和人口政策变化的新形势，以促进义务教育均衡发展、"
    "努力办好人民满意的教育为宗旨，以推行义务教育办学模式改革为重点。"
)
H2 = "二、目标任务"
ITEM1 = "（一）教育联盟。城镇学校与农村学校、优质学校与薄弱学校结成教育联盟（共同体）。"
ITEM2 = "1.集团化办学。一所优质学校为龙头，吸收合并若干所新建学校、薄弱学校或农村学校组建教育集团。"
ITEM3 = "（1）学区制管理。按照地理位置相对就近、办学水平大致均衡的原则，将区域内初中和小学结合成片。"
POLICY_LINES = [TITLE, DOC_NO, H1, PARA1, H2, ITEM1, ITEM2, ITEM3]
CJK = re.compile(r"[\u4e00-\u9fff]")


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text encoded with ``encoding``, or raw bytes) to tmp_path/name."""
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def policy_body() -> str:
    """The policy part of corpus file 000 (from its title on), as real long Chinese text."""
    text = CORPUS_FILE.read_text(encoding="utf-8")
    return text[text.index(TITLE) :]


def lines_of(text: str) -> list[str]:
    """Non-empty stripped lines of ``text``."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def assert_in_order(text: str, parts: list[str]) -> None:
    """Assert each of ``parts`` occurs in ``text`` after the previous one."""
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        assert found >= 0, f"expected {part!r} after offset {pos} in:\n{text}"
        pos = found + len(part)


def assert_line_starts(text: str, starts: list[str]) -> None:
    """Assert every string in ``starts`` begins some line of ``text`` (numbering kept at line starts)."""
    lines = lines_of(text)
    for start in starts:
        assert any(line.startswith(start) for line in lines), f"no line starts with {start!r}:\n{text}"


def cjk_font() -> Path:
    """Path of an installed Noto CJK font for fpdf2, or skip if none is installed."""
    for pattern in ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf", "NotoSerifCJK-Regular.ttc", "*CJK*.tt[cf]"):
        found = sorted(Path("/usr/share/fonts").rglob(pattern))
        if found:
            return found[0]
    pytest.skip("no Noto CJK font installed (apt-get install fonts-noto-cjk)")


def make_pdf(path: Path, paragraphs: list[str] | None, width: float = 120, start_y: float | None = None) -> Path:
    """Write a PDF of ``paragraphs`` in a CJK font wrapped at ``width`` mm, or a page with only a rectangle."""
    pdf = FPDF()
    pdf.add_page()
    if start_y is not None:
        pdf.set_y(start_y)
    if paragraphs is None:
        pdf.rect(20, 20, 100, 60, style="F")
    else:
        pdf.add_font("noto", fname=str(cjk_font()))
        pdf.set_font("noto", size=12)
        for paragraph in paragraphs:
            pdf.multi_cell(width, 8, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    """Write a .docx with the policy paragraphs, a 3x2 table, and a single-cell layout table."""
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for line in POLICY_LINES[1:5]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    for row, (year, goal) in zip(table.rows, [("年份", "目标"), ("2016年", "所有地级市市辖区推行改革"),
                                               ("2017年", "各市80%以上的县推行改革")], strict=True):  # fmt: skip
        row.cells[0].text, row.cells[1].text = year, goal
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = ITEM1
    layout.cell(0, 0).add_paragraph(ITEM2)
    document.add_paragraph(ITEM3)
    document.save(str(path))
    return path


# --- plain text: encodings -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
@pytest.mark.parametrize("text", ["一、指导思想", "集团化办学", "县管校聘", "学区制管理", ITEM1, f"各市：\r\n{H1}"])
def test_short_gb_text_is_decoded_as_chinese(tmp_path, encoding, text):
    # charset-normalizer alone guesses cp949/big5 for several of these; GB18030 must win.
    path = write(tmp_path, "short.txt", text, encoding)
    assert load_text(path, LIMIT) == text.replace("\r\n", "\n")


def test_long_gbk_corpus_text_round_trips(tmp_path):
    body = policy_body().replace("\xa0", " ").replace("©", "(c)")  # the two corpus characters GBK lacks
    path = write(tmp_path, "long.txt", body.replace("\n", "\r\n"), "gbk")
    text = load_text(path, LIMIT)
    assert text == body
    assert_line_starts(text, ["一、指导思想", "三、主要模式", "1.教育联盟", "2.集团化办学"])


def test_long_gb18030_text_with_four_byte_characters_round_trips(tmp_path):
    body = policy_body() + "\n附:𠀀字与€符号仅在 GB18030 中可编码。"
    path = write(tmp_path, "long.md", body, "gb18030")
    assert load_text(path, LIMIT) == body


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text = "\r\n".join(POLICY_LINES)
    path = write(tmp_path, "u16.txt", bom + text.encode(codec))
    assert load_text(path, LIMIT) == "\n".join(POLICY_LINES)


def test_utf8_with_bom_drops_the_bom(tmp_path):
    path = write(tmp_path, "bom.txt", codecs.BOM_UTF8 + "\n".join(POLICY_LINES).encode("utf-8"))
    text = load_text(path, LIMIT)
    assert text.startswith(TITLE), repr(text[:10])
    assert lines_of(text) == POLICY_LINES


def test_utf8_markdown_is_returned_as_written(tmp_path):
    markdown = f"# {TITLE}\n\n## {H1}\n\n{PARA1}\r\n\r\n- {ITEM1}\r- {ITEM2}\n"
    path = write(tmp_path, "policy.MD", markdown)
    assert load_text(path, LIMIT) == markdown.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize(
    "text",
    [
        "義務教育辦學模式改革的指導意見",  # as GB18030: symbols and private-use characters
        "推動集團辦學實施課程評價經費保障",  # as GB18030: all ideographs, but a third of them outside GB2312
    ],
)
def test_big5_is_not_mistaken_for_gb18030(tmp_path, text):
    assert load_text(write(tmp_path, "big5.txt", text, "big5"), LIMIT) == text


def test_utf8_with_one_bad_byte_still_loads(tmp_path):
    body = policy_body()
    path = write(tmp_path, "bad_byte.txt", body[:200].encode() + b"\xff" + body[200:].encode())
    text = load_text(path, LIMIT)
    assert text == body[:200] + "\ufffd" + body[200:]
    assert "三、主要模式" in text and "2.集团化办学" in text


# --- HTML -----------------------------------------------------------------------------------------

POLICY_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>门户网站标题</title>
<style>.nav {{ color: red }}</style>
<script>var tracker = "脚本里的文字";</script></head>
<body>
<header><div class="logo">省教育厅门户网站</div></header>
<nav><ul><li><a href="/">网站首页</a></li><li>政务公开</li></ul></nav>
<div class="top-menu"><a>网站地图</a></div>
<div id="breadcrumb">当前位置:首页 > 文件</div>
<div id="content">
  <h1>{TITLE}</h1>
  <p>{DOC_NO}</p>
  <!-- 编辑备注:注释里的文字 -->
  <p><strong>{H1}</strong></p>
  <p>　　{PARA1[:40]}
  {PARA1[40:]}</p>
  <p>{H2}<br>{ITEM1}</p>
  <table><tr><td>年份</td><td>目标</td></tr><tr><td>2016年</td><td>所有地级市市辖区推行改革</td></tr></table>
  <div><span>1.</span>{ITEM2[2:]}</div>
  <noscript>请启用脚本</noscript>
  <div class="bdsharebuttonbox"><a>分享到微博</a></div>
  <div class="comment-list"><p>网友评论:写得好</p></div>
  <iframe src="x.html">框架文字</iframe>
</div>
<aside>相关链接</aside>
<div id="adBanner">广告位招租</div>
<footer>版权所有 省教育厅</footer>
<div><p>{ITEM3[:20]}<span>{ITEM3[20:]}<b>
"""
CHROME_TEXT = ["门户网站标题", "脚本里的文字", "color", "省教育厅门户网站", "网站首页", "政务公开", "网站地图",
               "当前位置", "注释里的文字", "请启用脚本", "分享到微博", "网友评论", "框架文字", "相关链接",
               "广告位招租", "版权所有"]  # fmt: skip


def test_gbk_html_keeps_policy_in_order_and_drops_chrome(tmp_path):
    text = load_text(write(tmp_path, "page.htm", POLICY_PAGE, "gbk"), LIMIT)
    assert_in_order(text, [TITLE, DOC_NO, H1, PARA1, H2, ITEM1, "2016年 所有地级市市辖区推行改革", ITEM2, ITEM3])
    assert_line_starts(text, [H1, H2, "（一）教育联盟", "1.集团化办学", "（1）学区制管理"])
    for junk in CHROME_TEXT:
        assert junk not in text, f"chrome/script text {junk!r} should be gone:\n{text}"


def test_html_blocks_become_lines(tmp_path):
    text = load_text(write(tmp_path, "page.html", POLICY_PAGE, "gbk"), LIMIT)
    assert lines_of(text) == [TITLE, DOC_NO, H1, PARA1, H2, ITEM1, "年份 目标", "2016年 所有地级市市辖区推行改革",
                              ITEM2, ITEM3]  # fmt: skip


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        '<meta charset="utf-8">',  # wrong declaration: the bytes are GBK
        "",
    ],
)
def test_html_charset_declared_wrongly_or_not_at_all(tmp_path, meta):
    page = f"<html><head>{meta}</head><body><p>{H1}</p><p>{ITEM1}</p></body></html>"
    text = load_text(write(tmp_path, "p.html", page, "gbk"), LIMIT)
    assert lines_of(text) == [H1, ITEM1]


def test_malformed_html_still_loads_its_text(tmp_path):
    page = (
        f"<html><body><p>{H1}<p>{PARA1}<div><table><tr><td>到2018年<td>覆盖所有县(市、区)"
        f"</table></span></b></i></p></p><p class=x'y>{ITEM1}</div></div></div>"
        f"<li>{ITEM2}<!-- 未闭合的注释 <p>被注释吞掉"
    )
    text = load_text(write(tmp_path, "broken.html", page), LIMIT)
    assert_in_order(text, [H1, PARA1, "到2018年 覆盖所有县(市、区)", ITEM1, ITEM2])
    assert_line_starts(text, [H1, "（一）教育联盟", "1.集团化办学"])
    assert "被注释吞掉" not in text


def test_html_chrome_class_on_the_main_content_is_not_dropped(tmp_path):
    page = f"<html><body><div id='navContent'><p>{H1}</p><p>{PARA1}</p></div><div class='footer'>版权所有</div></body>"
    assert lines_of(load_text(write(tmp_path, "p.html", page), LIMIT)) == [H1, PARA1]


def test_html_header_inside_article_is_kept(tmp_path):
    page = f"<body><header>站点页眉</header><article><header><h1>{TITLE}</h1></header><p>{H1}</p></article></body>"
    assert lines_of(load_text(write(tmp_path, "p.html", page), LIMIT)) == [TITLE, H1]


# --- DOCX and PDF ---------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    text = load_text(make_docx(tmp_path / "policy.docx"), LIMIT)
    assert lines_of(text) == [
        TITLE, DOC_NO, H1, PARA1, H2,
        "年份 目标", "2016年 所有地级市市辖区推行改革", "2017年 各市80%以上的县推行改革",
        ITEM1, ITEM2, ITEM3,
    ]  # fmt: skip


def test_pdf_text_layer_with_wrapped_lines_joined(tmp_path):
    path = make_pdf(tmp_path / "policy.pdf", POLICY_LINES)
    text = load_text(path, LIMIT)
    # PARA1 and the items are wrapped over several lines at 120 mm; they must come back whole.
    assert lines_of(text) == POLICY_LINES


def test_pdf_paragraph_across_a_page_break_is_joined(tmp_path):
    path = make_pdf(tmp_path / "two_pages.pdf", [H1, PARA1, "山西省教育厅", "2015年12月25日"], start_y=256)
    first_page = PdfReader(str(path)).pages[0].extract_text()
    assert PARA1[:5] in first_page.replace("\x00", "") and "。" not in first_page, "PARA1 should span pages 1-2"
    assert lines_of(load_text(path, LIMIT)) == [H1, PARA1, "山西省教育厅", "2015年12月25日"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a wrapped sentence is joined; a short heading line is not joined to the paragraph after it
        (["一、指导思想", "深入贯彻落实党的十八大和十八届三中、四中、", "五中全会精神。"],
         ["一、指导思想", "深入贯彻落实党的十八大和十八届三中、四中、五中全会精神。"]),
        # sentence-final punctuation ends the line even when it is full
        (["各地要加强组织领导建立保障体系确保落实；", "健全工作机制落实主体责任。"],
         ["各地要加强组织领导建立保障体系确保落实；", "健全工作机制落实主体责任。"]),
        # ASCII words split over lines keep a space; a decimal number is not a numbered item
        (["The plan covers all county schools in", "2018 and 1.5 million pupils more", "1.5万名学生。"],
         ["The plan covers all county schools in 2018 and 1.5 million pupils more 1.5万名学生。"]),
        # a signature block of short lines stays apart (widths compare with the widest line of the document)
        (["深入贯彻落实党的十八大和十八届三中、四中、五中全会精神。", "山西省教育厅", "2015年12月25日"],
         ["深入贯彻落实党的十八大和十八届三中、四中、五中全会精神。", "山西省教育厅", "2015年12月25日"]),
        # a full-width title followed by a short unpunctuated line (文号) is a heading block, not a sentence
        (["山西省教育厅关于积极推进义务教育办学模式改革", "晋教基〔2015〕27号", "各市教育局："],
         ["山西省教育厅关于积极推进义务教育办学模式改革", "晋教基〔2015〕27号", "各市教育局："]),
        # a sentence closed by a quote mark counts as ended; a page cut mid-sentence still joins its full lines
        (["基本实现城区学校“无择校”，乡村学校“无弱校", "”。",
          "按照“分步走、全覆盖”的工作思路，所有地级", "市市辖区推行改革，到2018年义务教育办学模"],
         ["基本实现城区学校“无择校”，乡村学校“无弱校”。",
          "按照“分步走、全覆盖”的工作思路，所有地级市市辖区推行改革，到2018年义务教育办学模"]),
    ],
)  # fmt: skip
def test_join_pdf_lines(lines, expected):
    assert _join_pdf_lines("\n".join(lines)).split("\n") == expected


@pytest.mark.parametrize("item", ["（二）集团化办学", "(二)集团化办学", "三、主要模式", "2.学区制管理", "2、学区制管理",
                                  "（3）对口帮扶", "②对口帮扶", "二是派人交流", "第三条 附则"])  # fmt: skip
def test_join_pdf_lines_keeps_numbered_items_apart(item):
    full_line = "通过搭建校际管理互促研训互动文化共建资源"  # full width, no sentence end: joined unless an item follows
    assert _join_pdf_lines(f"{full_line}\n{item}") == f"{full_line}\n{item}"
    assert _join_pdf_lines(f"{full_line}\n共享平台。") == f"{full_line}共享平台。"


# --- bad input ------------------------------------------------------------------------------------


def assert_reason(err: pytest.ExceptionInfo, english: str, chinese: str) -> None:
    """Assert the error is one line naming the reason, with a Chinese .zh naming it too."""
    message = str(err.value)
    assert "\n" not in message and english.lower() in message.lower(), f"expected {english!r} in {message!r}"
    assert CJK.search(err.value.zh) and chinese in err.value.zh, f"expected {chinese!r} in {err.value.zh!r}"


def random_bytes(n: int, low: int = 0) -> bytes:
    """``n`` reproducible random bytes in [low, 255]."""
    rng = random.Random(42)
    return bytes(rng.randint(low, 255) for _ in range(n))


def zip_bytes() -> bytes:
    """A valid ZIP archive holding one text file (a zip, but not a Word document)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "这不是 Word 文件")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + random_bytes(200)


@pytest.mark.parametrize(
    ("name", "data", "english", "chinese"),
    [
        ("empty.txt", b"", "empty", "为空"),
        ("empty.html", b"", "empty", "为空"),
        ("empty.pdf", b"", "empty", "为空"),
        ("empty.docx", b"", "empty", "为空"),
        ("blank.txt", " \r\n\t\n\u3000\u3000\n".encode(), "empty", "为空"),
        ("blank.md", "\ufeff  \n".encode(), "empty", "为空"),
        ("only_chrome.html", f"<html><nav>{H1}</nav><script>var a=1;</script><!-- {H2} --></html>".encode(),
         "empty", "为空"),
        ("image.txt", PNG, "PNG", "PNG"),
        ("image.html", PNG, "PNG", "PNG"),
        ("archive.md", b"PK\x03\x04" + random_bytes(300), "ZIP", "ZIP"),
        ("program.txt", b"\x7fELF\x02\x01\x01" + random_bytes(300), "executable", "二进制"),
        ("random.txt", random_bytes(2000), "binary", "二进制"),
        ("controls.txt", b"\x01\x02\x03\x1b[0m abc\x04\x05" * 50, "control characters", "二进制"),
        ("high_bytes.txt", bytes(range(0x80, 0x100)) * 4, "cannot decode", "编码"),
        ("random_high.md", random_bytes(2000, low=0x80), "cannot decode", "编码"),
        ("bad_utf16.txt", codecs.BOM_UTF16_LE + b"\xfd\xff\xfe\xfd" * 100, "cannot decode", "解码"),
        ("corrupt.docx", random_bytes(500), "not a readable .docx", "无法读取"),
        ("not_word.docx", zip_bytes(), "not a readable .docx", "无法读取"),
        ("corrupt.pdf", b"%PDF-1.4\n" + random_bytes(500), "not a readable PDF", "无法读取"),
        ("photo.zip", PNG, "unsupported file type '.zip'", "不支持"),
        ("setup.exe", b"MZ\x90\x00" + random_bytes(100), "unsupported file type '.exe'", "不支持"),
        ("scan.png", PNG, "unsupported file type '.png'", "不支持"),
        ("README", b"text", "unsupported file type", "不支持"),
    ],
)  # fmt: skip
def test_bad_input_raises_unsupported_file(tmp_path, name, data, english, chinese):
    path = write(tmp_path, name, data)
    with pytest.raises(UnsupportedFile) as err:
        load_text(path, LIMIT)
    assert_reason(err, english, chinese)


def test_unsupported_suffix_lists_the_supported_ones(tmp_path):
    with pytest.raises(UnsupportedFile) as err:
        load_text(write(tmp_path, "policy.doc", b"\xd0\xcf\x11\xe0"), LIMIT)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(err.value) and suffix in err.value.zh


@pytest.mark.parametrize("name", ["big.txt", "big.pdf", "big.docx"])
def test_file_over_the_size_limit(tmp_path, name):
    path = write(tmp_path, name, ("一、指导思想\n" * 200).encode("utf-8"))  # 3,800 bytes
    with pytest.raises(UnsupportedFile) as err:
        load_text(path, max_bytes=2048)
    assert_reason(err, "larger than the 0.002 MB limit", "超过 0.002 MB")
    assert "0.0036 MB" in str(err.value), str(err.value)
    assert load_text(write(tmp_path, "ok.txt", "一、指导思想"), max_bytes=2048) == "一、指导思想"


def test_size_message_for_a_real_limit(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * (3 * 1024 * 1024 // 2))
    with pytest.raises(UnsupportedFile) as err:
        load_text(path, max_bytes=1024 * 1024)
    assert_reason(err, "file is 1.5 MB, larger than the 1.0 MB limit", "1.5 MB")


def test_pdf_without_text_layer(tmp_path):
    with pytest.raises(UnsupportedFile) as err:
        load_text(make_pdf(tmp_path / "scan.pdf", None), LIMIT)
    assert_reason(err, "no text layer", "扫描件")


def test_missing_file(tmp_path):
    with pytest.raises(UnsupportedFile) as err:
        load_text(tmp_path / "gone.txt", LIMIT)
    assert_reason(err, "cannot read", "无法读取")
