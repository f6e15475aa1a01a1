"""Server mode with a real `chroma run` server: the server holds the whole library for every machine.

Each "machine" is a working folder of its own (corpus and index folders under its own tmp root):
nothing is shared between them but the server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import ChromaServer, corpus_file

from assistant.answer import ask
from errors import IndexMismatch, IndexMissing, StoreUnavailable
from retrieval import shared
from retrieval.access import EditorRefused, check_editor, hash_password, password_matches
from retrieval.index import bm25_path, lexical_revision, library_records
from retrieval.lexical import LexicalIndex
from retrieval.library import library_path, open_library
from retrieval.pipeline import ingest_paths, remove_document
from retrieval.search import Retriever
from retrieval.store import VectorStore
from retrieval.upload import import_uploads
from settings import REPO_ROOT

QUESTIONS = (
    ("学区制管理按什么原则划分学区", "地理位置相对就近"),
    ("联盟捆绑学校的骨干教师要派到哪里去", "选派一定数量的骨干教师到成员学校"),
)
POLL = 0.2  # seconds between a running client's looks at the server's library revision
PASSWORD = "共享文库-2026"


def machine(server: ChromaServer, root, *prefixes: str, **overrides):
    """A machine's settings with the given seed files in its own corpus folder."""
    settings = server.settings_for(root, library_poll_seconds=POLL, **overrides)
    settings.corpus_dir.mkdir(parents=True)
    for prefix in prefixes:
        shutil.copy(corpus_file(prefix), settings.corpus_dir)
    return settings


def cited(answer) -> list[tuple[str, str]]:
    return [(c.doc_id, c.clause_id) for c in answer.citations]


