"""Turn one file (.txt, .md, .html, .htm, .docx, .pdf) into raw text, before chrome-stripping.

Every way a file can be unusable (type, size, emptiness, binary content, encoding, corruption,
a PDF without a text layer) raises ``errors.UnsupportedFile`` with an English one-liner and a
Chinese ``.zh`` for the UI. Text files are decoded by detection, never by assumption: BOM, strict
UTF-8, strict GB18030 when the result reads as Chinese, charset-normalizer, then UTF-8 with a
few replaced bytes.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from charset_normalizer import from_bytes

from errors import PolicyError, UnsupportedFile
from policytext.numbering import ITEM_START
from policytext.sentences import ends_sentence

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")

_MB = 1024 * 1024
_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (  # (leading bytes, English name, Chinese name) of binary formats users save with a text suffix.
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "PNG 图片"),
    (b"\xff\xd8\xff", "a JPEG image", "JPEG 图片"),
    (b"GIF87a", "a GIF image", "GIF 图片"),
    (b"GIF89a", "a GIF image", "GIF 图片"),
    (b"%PDF-", "a PDF file", "PDF 文件"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)", "ZIP 压缩包(或 Office 文件)"),
    (b"PK\x05\x06", "a ZIP archive", "ZIP 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls)", "旧版 Office 文件(.doc/.xls)"),
    (b"\x7fELF", "an ELF executable", "可执行程序"),
    (b"MZ\x90\x00", "a Windows executable", "可执行程序"),
    (b"\x1f\x8b", "a gzip archive", "gzip 压缩包"),
    (b"Rar!\x1a\x07", "a RAR archive", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive", "7z 压缩包"),
)
_GB_ALIASES = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "cp936", "x-gbk", "euc-cn", "euc_cn", "hz", "gb18030"}
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")  # Unicode Cc minus whitespace and NEL
_MAX_CONTROL_SHARE = 0.01  # more control characters than this -> binary, not text
_MAX_REPLACED_SHARE = 0.01  # UTF-8 with at most this share of bad bytes is still read (as U+FFFD)
_MIN_PDF_CHARS_PER_PAGE = 5  # fewer visible characters per page on average -> no text layer

_DROP_TAGS = ("head", "script", "style", "noscript", "template", "iframe", "svg", "object", "embed")
_CHROME_TAGS = ("nav", "header", "footer", "aside")
_CHROME_TOKEN = re.compile(
    r"\w*nav|nav(?:bar|igation|s|list|box)?|\w*menu\w*|footer|foot|\w*comments?|\w*share\w*"
    r"|ads?|advert\w*|breadcrumbs?|crumbs?"
)
_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
)  # fmt: skip
_CELL_TAGS = ("td", "th")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CHINESE_CHAR = re.compile(rf"[{_CJK}\u2010-\u2027\u00b7]")  # ideographs and CJK / general punctuation
_SOURCE_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

_FULL_LINE_SHARE = 0.8  # a PDF line at least this wide (vs the document's widest) was wrapped, not ended


def load_text(path: Path, max_bytes: int) -> str:
    """Read a supported file at ``path`` (at most ``max_bytes``) as text with LF newlines; raise UnsupportedFile."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFile(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}",
            zh=f"{path.name}:不支持的文件类型 {suffix or '(无后缀)'},支持 {'、'.join(SUPPORTED_SUFFIXES)}。",
        )
    _check_size(path, max_bytes)
    text = _normalise_newlines(_LOADERS[suffix](path))
    if not text.strip():
        raise UnsupportedFile(
            f"{path.name}: file is empty (only whitespace, no text)", zh=f"{path.name}:文件为空(只有空白,没有文字)。"
        )
    return text


def _check_size(path: Path, max_bytes: int) -> None:
    """Raise UnsupportedFile if ``path`` is missing, empty (0 bytes) or larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise _unreadable(path, err) from err
    if not path.is_file():
        raise UnsupportedFile(f"{path.name}: not a regular file", zh=f"{path.name}:不是普通文件。")
    if size == 0:
        raise UnsupportedFile(f"{path.name}: file is empty (0 bytes)", zh=f"{path.name}:文件为空(0 字节)。")
    if size > max_bytes:
        raise UnsupportedFile(
            f"{path.name}: file is {_mb(size)} MB, larger than the {_mb(max_bytes)} MB limit",
            zh=f"{path.name}:文件大小 {_mb(size)} MB,超过 {_mb(max_bytes)} MB 的上限。",
        )


def _unreadable(path: Path, err: OSError) -> UnsupportedFile:
    """Return the error for a file the operating system refuses to read."""
    return UnsupportedFile(f"{path.name}: cannot read file ({err.strerror})", zh=f"{path.name}:无法读取文件。")


def _mb(n_bytes: int) -> str:
    """Format a byte count as megabytes, e.g. '20.0', or '0.0039' for small limits."""
    mb = n_bytes / _MB
    return f"{mb:.1f}" if mb >= 0.1 else f"{mb:.2g}"


def _read_bytes(path: Path) -> bytes:
    """Return the bytes of ``path``; raise UnsupportedFile if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise _unreadable(path, err) from err


