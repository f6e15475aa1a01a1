"""``python -m bench.load``: many browser sessions at once against one app over one Chroma server.

Starts ``chroma run`` and ``streamlit run app.py`` (each in its own process group), ingests the seed corpus
into the server, measures one session asking questions one after another, then drives ``sessions``
headless Chromium pages (one browser, separate contexts) asking different questions for ``seconds`` while
a further process ingests one more document. Afterwards a fresh page checks that the new document is
listed in 文库 and cited in an answer. Prints (and returns) one dict of figures; every process started
here is stopped on the way out, also on failure.

An answer counts as answered when its message shows a citation, or says 文件未明确规定 / 未找到依据;
an error box, an exception, or a message that never completes counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.metrics import percentile
from settings import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"  # browser and flags as in tests/test_e2e.py
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WAIT_MS = 120_000  # one answer under load on a shared 2-core machine; generous, nothing here is asserted
OPEN_MS = 60_000  # a page until its question box is ready
QUESTION_FILES = (
    REPO_ROOT / "bench" / "dialogue" / "answers_dev.jsonl",
    REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl",
)
EXTRA_DOC = (REPO_ROOT.parent / "shared" / "library" / "meiyu"
             / "上海市人民政府办公厅关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1201081).txt")  # fmt: skip
# Answered only from EXTRA_DOC (the seeds hold no 美育 document): its citation must name the document.
CHECK_QUESTION = "上海市学校课外美育活动的学生参与面要达到多少？"
CHECK_TITLE_WORD = "美育"
SINGLE_QUESTIONS = 12
_ANSWERED_ALERT = re.compile("文件未明确规定|未找到依据")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Unavailable|Missing)\b.*")
_LIBRARY_COUNT = re.compile(r"文库(?:（[^）]*）)?共 (\d+) 份文件、")


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Started:
    """The processes started by a run (each the leader of its own process group), stopped together."""

    procs: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # fmt: skip
        self.procs.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for _name, proc in reversed(self.procs):
            stop(proc)


def stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process group, SIGKILL it after ``grace`` seconds."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    _signal_group(proc, signal.SIGKILL)  # anything the leader left behind in its group


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180.0) -> float:
    """Seconds until ``url`` answers 200; raises when the process exits or the time is up."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with code {proc.returncode} before {url} answered; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s; see {log}")