def eventually(check, timeout: float = 10.0):
    """check() once it is truthy (a running client notices a change within a few seconds)."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "the change never reached the other machine"
        time.sleep(0.1)
    return value


def run_cli(server: ChromaServer, settings, *args: str, extra: dict | None = None, stdin: str = ""):
    env = {**server.env_for(settings, settings.corpus_dir.parent), **(extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=REPO_ROOT, env=env, input=stdin,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


# ---------------------------------------------------------------- one library for two machines


def test_a_second_machine_answers_from_the_server_alone(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000", "003")
    report = ingest_paths(None, a, progress=False)
    assert report.documents == 2 and not report.failed, report.summary()
    assert not library_path(a.index_dir).exists(), "in server mode the library lives on the server"

    b = machine(chroma_server, tmp_path / "b")
    reader = Retriever.open(b)
    assert sorted(reader.library.documents) == sorted(Retriever.open(a).library.documents)
    for question, wording in QUESTIONS:
        here, there = ask(question, Retriever.open(a), settings=a), ask(question, reader, settings=b)
        assert not there.abstained and wording in there.citations[0].text, there.to_json()
        assert cited(there) == cited(here) and there.answer == here.answer

    cache = LexicalIndex.load(bm25_path(reader.home.cache_dir))
    assert cache is not None and cache.revision == lexical_revision(reader.library)
    assert cache.revision and sorted(cache.clause_ids) == sorted(reader._clauses)


def test_a_restarted_client_reuses_its_cached_lexical_index(tmp_path, chroma_server, monkeypatch):
    a = machine(chroma_server, tmp_path / "a", "000")
    ingest_paths(None, a, progress=False)
    b = machine(chroma_server, tmp_path / "b")
    Retriever.open(b)
    shared._OPEN.clear()  # as a new process: nothing read from the server is kept in memory

    def no_rebuild(library):
        raise AssertionError("the BM25 index of an unchanged library was built again")

    monkeypatch.setattr("retrieval.search.build_lexical", no_rebuild)
    hits = Retriever.open(b).search(QUESTIONS[0][0], k=3)
    assert QUESTIONS[0][1] in hits[0].clause.text


def test_every_command_of_a_client_with_host_and_port_only(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000", "003")
    ingest_paths(None, a, progress=False)
    b = machine(chroma_server, tmp_path / "b")
    env = chroma_server.env_for(b, tmp_path / "b")

    def run(module: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = json.loads(run("ingest", "--list", "--json"))
    assert sorted(row["title"] for row in listed) == sorted(d.meta.title for d in Retriever.open(a).library.documents.values())
    hits = json.loads(run("retrieval", QUESTIONS[0][0], "--json"))
    assert QUESTIONS[0][1] in json.dumps(hits, ensure_ascii=False)
    answer = json.loads(run("assistant", "ask", QUESTIONS[1][0], "--json"))
    assert QUESTIONS[1][1] in answer["citations"][0]["text"]
    compared = json.loads(run("assistant", "compare", "骨干教师交流", "--json"))
    assert len(compared["rows"]) == 2
    targets = run("assistant", "targets", "--all")
    assert "山西省|2017|" in targets and "各市80%以上的县(市、区)推行改革" in targets
    brief = tmp_path / "b" / "学区制.docx"
    run("assistant", "brief", "学区制", "-o", str(brief))
    assert brief.stat().st_size > 5000
    assert not library_path(b.index_dir).exists()


def test_one_machine_adds_and_removes_and_the_other_sees_both(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000")
    ingest_paths(None, a, progress=False)
    b = machine(chroma_server, tmp_path / "b")
    reader = Retriever.open(b)
    question, wording = QUESTIONS[1]
    assert all(wording not in h.clause.text for h in reader.search(question, k=5))

    added = corpus_file("003")
    shutil.copy(added, a.corpus_dir)
    ingest_paths([a.corpus_dir / added.name], a, progress=False)
    eventually(lambda: len(reader.library.documents) == 2)
    assert wording in reader.search(question, k=3)[0].clause.text

    doc_id = next(d for d, doc in reader.library.documents.items() if doc.source.endswith(added.name))
    remove_document(doc_id, a)
    eventually(lambda: doc_id not in reader.library.documents)
    assert all(h.clause.doc_id != doc_id for h in reader.search(question, k=10))
    store = VectorStore(a, reader._embedder, a.embedder)
    assert not any(rid.startswith(doc_id) for rid in store.hashes()), "the removed document's vectors are gone"


def test_a_machine_never_removes_documents_it_did_not_add(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000", "003")
    ingest_paths(None, a, progress=False)
    b = machine(chroma_server, tmp_path / "b", "000", "004")  # one seed file both have, one of its own
    report = ingest_paths(None, b, progress=False)
    assert report.unchanged == [corpus_file("000").name] and report.added == [corpus_file("004").name]
    assert report.documents == 3 and not report.removed, report.summary()

    for path in b.corpus_dir.iterdir():
        path.unlink()
    report = ingest_paths(None, b, progress=False)
    assert report.removed == [corpus_file("004").name], "only what b added and b no longer has"
    library = open_library(a).load()
    assert {doc.source.rsplit("/", 1)[-1] for doc in library.documents.values()} == {
        corpus_file("000").name, corpus_file("003").name,
    }  # fmt: skip


def test_two_machines_ingesting_at_once_both_land_and_a_shared_file_lands_once(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000", "003")
    b = machine(chroma_server, tmp_path / "b", "000", "004")
    runs = [
        subprocess.Popen([sys.executable, "-m", "ingest"], cwd=REPO_ROOT, env=chroma_server.env_for(s, s.corpus_dir.parent),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        for s in (a, b)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    library = open_library(a).load()
    names = sorted(doc.source.rsplit("/", 1)[-1] for doc in library.documents.values())
    assert names == sorted(corpus_file(p).name for p in ("000", "003", "004"))
    store = VectorStore(a, Retriever.open(a)._embedder, a.embedder)
    assert set(store.hashes()) == {r.record_id for r in library_records(library, a)}, "one set of vectors"


def test_an_ingest_killed_midway_leaves_the_previous_library(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000", library_lease_seconds=3.0)
    ingest_paths(None, a, progress=False)
    before = open_library(a).load()
    reader = Retriever.open(machine(chroma_server, tmp_path / "b"))

    big = next((REPO_ROOT.parent / "shared" / "library").rglob("*.txt"))
    shutil.copy(big, a.corpus_dir)
    env = {**chroma_server.env_for(a, tmp_path / "a"), "POLICY_LIBRARY_LEASE_SECONDS": "3"}
    run = subprocess.Popen([sys.executable, "-m", "ingest"], cwd=REPO_ROOT, env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    store = VectorStore(a, reader._embedder, a.embedder)
    stored = len(store.hashes())
    eventually(lambda: len(store.hashes()) > stored, timeout=120)  # it is embedding the new document
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()

    after = open_library(a).load()
    assert after.revision == before.revision and sorted(after.documents) == sorted(before.documents)
    orphans = set(store.hashes()) - {r.record_id for r in library_records(after, a)}
    assert orphans, "the killed run had stored vectors of the document it never committed"
    assert not orphans & reader._records, "a search never returns them"
    hits = reader.search("义务教育", k=10)
    assert {h.clause.doc_id for h in hits} <= set(before.documents)

    report = ingest_paths(None, a, progress=False)  # waits out the dead run's lease, then lands
    assert report.added == [big.name], report.summary()
    library = open_library(a).load()
    assert set(store.hashes()) == {r.record_id for r in library_records(library, a)}, "orphans cleaned up"


def test_a_running_client_survives_a_server_restart(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000")
    ingest_paths(None, a, progress=False)
    reader = Retriever.open(machine(chroma_server, tmp_path / "b"))
    question, wording = QUESTIONS[0]
    first = [h.clause.clause_id for h in reader.search(question, k=3)]

    chroma_server.stop()
    time.sleep(POLL * 2)  # the client looks at the server again
    with pytest.raises(StoreUnavailable) as err:
        reader.search(question + "？", k=3)
    assert f"127.0.0.1:{chroma_server.port}" in str(err.value) and "\n" not in str(err.value)
    assert "暂时无法连接" in err.value.zh

    chroma_server.start()
    again = [h.clause.clause_id for h in reader.search(question + "？", k=3)]
    assert again == first and wording in reader.library.clause_index()[again[0]][0].text


def test_a_server_library_of_another_embedder_or_format_is_named(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000")
    ingest_paths(None, a, progress=False)
    other = machine(chroma_server, tmp_path / "b", "003", embedder="st:all-MiniLM-L6-v2")
    with pytest.raises(IndexMismatch) as err:
        Retriever.open(other)
    assert "'e5'" in str(err.value) and "st:all-MiniLM-L6-v2" in str(err.value)
    with pytest.raises(IndexMismatch):
        ingest_paths(None, other, progress=False)  # would re-embed the team's library with another model
    assert len(open_library(a).load().documents) == 1

    state = shared.server_library(a)._state
    manifest = json.loads(state.get(ids=["manifest"], include=["documents"])["documents"][0])
    for fmt, words in ((2, "older format"), (99, "newer version")):
        state.upsert(ids=["manifest"], embeddings=[[1.0]], documents=[json.dumps({**manifest, "format": fmt})],
                     metadatas=[{"revision": f"r{fmt}", "format": fmt, "embedder": "e5"}])  # fmt: skip
        with pytest.raises(IndexMismatch) as err:
            Retriever.open(a)
        assert words in str(err.value)


def test_an_empty_server_says_so(tmp_path, chroma_server):
    with pytest.raises(IndexMissing) as err:
        Retriever.open(machine(chroma_server, tmp_path / "b"))
    assert "holds no documents" in str(err.value) and "共享文库" in err.value.zh


# ---------------------------------------------------------------- who may change the library


def test_password_hash_round_trip_and_refusals(monkeypatch):
    stored = hash_password(PASSWORD)
    assert stored.startswith("pbkdf2_sha256$") and PASSWORD not in stored
    assert password_matches(PASSWORD, stored)
    assert not password_matches(PASSWORD + " ", stored) and not password_matches("", stored)
    assert not password_matches(PASSWORD, "not-a-hash") and not password_matches(PASSWORD, stored.replace("pbkdf2", "md5"))
    assert hash_password(PASSWORD) != stored, "salted"
    from settings import Settings

    locked = Settings(_env_file=None, editor_password_hash=stored)
    slept: list[float] = []
    monkeypatch.setattr("retrieval.access.time.sleep", slept.append)
    check_editor(PASSWORD, locked)
    check_editor(None, Settings(_env_file=None))  # nothing configured: anyone may edit
    for wrong, words in (("", "需要编辑密码"), ("guess", "不正确")):
        with pytest.raises(EditorRefused) as err:
            check_editor(wrong, locked)
        assert words in err.value.zh
    assert "guess" not in str(err.value) and "guess" not in err.value.zh, "a wrong password is never repeated"
    assert slept == [1.0, 1.0], "every refusal waits"


def test_the_cli_changes_a_shared_library_only_with_the_editor_password(tmp_path, chroma_server):
    a = machine(chroma_server, tmp_path / "a", "000")
    ingest_paths(None, a, progress=False)
    made = run_cli(chroma_server, a, "--hash-password", stdin=PASSWORD + "\n")
    assert made.returncode == 0 and made.stdout.startswith("POLICY_EDITOR_PASSWORD_HASH="), made.stderr
    locked = {"POLICY_EDITOR_PASSWORD_HASH": made.stdout.strip().split("=", 1)[1]}
    b = machine(chroma_server, tmp_path / "b", "003")

    refused = run_cli(chroma_server, b, extra=locked)
    assert refused.returncode == 1 and "editor password" in refused.stderr
    wrong = run_cli(chroma_server, b, extra={**locked, "POLICY_EDITOR_PASSWORD": "guess"})
    assert wrong.returncode == 1 and "wrong editor password" in wrong.stderr and "guess" not in wrong.stderr
    doc_id = next(iter(open_library(a).load().documents))
    kept = run_cli(chroma_server, b, "--remove", doc_id, extra=locked)
    assert kept.returncode == 1 and len(open_library(a).load().documents) == 1

    startup = run_cli(chroma_server, b, "--startup", extra=locked)  # what a colleague's `make run` does
    assert startup.returncode == 0 and "not syncing" in startup.stdout
    assert len(open_library(a).load().documents) == 1

    landed = run_cli(chroma_server, b, extra={**locked, "POLICY_EDITOR_PASSWORD": PASSWORD})
    assert landed.returncode == 0, landed.stderr
    assert len(open_library(a).load().documents) == 2
    removed = run_cli(chroma_server, b, "--remove", doc_id, extra={**locked, "POLICY_EDITOR_PASSWORD": PASSWORD})
    assert removed.returncode == 0 and doc_id not in open_library(a).load().documents
    assert (a.corpus_dir / corpus_file("000").name).exists(), "a colleague's removal leaves a's own files alone"


def test_uploads_without_the_password_write_nothing(tmp_path):
    from settings import Settings

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / ".index", _env_file=None,
                        editor_password_hash=hash_password(PASSWORD))  # fmt: skip
    text = corpus_file("000").read_bytes()
    with pytest.raises(EditorRefused):
        import_uploads([("新文件.txt", text)], settings, password="guess")
    assert not settings.corpus_dir.exists() and not library_path(settings.index_dir).exists()
    outcome = import_uploads([("新文件.txt", text)], settings, password=PASSWORD)
    assert outcome.added == ["新文件.txt"]