def _normalise_newlines(text: str) -> str:
    """Return ``text`` with CRLF, CR and Unicode line/paragraph separators turned into LF."""
    return re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)


# --- plain text (.txt, .md) ---------------------------------------------------------------------


def _load_plain(path: Path) -> str:
    """Decode a .txt/.md file by detecting its encoding."""
    return _decode(_read_bytes(path), path.name)


def _decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode ``data`` (BOM, declared charset, then detection); raise UnsupportedFile if binary or undecodable."""
    text = _decode_bom(data, name)
    if text is None:
        _reject_binary_bytes(data, name)
        text = _decode_declared(data, declared) or _decode_detected(data)
    if text is None:
        raise UnsupportedFile(
            f"{name}: cannot decode the bytes as text in any known encoding (UTF-8, GB18030, ...)",
            zh=f"{name}:无法识别文件编码(已尝试 UTF-8、GB18030 等),请另存为 UTF-8 文本。",
        )
    _reject_control_chars(text, name)
    return text


def _decode_bom(data: bytes, name: str) -> str | None:
    """Decode ``data`` by its byte-order mark (BOM removed), or return None if it has none."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                text = None
            if text is None or not _is_clean(text):
                raise UnsupportedFile(
                    f"{name}: cannot decode: starts with a {encoding} byte-order mark but is not valid {encoding} text",
                    zh=f"{name}:无法解码:文件以 {encoding} 标记开头,但内容不是有效的 {encoding} 文本。",
                )
            return text
    return None


def _reject_binary_bytes(data: bytes, name: str) -> None:
    """Raise UnsupportedFile if ``data`` starts like a known binary format or contains NUL bytes."""
    for magic, what_en, what_zh in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFile(
                f"{name}: binary file, looks like {what_en}, not text",
                zh=f"{name}:这是二进制文件({what_zh}),不是文本。",
            )
    if b"\x00" in data:
        raise UnsupportedFile(
            f"{name}: binary file (contains NUL bytes), not text", zh=f"{name}:这是二进制文件(含空字节),不是文本。"
        )


