"""End to end: `streamlit run app.py` on a free localhost port, driven by headless Chromium (Playwright).

One journey through every page at desktop width, and a second browser session at phone width
(390 px) that keeps its own conversation but sees the first session's upload. Screenshots and
downloads go to test-artifacts/; timings are printed and written to test-artifacts/timings.json
(measured and reported, not asserted).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from test_upload import MARKUP, MARKUP_CLAUSE, MARKUP_NAME, TIANJIN, TIANJIN_NAME, TIANJIN_TITLE

from retrieval.library import load_library
from settings import REPO_ROOT, Settings

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 120_000  # generous: the machine is shared; nothing here is a timing assertion
QUESTION = "集团化办学对成员校有什么要求？"
UPLOAD_QUESTION = "海河名师工作坊每学期要开展多少次示范课？"


@dataclass
class Server:
    url: str
    settings: Settings
    launched: float  # perf_counter when the process was started
    ready: float  # perf_counter when /_stcore/health first answered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        assert proc.poll() is None, "streamlit exited early; see test-artifacts/e2e-server.log"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"streamlit did not answer on {url} within {timeout}s")


@pytest.fixture(scope="module")
def server(indexed_settings, tmp_path_factory, artifacts):
    """The app on a free port, over a private copy of the session index (uploads change it)."""
    yield from serve(indexed_settings, tmp_path_factory.mktemp("e2e-index"), artifacts / "e2e-server.log")


@pytest.fixture(scope="module")
def library_server(library_settings, tmp_path_factory, artifacts):
    """The app over the seeds plus the whole second library, of every level."""
    yield from serve(library_settings, tmp_path_factory.mktemp("e2e-library"), artifacts / "e2e-library-server.log")


def serve(indexed: Settings, root: Path, log_path: Path):
    """Run the app on a free port over a private copy of an index; yield the Server until the caller is done."""
    shutil.copytree(indexed.corpus_dir.parent, root, dirs_exist_ok=True)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / ".index", _env_file=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    env.update(POLICY_CORPUS_DIR=str(settings.corpus_dir), POLICY_INDEX_DIR=str(settings.index_dir))
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        launched = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            yield Server(url, settings, launched, wait_healthy(url, proc))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian chromium package (make system-deps)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# ---------------------------------------------------------------- page helpers


def chat_box(page: Page):
    return page.locator('[data-testid="stChatInputTextArea"]')


def messages(page: Page):
    return page.locator('[data-testid="stChatMessage"]')


def wait_idle(page: Page) -> None:
    """Wait until the app's script run (including a st.rerun after an answer) has finished.

    A click that lands while Streamlit is re-rendering can hit an element that is about to be replaced.
    """
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=WAIT_MS)


def open_cited_document(page: Page, scope) -> None:
    """Click 查看原文 in scope and wait for the document dialog (a click lost to a re-render is repeated)."""
    dialog = page.get_by_role("dialog")
    for _ in range(3):
        wait_idle(page)
        scope.get_by_role("button", name="查看原文").first.click()
        try:
            expect(dialog).to_be_visible(timeout=20_000)
            return
        except AssertionError:
            continue
    expect(dialog).to_be_visible(timeout=WAIT_MS)


def ask(page: Page, question: str, turns_before: int) -> float:
    """Type a question, press Enter, wait for the answer with its citation; returns seconds taken."""
    before = 2 * turns_before
    expect(messages(page)).to_have_count(before, timeout=WAIT_MS)
    chat_box(page).fill(question)
    started = time.perf_counter()
    chat_box(page).press("Enter")
    answer = messages(page).nth(before + 1)
    expect(answer.locator('[data-testid="stExpander"]').first).to_contain_text("[1]", timeout=WAIT_MS)
    taken = time.perf_counter() - started
    wait_idle(page)
    answer.scroll_into_view_if_needed()
    return taken


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")
    wait_idle(page)


def shot(page: Page, artifacts: Path, name: str, shots: list[str]) -> None:
    page.wait_for_timeout(600)  # let fonts and charts settle
    path = artifacts / f"e2e-{name}.png"
    page.screenshot(path=str(path))
    shots.append(str(path.relative_to(REPO_ROOT)))


def download(page: Page, label: str, target: Path) -> bytes:
    wait_idle(page)
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name=label).click()
    info.value.save_as(target)
    return target.read_bytes()


# ---------------------------------------------------------------- the journey


def test_browser_journey_through_every_page(server, browser, artifacts, tmp_path):
    timings: dict[str, float] = {"server_ready_after_launch_s": server.ready - server.launched}
    shots: list[str] = []
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    scripts_run: list[str] = []  # any alert() from document or question text would land here
    desktop.on("dialog", lambda d: (scripts_run.append(d.message), d.dismiss()))

    # First render: from the first request after the server is up to a usable question box.
    started = time.perf_counter()
    desktop.goto(server.url)
    expect(desktop.get_by_role("tab", name="问答")).to_be_visible(timeout=WAIT_MS)
    timings["first_frame_s"] = time.perf_counter() - started
    expect(chat_box(desktop)).to_be_editable(timeout=WAIT_MS)
    timings["first_page_ready_s"] = time.perf_counter() - started
    timings["first_page_ready_after_launch_s"] = time.perf_counter() - server.launched
    expect(desktop.get_by_text("义务教育办学模式改革 · 政策问答助手")).to_be_visible()
    shot(desktop, artifacts, "01-ask-empty", shots)

    # 问答: an answer with numbered citations, each opening its clause and the whole document.
    timings["first_answer_s"] = ask(desktop, QUESTION, 0)
    answer = messages(desktop).nth(1)
    expect(answer).to_contain_text("[1]")
    shot(desktop, artifacts, "02-answer", shots)
    timings["second_answer_s"] = ask(desktop, "学区如何划分？", 1)
    citation = answer.locator('[data-testid="stExpander"]').first
    citation.locator("summary").click()
    expect(citation).to_contain_text("文号：")
    wait_idle(page=desktop)
    clause_text = citation.inner_text()
    open_cited_document(desktop, citation)
    dialog = desktop.get_by_role("dialog")
    mark = dialog.frame_locator("iframe").locator("mark#cited-clause")
    expect(mark).to_be_visible(timeout=WAIT_MS)
    marked = mark.inner_text()
    assert marked.replace("\n", "")[:20] in clause_text.replace("\n", ""), (marked, clause_text)
    top, bottom, height = mark.evaluate("m => [m.getBoundingClientRect().top, m.getBoundingClientRect().bottom,"
                                        " window.innerHeight]")  # fmt: skip
    assert 0 <= top < height and bottom > 0, f"the marked clause is scrolled into view ({top}, {bottom}, {height})"
    shot(desktop, artifacts, "03-document", shots)
    desktop.keyboard.press("Escape")
    expect(dialog).to_be_hidden(timeout=WAIT_MS)

    # A second browser session at phone width, opened before the upload below.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True).new_page()
    started = time.perf_counter()
    phone.goto(server.url)
    expect(chat_box(phone)).to_be_editable(timeout=WAIT_MS)
    timings["page_ready_warm_server_s"] = time.perf_counter() - started
    assert messages(phone).count() == 0, "a new session starts with an empty conversation"
    shot(phone, artifacts, "04-phone-ask-empty", shots)

    # 对比: a topic across documents, with the CSV export.
    open_tab(desktop, "对比")
    desktop.get_by_label("对比主题").fill("教师交流")
    desktop.get_by_role("button", name="对比", exact=True).click()
    expect(desktop.get_by_role("button", name="下载 CSV")).to_be_visible(timeout=WAIT_MS)
    csv_text = download(desktop, "下载 CSV", artifacts / "e2e-compare.csv").decode("utf-8-sig")
    assert csv_text.startswith("地区,文件,文号") and "上海市" in csv_text
    shot(desktop, artifacts, "05-compare", shots)

    # 目标: the table and the chart over the years by region.
    open_tab(desktop, "目标")
    expect(desktop.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=WAIT_MS)
    expect(desktop.locator('[data-testid="stDataFrame"]')).to_be_visible()
    shot(desktop, artifacts, "06-targets", shots)

    # 简报: choose a topic, preview, download DOCX and Markdown.
    open_tab(desktop, "简报")
    topics = desktop.get_by_role("combobox", name="简报主题（可选择，也可直接输入新主题）")
    topics.click(timeout=WAIT_MS)
    topics.fill("集团化办学")
    topics.press("Enter")
    desktop.keyboard.press("Escape")
    desktop.get_by_role("button", name="生成简报").click()
    expect(desktop.get_by_role("button", name="下载 DOCX")).to_be_visible(timeout=WAIT_MS)
    brief = docx.Document(io.BytesIO(download(desktop, "下载 DOCX", artifacts / "e2e-briefing.docx")))
    paragraphs = [p.text for p in brief.paragraphs]
    assert any("集团化办学" in p for p in paragraphs[:3]) and "来源" in paragraphs, paragraphs[:5]
    markdown = download(desktop, "下载 Markdown", artifacts / "e2e-briefing.md").decode("utf-8")
    assert markdown.startswith("# 政策简报") and "## 来源" in markdown
    shot(desktop, artifacts, "07-brief", shots)

    # 文库: upload a new document (and a file that is not one), then ask about the new one.
    open_tab(desktop, "文库")
    good = tmp_path / TIANJIN_NAME
    good.write_bytes(TIANJIN.encode("gbk"))
    markup = tmp_path / MARKUP_NAME
    markup.write_text(MARKUP, encoding="utf-8")
    bad = tmp_path / "安装程序.exe"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    uploader = desktop.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files([str(good), str(markup), str(bad)])
    expect(desktop.get_by_text(f"已导入：{TIANJIN_NAME}")).to_be_visible(timeout=WAIT_MS)
    expect(desktop.get_by_text(f"已导入：{MARKUP_NAME}")).to_be_visible()
    expect(desktop.get_by_text("不支持的文件类型")).to_be_visible()
    assert (server.settings.corpus_dir / TIANJIN_NAME).exists()
    assert not (server.settings.corpus_dir / bad.name).exists()
    shot(desktop, artifacts, "08-library-upload", shots)

    open_tab(desktop, "问答")
    timings["answer_from_upload_s"] = ask(desktop, UPLOAD_QUESTION, 2)
    last = messages(desktop).last
    expect(last).to_contain_text("不少于8次示范课")
    expect(last.locator('[data-testid="stExpander"]').first).to_contain_text(TIANJIN_TITLE)
    shot(desktop, artifacts, "09-answer-from-upload", shots)

    # Markup inside a document is shown as text, in the answer and in the document view.
    ask(desktop, "开放日期间各校展示什么？", 3)
    last = messages(desktop).last
    expect(last).to_contain_text("[课程成果](javascript:alert(1))和**社团作品**")
    assert last.locator("a").count() == 0 and last.locator("strong").count() == 0, "no Markdown rendered"
    last.locator('[data-testid="stExpander"] summary').first.click()
    open_cited_document(desktop, last)
    mark = desktop.get_by_role("dialog").frame_locator("iframe").locator("mark#cited-clause")
    expect(mark).to_have_text(MARKUP_CLAUSE, timeout=WAIT_MS)
    shot(desktop, artifacts, "10-markup-as-text", shots)
    desktop.keyboard.press("Escape")
    assert scripts_run == [], f"script from document text ran: {scripts_run}"

    # The phone session kept its own (empty) conversation and sees the upload.
    assert messages(phone).count() == 0
    chat_box(phone).fill("北京市对集团化办学有哪些规定？")
    chat_box(phone).press("Enter")
    refusal = messages(phone).nth(1).locator('[data-testid="stAlertContainer"]')
    expect(refusal).to_contain_text("未找到依据", timeout=WAIT_MS)
    shot(phone, artifacts, "11-phone-refusal", shots)
    # The documents address the topic but state no sum: "not stated", told apart from a refusal.
    chat_box(phone).fill("山西给参加集团化办学的老师每月补贴多少元？")
    chat_box(phone).press("Enter")
    not_stated = messages(phone).nth(3)
    expect(not_stated.locator('[data-testid="stAlertContainer"]')).to_contain_text("文件未明确规定", timeout=WAIT_MS)
    expect(not_stated).to_contain_text("相关条款（涉及该主题，但未写明所问内容）")
    wait_idle(phone)
    not_stated.scroll_into_view_if_needed()
    shot(phone, artifacts, "11b-phone-not-stated", shots)
    ask(phone, UPLOAD_QUESTION, 2)
    assert messages(phone).count() == 6, "the phone session holds only its own exchanges"
    expect(messages(phone).last.locator('[data-testid="stExpander"]').first).to_contain_text(TIANJIN_TITLE)
    shot(phone, artifacts, "12-phone-answer", shots)
    # A follow-up is read against the conversation, and the page says how.
    ask(phone, "由谁领衔？", 3)
    expect(messages(phone).last).to_contain_text("理解为：")
    expect(messages(phone).last).to_contain_text("特级教师")
    messages(phone).last.scroll_into_view_if_needed()
    shot(phone, artifacts, "12b-phone-follow-up", shots)
    # Asked two things, the documents state one: the part not stated is said in a box above the answer.
    ask(phone, "葫芦岛学院附小帮扶的是哪几所学校?归哪个部门安排?", 4)
    partly = messages(phone).last
    expect(partly.locator('[data-testid="stAlertContainer"]')).to_contain_text("文件未明确规定学校名单")
    expect(partly).to_contain_text("由市教育局安排")
    shot(phone, artifacts, "12c-phone-partly-stated", shots)
    open_tab(phone, "对比")
    phone.get_by_label("对比主题").fill("经费保障")
    phone.get_by_role("button", name="对比", exact=True).click()
    expect(phone.get_by_role("button", name="下载 CSV")).to_be_visible(timeout=WAIT_MS)
    shot(phone, artifacts, "13-phone-compare", shots)
    assert messages(desktop).count() == 8, "the desktop conversation is unchanged by the phone session"

    record = {k: round(v, 2) for k, v in timings.items()} | {"screenshots": shots}
    (artifacts / "timings.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\nE2E timings (s):", json.dumps(record, ensure_ascii=False, indent=2))


def pick(page: Page, label: str, option: str) -> None:
    """Choose an option of the sidebar multiselect with this label."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").fill(option)
    box.locator("input").press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)


