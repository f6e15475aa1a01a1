"""Strip web chrome from a loaded page and normalise whitespace, keeping every line of policy text.

A page is cut to its body: from the header block (title, 文号, salutation) above the first real
paragraph down to the signature (issuer, date) below the last one. Inside that span, lines that are
unmistakably page furniture are dropped. Original characters are kept for display; matching code uses
``policytext.sentences.normalize_for_match``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policytext.dates import header_parenthesis, is_date_line, is_doc_number_line
from policytext.doctypes import TITLE_WORDS, is_draft, is_organ
from policytext.numbering import ATTACHMENT_LABEL, NUMBER_PREFIX
from policytext.sentences import SENTENCE_END, cjk_count, collapse_spaces, unescape_entities

_TEMPLATE_JUNK = re.compile(r"<#--.*?-->|<!--.*?-->|<[^>\n]{1,200}>", re.S)
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # icon-font glyphs from web pages, never text
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Phrases of page furniture: navigation, accounts, comments, sharing, footers, ads. They count only as words
# of their own (see CHROME_WORD): inside a title such as 关于做好成员校推荐工作的通知 they are ordinary words.
CHROME_PHRASES = (
    "登录", "注册", "加关注", "首页", "您现在的位置", "当前位置", "版权所有", "copyright", "广告", "评论",
    "阅读(", "举报", "订阅", "分享", "收藏", "打印", "字体", "字号", "返回顶部", "在线客服", "我的消息",
    "意见反馈", "联系我们", "点击进入", "来源:", "来源：", "编辑:", "编辑：", "时间:", "时间：", "关闭",
    "上一篇", "下一篇", "推荐", "转载", "页脚", "LOFTER", "微博", "您还可以输入", "暂时没有", "×",
    "一网搜", "法律咨询", "律师加盟", "标签:", "分类:", "显示下一条",
)
# A chrome phrase standing as a word of its own: at a line edge, or beside a space, punctuation or a bracket
# on at least one side (分享到：, 【打印】, 发表评论, 登录 注册), or carrying its own punctuation (来源：).
CHROME_WORD = re.compile(
    "|".join(
        rf"(?:^|(?<![\u4e00-\u9fff]))(?:{re.escape(p)})|(?:{re.escape(p)})(?:$|(?![\u4e00-\u9fff]))"
        if p[-1] >= "\u4e00" or p[-1].isalnum() else re.escape(p)
        for p in CHROME_PHRASES
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanText:
    """The cleaned body, plus header lines dropped around the title (kept for metadata, e.g. a date)."""

    text: str
    dropped_header: tuple[str, ...] = ()


def clean(raw: str) -> CleanText:
    """Cut a loaded page to its policy body and normalise whitespace line by line."""
    lines = [_normalize_line(line) for line in _TEMPLATE_JUNK.sub("", raw).split("\n")]
    content = [i for i, line in enumerate(lines) if _is_content_line(line)]
    if not content:
        kept = [line for line in lines if line and not is_chrome(line)]
        return CleanText("\n".join(kept))
    start, dropped = _header_start(lines, content[0])
    end = _signature_end(lines, content[-1])
    body = [line for line in lines[start : end + 1] if line and _keep_in_body(line)]
    return CleanText("\n".join(body), tuple(dropped))


def _keep_in_body(line: str) -> bool:
    return _starts_numbered(line) or _is_content_line(line) or not is_chrome(line)


def _normalize_line(line: str) -> str:
    """Read HTML entities, collapse spaces, drop Markdown heading marks so numbering stays at the line start."""
    return _MD_HEADING.sub("", collapse_spaces(_PRIVATE_USE.sub("", unescape_entities(line))).strip())


def _is_content_line(line: str) -> bool:
    """A real paragraph: enough Chinese and ends like a sentence, or starts a numbered item."""
    if _is_chrome_heavy(line):
        return False
    if _starts_numbered(line) and cjk_count(line) >= 2:
        return True
    if line.endswith((":", "：")):
        return cjk_count(line) >= 30
    return cjk_count(line) >= 12 and line.endswith(tuple(SENTENCE_END))


def _starts_numbered(line: str) -> bool:
    return bool(NUMBER_PREFIX.match(line))


# A page's font-size switch: A+大 A+中 A+小, 大 中 小.
_FONT_SIZE_SWITCH = re.compile(r"^(?:[【\[]?\s*(?:A[+-]?)?\s*[大中小]\s*[】\]]?\s*){3}$")


def is_chrome(line: str) -> bool:
    """Page furniture: a separator bar, a URL, a font-size switch, or a chrome phrase standing as a word."""
    return (
        "|" in line or bool(CHROME_WORD.search(line)) or bool(_URL.search(line)) or bool(_FONT_SIZE_SWITCH.match(line))
    )


def _is_chrome_heavy(line: str) -> bool:
    """Chrome even when long: separators, URLs or account prompts dominate."""
    return line.count("|") >= 1 or bool(_URL.search(line)) or "重新绑定" in line


def is_title_line(line: str) -> bool:
    """A document title: names a document kind and is not a sentence."""
    return (
        4 <= len(line) <= 90
        and any(w in line for w in TITLE_WORDS)
        and not line.endswith(tuple(SENTENCE_END + ",，:：、"))
        and "，" not in line
        and not ATTACHMENT_LABEL.match(line)
        and not is_chrome(line)
    )


def _is_salutation(line: str) -> bool:
    return line.endswith((":", "：")) and len(line) <= 80 and cjk_count(line) >= 2


def is_issuer_line(line: str) -> bool:
    """A line that is only the name of an issuing organ (a signature's or a header's)."""
    return len(line) <= 30 and is_organ(line) and cjk_count(line) == len(line.replace(" ", ""))


def _is_header_line(line: str) -> bool:
    return (
        is_title_line(line)
        or is_doc_number_line(line)
        or header_parenthesis(line) is not None
        or is_date_line(line)
        or _is_salutation(line)
        or is_issuer_line(line)
        or (line.startswith(("(", "（")) and is_draft(line))
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
        elif is_chrome(line) and skipped < 4:
            dropped.append(line)
            skipped += 1
        else:
            break
    return start, dropped


SIGNATURE_WINDOW = 10  # non-empty lines after the last paragraph that may still hold the signature


def _signature_end(lines: list[str], last_content: int) -> int:
    """The last issuer, date or sentence line shortly below the last paragraph: the signature ends the body.

    Short sentences (以上意见，望遵照执行。) and the lines before a signature (责任单位：…, 附件：…) are text too;
    page furniture stops the walk.
    """
    end, seen = last_content, 0
    for i in range(last_content + 1, len(lines)):
        line = lines[i]
        if not line:
            continue
        seen += 1
        if seen > SIGNATURE_WINDOW or is_chrome(line):
            break
        if is_issuer_line(line) or is_date_line(line) or line.endswith(tuple(SENTENCE_END)):
            end = i
    return end