def _reject_control_chars(text: str, name: str) -> None:
    """Raise UnsupportedFile if more than 1% of ``text`` is non-whitespace control characters."""
    controls = len(_CONTROL_CHAR.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise UnsupportedFile(
            f"{name}: binary file ({controls} control characters), not text",
            zh=f"{name}:这是二进制文件(含大量控制字符),不是文本。",
        )


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    """Decode ``data`` strictly with a declared charset (GBK family read as GB18030), or None if that fails."""
    if not declared:
        return None
    encoding = _python_encoding(declared)
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _python_encoding(label: str) -> str:
    """Map a charset label to the codec to use: the GBK family to its superset GB18030."""
    label = label.strip().lower()
    return "gb18030" if label in _GB_ALIASES else label


def _decode_detected(data: bytes) -> str | None:
    """Decode undeclared bytes: strict UTF-8, Chinese-looking GB18030, charset-normalizer, lenient UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for attempt in (_decode_gb18030, _decode_guessed, _decode_mostly_utf8):
        text = attempt(data)
        if text is not None:
            return text
    return None


def _decode_gb18030(data: bytes) -> str | None:
    """Decode ``data`` strictly as GB18030 if the result reads as simplified Chinese, else None."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _reads_as_chinese(text) else None


def _reads_as_chinese(text: str) -> bool:
    """Whether the non-ASCII part of ``text`` is CJK, with its ideographs mostly in the common GB2312 set."""
    non_ascii = re.sub(r"[\x00-\x7f\s]+", "", text)
    hanzi = _HANZI.findall(non_ascii)
    if not hanzi or len(_CHINESE_CHAR.findall(non_ascii)) < 0.95 * len(non_ascii):
        return False
    common = sum(1 for ch in set(hanzi) if _in_gb2312(ch))
    return common >= 0.9 * len(set(hanzi))  # Big5 or Latin bytes read as GB18030 give rare ideographs


def _in_gb2312(ch: str) -> bool:
    """Whether ``ch`` is one of the GB2312 characters (the ~6,800 common simplified ones)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _decode_guessed(data: bytes) -> str | None:
    """Decode ``data`` with charset-normalizer's best guess (GBK family as GB18030), or None if it has none."""
    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = _python_encoding(best.encoding)
    text = data.decode(encoding, errors="replace") if encoding == "gb18030" else str(best)
    return text if _is_clean(text) else None


def _is_clean(text: str) -> bool:
    """Whether ``text`` has almost no replacement, unassigned, private-use or stray control characters."""
    bad = sum(1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return bad <= _MAX_REPLACED_SHARE * len(text)


def _decode_mostly_utf8(data: bytes) -> str | None:
    """Decode ``data`` as UTF-8 replacing bad bytes, if at most 1% of the characters were bad."""
    text = data.decode("utf-8", errors="replace")
    return text if text.count("\ufffd") <= _MAX_REPLACED_SHARE * len(text) else None


# --- HTML (.html, .htm) ---------------------------------------------------------------------------


def _load_html(path: Path) -> str:
    """Return the visible text of an HTML page, one line per block element."""
    data = _read_bytes(path)
    soup = _parse_html(_decode(data, path.name, declared=_declared_charset(data)))
    _drop_invisible(soup)
    _drop_chrome(soup)
    return _block_text(soup)


def _declared_charset(data: bytes) -> str | None:
    """Return the charset named by a <meta> tag in the first 4 KB of ``data``, or None."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _parse_html(html: str) -> BeautifulSoup:
    """Parse ``html`` leniently with lxml, falling back to Python's html.parser."""
    html = html.replace("\x00", "")
    try:
        return BeautifulSoup(html, "lxml")
    except Exception:  # lxml missing or choking on odd markup; html.parser is slower but tolerant
        return BeautifulSoup(html, "html.parser")


def _drop_invisible(soup: BeautifulSoup) -> None:
    """Remove <head>, scripts, styles, templates, frames, SVG, comments and declarations from ``soup``."""
    for tag in soup.find_all(_DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove nav/header/footer/aside and elements whose class or id marks them as site chrome."""
    total = _text_length(soup)
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if _is_chrome_element(tag) or (_has_chrome_name(tag) and _text_length(tag) <= 0.5 * total):
            tag.decompose()  # a class/id alone never drops most of the page (e.g. <div id="navContent">)


def _is_chrome_element(tag: Tag) -> bool:
    """Whether ``tag`` is <nav>/<aside>, or a <header>/<footer> of the page (not of an article)."""
    if tag.name in ("header", "footer"):
        return tag.find_parent(("article", "main")) is None
    return tag.name in _CHROME_TAGS


def _has_chrome_name(tag: Tag) -> bool:
    """Whether the class or id of ``tag`` marks it as navigation, menu, footer, comments, sharing or an ad."""
    if tag.name in ("html", "body", "main", "article"):
        return False
    return any(_CHROME_TOKEN.fullmatch(token) for token in _class_id_tokens(tag))


def _class_id_tokens(tag: Tag) -> list[str]:
    """Split a tag's class and id into lower-case word tokens, e.g. 'topNav main-menu' -> top, nav, main, menu."""
    classes = tag.get("class") or []
    names = " ".join([*classes, tag.get("id") or ""]) if isinstance(classes, list) else f"{classes} {tag.get('id')}"
    names = re.sub(r"([a-z])([A-Z])", r"\1 \2", names).lower()
    return [token for token in re.split(r"[^a-z0-9]+", names) if token]


def _text_length(node: Tag) -> int:
    """Number of non-whitespace characters of text under ``node``."""
    return len(re.sub(r"\s+", "", node.get_text()))


def _block_text(soup: BeautifulSoup) -> str:
    """Return the text of ``soup`` with one line per block element and collapsed whitespace."""
    for node in soup.find_all(string=True):
        if not node.find_parent(("pre", "textarea")):
            node.replace_with(_squash(str(node)))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(_CELL_TAGS):
        cell.insert_after(" ")
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def _squash(text: str) -> str:
    """Collapse source whitespace as a browser does, dropping line wraps between two CJK characters."""
    return re.sub(r"\s+", " ", _SOURCE_WRAP.sub("", text))


# --- DOCX ----------------------------------------------------------------------------------------


def _load_docx(path: Path) -> str:
    """Return the paragraphs and table rows of a .docx file in document order, one per line."""
    import docx  # python-docx; imported here so plain-text loading does not pay for it

    try:
        document = docx.Document(str(path))
        lines = _docx_lines(document)
    except Exception as err:  # python-docx raises zipfile/lxml/KeyError/PackageNotFoundError on broken files
        raise UnsupportedFile(
            f"{path.name}: not a readable .docx (corrupt, or an old .doc renamed): {type(err).__name__}",
            zh=f"{path.name}:无法读取该 .docx 文件(文件损坏,或是改了后缀的旧版 .doc)。",
        ) from err
    return "\n".join(lines)


def _docx_lines(container) -> list[str]:
    """Return one line per paragraph and per table row of a document or table cell, in order."""
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                lines.extend(_docx_row_lines(row))
        else:
            lines.append(block.text)
    return lines


def _docx_row_lines(row) -> list[str]:
    """Return a table row as one line of its cells, or the cell's own lines if the row is a single (layout) cell."""
    cells = []
    for cell in row.cells:  # a merged cell repeats once per grid column it spans
        if not any(cell._tc is seen._tc for seen in cells):
            cells.append(cell)
    if len(cells) == 1:
        return _docx_lines(cells[0])
    return [" ".join(" ".join(cell.text.split()) for cell in cells if cell.text.strip())]


# --- PDF -----------------------------------------------------------------------------------------


def _load_pdf(path: Path) -> str:
    """Return the text layer of a PDF with wrapped lines (also across pages) joined back into paragraphs."""
    pages = [page.replace("\x00", "") for page in _pdf_pages(path)]  # pypdf leaves NULs with some CJK fonts
    text = "\n".join(pages)
    if len(re.sub(r"\s+", "", text)) < _MIN_PDF_CHARS_PER_PAGE * max(len(pages), 1):
        raise UnsupportedFile(
            f"{path.name}: PDF has no text layer (scanned images?); run OCR first",
            zh=f"{path.name}:PDF 没有文字层(可能是扫描件),请先进行文字识别(OCR)。",
        )
    return _join_pdf_lines(text)


def _pdf_pages(path: Path) -> list[str]:
    """Return the extracted text of each page of the PDF at ``path``; raise UnsupportedFile if unreadable."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFile(
                f"{path.name}: PDF is password-protected", zh=f"{path.name}:PDF 文件有密码保护,无法读取。"
            )
        return [page.extract_text() or "" for page in reader.pages]
    except PolicyError:
        raise
    except Exception as err:  # pypdf raises PdfReadError, ValueError, KeyError ... on broken files
        raise UnsupportedFile(
            f"{path.name}: not a readable PDF (corrupt or encrypted): {type(err).__name__}",
            zh=f"{path.name}:无法读取该 PDF 文件(文件损坏或已加密)。",
        ) from err


def _join_pdf_lines(text: str) -> str:
    """Join lines of PDF text that were wrapped mid-sentence, keeping headings, sentence ends and numbered items."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    full = _FULL_LINE_SHARE * max(_width(line) for line in lines)
    out: list[str] = []
    run = [lines[0]]
    for prev, line in zip(lines, lines[1:], strict=False):
        if _is_wrapped(prev, line, full):
            run.append(line)
        else:
            out.extend(_close_run(run, full))
            run = [line]
    out.extend(_close_run(run, full))
    return "\n".join(out)


def _is_wrapped(prev: str, line: str, full_width: float) -> bool:
    """Whether ``line`` may continue ``prev``: prev fills the line, ends no sentence, and line is no new item."""
    return _width(prev) >= full_width and not ends_sentence(prev) and not ITEM_START.match(line)


def _close_run(run: list[str], full_width: float) -> list[str]:
    """Join a run of wrapped lines into one, unless it ends short without punctuation (a title or heading)."""
    last = run[-1]
    if len(run) > 1 and not ends_sentence(last) and _width(last) < full_width:
        return run
    joined = run[0]
    for line in run[1:]:
        joined += (" " if joined[-1].isascii() and line[0].isascii() else "") + line
    return [joined]


def _width(text: str) -> int:
    """Display width of ``text``: 2 for each wide (CJK) character, 1 for others."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": _load_plain,
    ".md": _load_plain,
    ".html": _load_html,
    ".htm": _load_html,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
}