def test_a_library_of_every_level_in_the_browser(library_server, browser, artifacts):
    shots: list[str] = []
    desktop = browser.new_page(viewport=DESKTOP)
    desktop.goto(library_server.url)
    wait_idle(desktop)
    open_tab(desktop, "文库")
    held = load_library(library_server.settings.index_dir).documents.values()
    expect(desktop.get_by_text(f"文库共 {len(held)} 份文件")).to_be_visible(timeout=WAIT_MS)
    pick(desktop, "层级", "县区")
    counties = [d for d in held if d.meta.level == "县区"]
    assert len(counties) >= 3
    expect(desktop.get_by_text(f"当前显示 {len(counties)} 份")).to_be_visible(timeout=WAIT_MS)
    shot(desktop, artifacts, "library-1-county-documents", shots)
    desktop.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="层级").get_by_role(
        "button", name="Clear all").click()  # fmt: skip
    wait_idle(desktop)
    desktop.get_by_label("搜索文件").fill("南京 美育")
    desktop.get_by_label("搜索文件").press("Enter")
    expect(desktop.get_by_text("当前显示 1 份")).to_be_visible(timeout=WAIT_MS)

    open_tab(desktop, "对比")
    desktop.get_by_label("对比主题").fill("美育教师配备")
    desktop.get_by_role("button", name="对比", exact=True).click()
    caption = desktop.get_by_text(re.compile(rf"{len(held)} 份文件中 \d+ 份涉及"))
    expect(caption).to_be_visible(timeout=WAIT_MS)
    expect(desktop.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=WAIT_MS)
    shot(desktop, artifacts, "library-2-compare-table", shots)

    open_tab(desktop, "目标")
    expect(desktop.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=WAIT_MS)
    shot(desktop, artifacts, "library-3-targets-chart", shots)
    desktop.close()



