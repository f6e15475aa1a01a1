"""Strip web chrome from a loaded page and normalise whitespace, keeping every line of policy text.

A page is cut to its body: from the header block (title, 文号, salutation) above the first real
paragraph down to the signature (issuer, date) below the last one. Inside that span, lines that are
unmistakably page furniture are dropped. Original characters are kept for display; matching code uses
``normalize_for_match``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.segment import NUMBER_PREFIX

_TEMPLATE_JUNK = re.compile(r"<#--.*?-->|<!--.*?-->|<[^>\n]{1,200}>", re.S)
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u3000\u200b\ufeff]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # icon-font glyphs from web pages, never text
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SENTENCE_END = "。！？；!?;"
_DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fa5]{1,10}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d+\s*号$")
_DATE_LINE = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
_TITLE_WORDS = ("关于", "意见", "通知", "方案", "规划", "办法", "决定", "纲要", "细则", "规定", "征求意见稿")
_ISSUER_END = ("厅", "局", "委员会", "政府", "教委", "办公室", "委", "部")
# Phrases that only page furniture uses: navigation, accounts, comments, sharing, footers, ads.
_CHROME_PHRASES = (
    "登录", "注册", "加关注", "首页", "您现在的位置", "当前位置", "版权所有", "copyright", "广告", "评论",
    "阅读(", "举报", "订阅", "分享", "收藏", "打印", "字体", "字号", "返回顶部", "在线客服", "我的消息",
    "意见反馈", "联系我们", "点击进入", "来源:", "来源：", "编辑:", "编辑：", "时间:", "时间：", "关闭",
    "上一篇", "下一篇", "推荐", "转载", "页脚", "LOFTER", "微博", "您还可以输入", "暂时没有", "×",
    "一网搜", "法律咨询", "律师加盟", "标签:", "分类:", "显示下一条",
)


@dataclass(frozen=True)
class CleanText:
    """The cleaned body, plus header lines dropped around the title (kept for metadata, e.g. a date)."""

    text: str
    dropped_header: tuple[str, ...] = ()


def normalize_for_match(text: str) -> str:
    """NFKC (full-width → half-width) without whitespace: the form used to compare or match text."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).replace("\n", "")


def clean(raw: str) -> CleanText:
    """Cut a loaded page to its policy body and normalise whitespace line by line."""
    lines = [_normalize_line(line) for line in _TEMPLATE_JUNK.sub("", raw).split("\n")]
    content = [i for i, line in enumerate(lines) if _is_content_line(line)]
    if not content:
        kept = [line for line in lines if line and not _is_chrome(line)]
        return CleanText("\n".join(kept))
    start, dropped = _header_start(lines, content[0])
    end = _signature_end(lines, content[-1])
    body = [line for line in lines[start : end + 1] if line and _keep_in_body(line)]
    return CleanText("\n".join(body), tuple(dropped))


def _keep_in_body(line: str) -> bool:
    return _starts_numbered(line) or _is_content_line(line) or not _is_chrome(line)


def _normalize_line(line: str) -> str:
    """Collapse spaces; drop Markdown heading marks so numbering stays at the line start."""
    return _MD_HEADING.sub("", _SPACES.sub(" ", _PRIVATE_USE.sub("", line)).strip())


def cjk_count(text: str) -> int:
    """Number of CJK characters in text."""
    return len(_CJK.findall(text))


def _is_content_line(line: str) -> bool:
    """A real paragraph: enough Chinese and ends like a sentence, or starts a numbered item."""
    if _is_chrome_heavy(line):
        return False
    if _starts_numbered(line) and cjk_count(line) >= 2:
        return True
    if line.endswith((":", "：")):
        return cjk_count(line) >= 30
    return cjk_count(line) >= 12 and line.endswith(tuple(_SENTENCE_END))


def _starts_numbered(line: str) -> bool:
    return bool(NUMBER_PREFIX.match(line))


def _is_chrome(line: str) -> bool:
    return "|" in line or any(p.lower() in line.lower() for p in _CHROME_PHRASES) or bool(_URL.search(line))


def _is_chrome_heavy(line: str) -> bool:
    """Chrome even when long: separators, URLs or account prompts dominate."""
    return line.count("|") >= 1 or bool(_URL.search(line)) or "重新绑定" in line


def is_title_line(line: str) -> bool:
    """A document title: names a document kind and is not a sentence."""
    return (
        4 <= len(line) <= 90
        and any(w in line for w in _TITLE_WORDS)
        and not line.endswith(tuple(_SENTENCE_END + ",，:："))
        and not _is_chrome(line)
    )


def is_doc_number_line(line: str) -> bool:
    """A line that is only a document number (文号)."""
    return bool(_DOC_NUMBER_LINE.match(line))


def is_date_line(line: str) -> bool:
    """A line that is only a date."""
    return bool(_DATE_LINE.match(line))


def _is_salutation(line: str) -> bool:
    return line.endswith((":", "：")) and len(line) <= 80 and cjk_count(line) >= 2


def _is_issuer_line(line: str) -> bool:
    return len(line) <= 30 and line.endswith(_ISSUER_END) and cjk_count(line) == len(line.replace(" ", ""))


def _is_header_line(line: str) -> bool:
    return (
        is_title_line(line)
        or is_doc_number_line(line)
        or is_date_line(line)
        or _is_salutation(line)
        or _is_issuer_line(line)
        or (line.startswith(("(", "（")) and "征求意见稿" in line)
    )


def _header_start(lines: list[str], first_content: int) -> tuple[int, list[str]]:
    """Walk up from the first paragraph over header lines, stepping over a few chrome lines between them."""
    start, dropped, skipped = first_content, [], 0
    for i in range(first_content - 1, -1, -1):
        line = lines[i]
        if not line:
            continue
        if _is_header_line(line):
            start, skipped = i, 0
        elif _is_chrome(line) and skipped < 4:
            dropped.append(line)
            skipped += 1
        else:
            break
    return start, dropped


def _signature_end(lines: list[str], last_content: int) -> int:
    """Walk down from the last paragraph over the signature (issuer, date)."""
    end = last_content
    for i in range(last_content + 1, min(len(lines), last_content + 8)):
        line = lines[i]
        if not line:
            continue
        if _is_issuer_line(line) or is_date_line(line):
            end = i
        else:
            break
    return end