def policy_env(chroma_port: int, index_dir: Path, corpus_dir: Path) -> dict:
    """This environment without any POLICY_ variable, plus the server, index and corpus of one process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    env.update(POLICY_CHROMA_HOST="127.0.0.1", POLICY_CHROMA_PORT=str(chroma_port),
               POLICY_INDEX_DIR=str(index_dir), POLICY_CORPUS_DIR=str(corpus_dir))  # fmt: skip
    return env


def ingest_cmd(*paths: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", *map(str, paths)]


# ---------------------------------------------------------------- questions


def load_questions(files: tuple[Path, ...] = QUESTION_FILES) -> list[str]:
    """The questions (field ``q``) of the files, interleaved file by file, without repeats."""
    lists = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            lists.append([json.loads(line)["q"] for line in f if line.strip()])
    out: list[str] = []
    for i in range(max(map(len, lists))):
        for qs in lists:
            if i < len(qs) and qs[i] not in out:
                out.append(qs[i])
    return out


def deal(questions: list[str], sessions: int) -> list[list[str]]:
    """Session i gets questions i, i+n, i+2n …: no question is asked by two sessions (when there are enough)."""
    return [questions[i::sessions] or questions for i in range(sessions)]


# ---------------------------------------------------------------- one page


@dataclass
class Outcome:
    ok: bool
    seconds: float
    detail: str = ""  # the error, or how it was answered (cited / 文件未明确规定 / 未找到依据)
    question: str = ""


class Session:
    """One browser context with one page on the app, asking questions in one conversation."""

    def __init__(self, browser, url: str, name: str):
        self.browser, self.url, self.name = browser, url, name
        self.context = self.page = None
        self.turns = 0
        self.broken = False  # set when the page could not be reopened after an error: the session stops

    async def open(self) -> None:
        from playwright.async_api import expect

        if self.context is not None:
            await self.context.close()
        self.context = await self.browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        self.page = await self.context.new_page()
        self.turns = 0
        await self.page.goto(self.url, timeout=OPEN_MS)
        await expect(self.chat_box()).to_be_editable(timeout=OPEN_MS)

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    def chat_box(self):
        return self.page.locator('[data-testid="stChatInputTextArea"]')

    def messages(self):
        return self.page.locator('[data-testid="stChatMessage"]')

    async def wait_idle(self) -> None:
        from playwright.async_api import expect

        app = self.page.locator('[data-testid="stApp"]')
        await expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=WAIT_MS)

    async def ask(self, question: str) -> Outcome:
        """Type a question, press Enter, wait until its answer (or an error) is shown; a failed page is reopened."""
        try:
            outcome = await self._ask(question)
        except Exception as err:  # a timeout or a page that went away: an error, and a fresh session after it
            outcome = Outcome(False, float("nan"), f"{type(err).__name__}: {_first_line(str(err))}")
        outcome.question = question
        note(
            f"{self.name}: {'ok' if outcome.ok else 'ERROR'} {outcome.seconds:.1f}s {question[:24]} -> {outcome.detail}"
        )
        if not outcome.ok:
            try:
                await self.open()
            except Exception as err:
                self.broken = True
                outcome.detail += f"; reopening the page failed ({type(err).__name__}), session stopped"
                note(f"{self.name}: reopening the page failed, session stopped")
        return outcome

    async def _ask(self, question: str) -> Outcome:
        from playwright.async_api import expect

        before = 2 * self.turns
        await expect(self.messages()).to_have_count(before, timeout=WAIT_MS)
        await self.chat_box().fill(question)
        started = time.perf_counter()
        await self.chat_box().press("Enter")
        answer = self.messages().nth(before + 1)
        cited = answer.locator('[data-testid="stExpander"]').filter(has_text="[1]")
        abstained = answer.locator('[data-testid="stAlertContainer"]').filter(has_text=_ANSWERED_ALERT)
        failed = answer.locator('[data-testid="stAlertContentError"]').or_(
            self.page.locator('[data-testid="stException"]'))  # fmt: skip
        await expect(cited.or_(abstained).or_(failed).first).to_be_visible(timeout=WAIT_MS)
        taken = time.perf_counter() - started
        await self.wait_idle()
        if await failed.count():
            return Outcome(False, taken, "error box: " + _first_line(await failed.first.inner_text()))
        if await abstained.count():  # first: "not stated" and a refusal list their nearest clauses as [1] … too
            self.turns += 1
            return Outcome(True, taken, _ANSWERED_ALERT.search(await abstained.first.inner_text()).group(0))
        if await cited.count():
            self.turns += 1
            return Outcome(True, taken, "cited")
        return Outcome(False, taken, "answer vanished: " + _first_line(await answer.inner_text()))

    async def open_tab(self, name: str) -> None:
        from playwright.async_api import expect

        tab = self.page.get_by_role("tab", name=name, exact=True)
        await tab.click()
        await expect(tab).to_have_attribute("aria-selected", "true")
        await self.wait_idle()

    async def library_count(self) -> int | None:
        """The number of documents the 文库 tab says the library holds (the page is left on 问答)."""
        from playwright.async_api import expect

        await self.open_tab("文库")
        caption = self.page.get_by_text(_LIBRARY_COUNT)
        await expect(caption).to_be_visible(timeout=WAIT_MS)
        found = _LIBRARY_COUNT.search(await caption.inner_text())
        await self.open_tab("问答")
        return int(found.group(1)) if found else None

    async def library_lists(self, word: str) -> bool:
        """True when a search of the 文库 table for ``word`` leaves exactly one document."""
        from playwright.async_api import expect

        await self.open_tab("文库")
        box = self.page.get_by_label("搜索文件")
        await box.fill(word)
        await box.press("Enter")
        await self.wait_idle()
        try:
            await expect(self.page.get_by_text("当前显示 1 份")).to_be_visible(timeout=30_000)
            listed = True
        except AssertionError:
            listed = False
        await box.fill("")
        await box.press("Enter")
        await self.wait_idle()
        await self.open_tab("问答")
        return listed

    async def cited_titles(self) -> list[str]:
        """The citation labels of the last answer."""
        labels = self.messages().last.locator('[data-testid="stExpander"] summary')
        texts = await labels.all_inner_texts()  # each also holds the expander's icon name on a line of its own
        return [next((line.strip() for line in t.splitlines() if "《" in line), _first_line(t)) for t in texts]


def note(text: str) -> None:
    """A progress line on stderr (stdout carries only the JSON)."""
    print(f"[load {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _first_line(text: str, width: int = 160) -> str:
    line = next((s.strip() for s in (text or "").splitlines() if s.strip()), "")
    return line[:width]


# ---------------------------------------------------------------- the run


def _answered(outcomes: list[Outcome]) -> list[float]:
    """Seconds to each answer (errors are counted apart, not timed)."""
    return [o.seconds for o in outcomes if o.ok]


def _ms(seconds: list[float], p: float) -> int | None:
    return round(percentile(seconds, p) * 1000) if seconds else None


async def _drive(url: str, sessions: int, seconds: float, ingest) -> dict:
    """The single-session figure, the concurrent run (starting ``ingest()`` with it) and the final check."""
    from playwright.async_api import async_playwright

    questions = load_questions()
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One session alone: a first (warm-up) answer, then questions one after another.
            single = Session(browser, url, "single")
            note("single session")
            await single.open()
            count_before = await single.library_count()
            first = await single.ask(questions[-1])
            if not first.ok:
                errors.append(f"single, first answer: {first.detail}")
            alone = []
            for q in questions[:: max(1, len(questions) // SINGLE_QUESTIONS)][:SINGLE_QUESTIONS]:
                outcome = await single.ask(q)
                alone.append(outcome)
                if not outcome.ok:
                    errors.append(f"single: {q[:30]}: {outcome.detail}")
            await single.close()

            # Many sessions at once, each its own questions, while another process ingests a document.
            pages = [Session(browser, url, f"s{i + 1}") for i in range(sessions)]
            note(f"{sessions} sessions for {seconds:.0f}s, with an ingest of {EXTRA_DOC.name[:20]}…")
            await asyncio.gather(*(s.open() for s in pages))
            ingest_task = asyncio.create_task(ingest())
            deadline = time.perf_counter() + seconds
            per_session = await asyncio.gather(
                *(_loop(s, qs, deadline) for s, qs in zip(pages, deal(questions, sessions), strict=True))
            )
            ingest_result = await ingest_task
            await asyncio.gather(*(s.close() for s in pages))
            under_load = [o for outcomes in per_session for o in outcomes]
            for s, outcomes in zip(pages, per_session, strict=True):
                errors += [f"{s.name}: {o.question[:30]}: {o.detail}" for o in outcomes if not o.ok]
            if ingest_result["code"] != 0:
                errors.append(f"ingest of the extra document exited with code {ingest_result['code']}")

            # Afterwards: a fresh session sees the new document in 文库 and in an answer.
            note("checking the new document")
            new_doc = await _check_new_document(Session(browser, url, "check"))
            if "error" in new_doc:
                errors.append(f"check of the new document: {new_doc['error']}")
        finally:
            await browser.close()
    asked = len(under_load)
    return {
        "sessions": sessions,
        "seconds": seconds,
        "questions_asked": asked,
        "answered": sum(o.ok for o in under_load),
        "errors": errors,
        "single_p50_ms": _ms(_answered(alone), 50),
        "single_p95_ms": _ms(_answered(alone), 95),
        "load_p50_ms": _ms(_answered(under_load), 50),
        "load_p95_ms": _ms(_answered(under_load), 95),
        "ingest_seconds": ingest_result["seconds"],
        "new_document_visible": bool(
            count_before is not None
            and new_doc["library_after"] == count_before + 1
            and new_doc["listed"]
            and new_doc["cited"]
        ),  # fmt: skip
        "single_questions": len(alone),
        "first_answer_ms": round(first.seconds * 1000) if first.seconds == first.seconds else None,
        "load_max_ms": _ms(_answered(under_load), 100),
        "per_session_asked": [len(o) for o in per_session],
        "outcomes": _tally(alone + under_load),
        "new_document": {"library_before": count_before, **new_doc},
    }


async def _check_new_document(check: Session) -> dict:
    """In a fresh session: the 文库 count, a 文库 search for the new title, and an answer citing it."""
    found: dict = {"library_after": None, "listed": False, "cited": False, "check_answer": "", "cited_titles": []}
    try:
        await check.open()
        found["library_after"] = await check.library_count()
        found["listed"] = await check.library_lists(CHECK_TITLE_WORD)
        answer = await check.ask(CHECK_QUESTION)
        found["check_answer"] = answer.detail
        if answer.ok:
            found["cited_titles"] = (await check.cited_titles())[:3]
            found["cited"] = any(CHECK_TITLE_WORD in t for t in found["cited_titles"])
    except Exception as err:
        found["error"] = f"{type(err).__name__}: {_first_line(str(err))}"
    finally:
        await check.close()
    return found


def _tally(outcomes: list[Outcome]) -> dict[str, int]:
    out: dict[str, int] = {}
    for o in outcomes:
        key = o.detail if o.ok else "error"
        out[key] = out.get(key, 0) + 1
    return out


async def _loop(session: Session, questions: list[str], deadline: float) -> list[Outcome]:
    """Ask the session's questions in turn (round and round) until the deadline; the last one is finished."""
    outcomes: list[Outcome] = []
    i = 0
    while time.perf_counter() < deadline and not session.broken:
        outcomes.append(await session.ask(questions[i % len(questions)]))
        i += 1
    return outcomes