@pytest.fixture(scope="module")
def upload_server(indexed_settings, tmp_path_factory, artifacts):
    """The app over a private copy of the seeds' index, for a batch upload."""
    yield from serve(indexed_settings, tmp_path_factory.mktemp("e2e-upload"), artifacts / "e2e-upload-server.log")


def test_ten_files_uploaded_at_once_show_progress_while_another_session_is_answered(upload_server, browser, artifacts):
    from conftest import library_files

    files = [p for p in library_files() if p.suffix == ".txt"][:10]
    shots: list[str] = []
    uploader_page = browser.new_page(viewport=DESKTOP)
    uploader_page.goto(upload_server.url)
    wait_idle(uploader_page)
    open_tab(uploader_page, "文库")
    expect(uploader_page.get_by_text("文库共 5 份文件")).to_be_visible(timeout=WAIT_MS)
    asker = browser.new_page(viewport=PHONE)
    asker.goto(upload_server.url)
    wait_idle(asker)

    uploader_page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in files])
    progress = uploader_page.locator('[data-testid="stProgress"]')
    expect(progress).to_be_visible(timeout=WAIT_MS)
    shot(uploader_page, artifacts, "12-ten-files-progress", shots)
    ask(asker, "葫芦岛帮扶农村学校的覆盖面要达到多少?", 0)  # another session is answered meanwhile
    expect(messages(asker).nth(1)).to_contain_text("60%")

    for path in files:
        expect(uploader_page.get_by_text(f"已导入：{path.name}")).to_be_visible(timeout=WAIT_MS)
    expect(uploader_page.get_by_text("文库共 15 份文件")).to_be_visible(timeout=WAIT_MS)
    shot(uploader_page, artifacts, "13-ten-files-imported", shots)
    held = load_library(upload_server.settings.index_dir).documents.values()
    assert len(held) == 15 and {p.name for p in files} <= {Path(d.source).name for d in held}
    uploader_page.close()
    asker.close()