def run_load(sessions: int = 8, seconds: float = 60.0, work: Path | None = None) -> dict:
    """Start Chroma and the app, ingest the seeds, drive the sessions; the figures as a dict.

    work keeps the Chroma data, index folders and logs (its subfolders from an earlier run are removed
    first); by default a temporary folder is used and removed. The app and the two ingests each have their
    own POLICY_INDEX_DIR, so the app sees what they wrote only through the Chroma server.
    """
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install the Debian chromium package")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = Path(work) if work is not None else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        started = Started()
        try:
            return _run(root, sessions, seconds, started)
        finally:
            started.stop_all()


def _run(root: Path, sessions: int, seconds: float, started: Started) -> dict:
    for name in ("chroma", "ingester", "app", "extra", "logs"):
        shutil.rmtree(root / name, ignore_errors=True)
    logs = root / "logs"
    chroma = shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")
    if chroma is None:
        raise RuntimeError("the chroma executable is not installed next to this Python")
    chroma_port = free_port()
    server = started.start("chroma", [chroma, "run", "--path", str(root / "chroma"), "--host", "127.0.0.1",
                                      "--port", str(chroma_port)], dict(os.environ), logs / "chroma.log")  # fmt: skip
    chroma_ready = wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", server, logs / "chroma.log")
    note(f"chroma up on port {chroma_port} after {chroma_ready:.1f}s; ingesting the seeds (logs in {logs})")

    shutil.copytree(REPO_ROOT / "corpus", root / "ingester" / "corpus")
    index = {name: root / name / "index" for name in ("ingester", "app", "extra")}
    env = policy_env(chroma_port, index["ingester"], root / "ingester" / "corpus")
    t0 = time.perf_counter()
    seed = started.start("ingest seeds", ingest_cmd(), env, logs / "ingest-seeds.log")
    if seed.wait() != 0:
        raise RuntimeError(
            f"ingest of the seed corpus exited with code {seed.returncode}; see {logs / 'ingest-seeds.log'}"
        )
    seed_s = time.perf_counter() - t0

    app_port = free_port()
    (root / "app" / "corpus").mkdir(parents=True, exist_ok=True)
    env = policy_env(chroma_port, index["app"], root / "app" / "corpus")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(app_port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]  # fmt: skip
    app = started.start("app", cmd, env, logs / "app.log")
    url = f"http://127.0.0.1:{app_port}"
    app_ready = wait_http(f"{url}/_stcore/health", app, logs / "app.log")
    note(f"app up on {url} after {app_ready:.1f}s")

    extra_corpus = root / "extra" / "corpus"
    extra_corpus.mkdir(parents=True, exist_ok=True)
    extra = Path(shutil.copy2(EXTRA_DOC, extra_corpus / EXTRA_DOC.name))
    extra_env = policy_env(chroma_port, index["extra"], extra_corpus)

    async def ingest_extra() -> dict:
        t = time.perf_counter()
        proc = started.start("ingest extra", ingest_cmd(extra), extra_env, logs / "ingest-extra.log")
        while proc.poll() is None:
            await asyncio.sleep(0.2)
        note(f"ingest of the extra document: exit code {proc.returncode} after {time.perf_counter() - t:.1f}s")
        return {"code": proc.returncode, "seconds": round(time.perf_counter() - t, 1)}

    figures = asyncio.run(_drive(url, sessions, seconds, ingest_extra))
    crashes = _log_errors(logs / "app.log")
    figures["errors"] += [f"app log: {line}" for line in crashes]
    figures.update(
        extra_document=EXTRA_DOC.name,
        seed_ingest_s=round(seed_s, 1),
        chroma_ready_s=round(chroma_ready, 1),
        app_ready_s=round(app_ready, 1),
        cores=os.cpu_count(),
        load_avg_end=round(os.getloadavg()[0], 2),
    )
    return figures


def _log_errors(log: Path, most: int = 10) -> list[str]:
    """The closing line of each traceback in a log (plain or as Streamlit prints them), at most ``most``."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    found, in_trace = [], False
    for line in _ANSI.sub("", text).splitlines():
        if "Traceback" in line:
            in_trace = True
        elif in_trace and _EXCEPTION_LINE.match(line):
            found.append(line.strip()[:200])
            in_trace = False
    return found[:most]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the concurrent run (default 60)")
    parser.add_argument("--work", type=Path, help="working folder to keep (logs, indexes); default a temporary one")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the finally clauses stop the servers
    figures = run_load(args.sessions, args.seconds, args.work)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if not figures["errors"] and figures["answered"] == figures["questions_asked"] else 1


if __name__ == "__main__":
    sys.exit(main())
