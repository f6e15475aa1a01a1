"""retrieval.upload: what the app's uploader writes, refuses, ingests and removes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.answer import ask
from errors import PolicyError, UnsupportedFile
from retrieval.library import load_library
from retrieval.search import Retriever
from retrieval.upload import check_name, delete_document, import_uploads, save_upload
from settings import Settings

CJK = re.compile(r"[\u4e00-\u9fff]")

# A small policy document written for these tests (GBK, as users' files often are), with a phrase
# that occurs in no corpus document: 海河名师工作坊.
TIANJIN_NAME = "天津市义务教育集团化办学实施方案.txt"
TIANJIN_TITLE = "天津市教育委员会关于印发《天津市义务教育集团化办学实施方案》的通知"
TIANJIN_CLAUSE = "每个教育集团设立海河名师工作坊，由特级教师领衔，每学期在成员校开展不少于8次示范课。"
TIANJIN = f"""{TIANJIN_TITLE}
津教委〔2023〕12号
各区教育局：
现将《天津市义务教育集团化办学实施方案》印发给你们，请认真贯彻执行。
一、总体目标
到2025年，全市义务教育集团化办学覆盖率达到70%以上，每个区至少建成3个紧密型教育集团。
二、主要措施
（一）推行集团统一管理。集团总校长统筹成员校的课程、师资和评价，成员校保留独立法人资格。
（二）建设海河名师工作坊。{TIANJIN_CLAUSE}
（三）实行教师走教制度。集团内骨干教师每学年到成员校走教不少于一学期。
三、保障措施
各区教育局要将集团化办学纳入年度考核，设立专项经费予以保障。
天津市教育委员会
2023年3月15日
"""

# A document whose clause carries Markdown and HTML markup (written as entities, which ingest reads as the
# characters they stand for): it must be shown as text, never rendered.
MARKUP_NAME = "校园开放日活动通知.txt"
MARKUP_CLAUSE = "各校开放日期间展示[课程成果](javascript:alert(1))和**社团作品**，标记<img src=x onerror=alert(1)>结束。"
MARKUP = f"""某县教育局关于开展校园开放日活动的通知
一、活动安排
{MARKUP_CLAUSE.replace("<", "&lt;").replace(">", "&gt;")}
二、工作要求
各校要于活动结束后提交总结报告。
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones included) with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def blank(tmp_path: Path) -> Settings:
    """Settings with an empty corpus folder inside tmp_path (nothing else there)."""
    (tmp_path / "corpus").mkdir()
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / ".index", _env_file=None)


@pytest.fixture(scope="module")
def indexed_copy(indexed_settings, tmp_path_factory) -> Settings:
    """A private copy of the session index (corpus + index), which these tests may change."""
    root = tmp_path_factory.mktemp("upload-index")
    shutil.copytree(indexed_settings.corpus_dir.parent, root, dirs_exist_ok=True)
    return Settings(corpus_dir=root / "corpus", index_dir=root / ".index", _env_file=None)


# ---------------------------------------------------------------- save_upload


def test_a_valid_upload_is_written_into_the_corpus_folder(blank):
    data = TIANJIN.encode("gbk")
    path = save_upload(TIANJIN_NAME, data, blank)
    assert path == blank.corpus_dir.resolve() / TIANJIN_NAME
    assert path.read_bytes() == data
    assert tree(blank.corpus_dir.parent) == {f"corpus/{TIANJIN_NAME}": data}, "no temp file may be left behind"


@pytest.mark.parametrize(
    "name",
    [
        "../x.txt",
        "../../etc/x.txt",
        "..\\x.txt",
        "/tmp/x.txt",
        "sub/x.txt",
        "C:x.txt",
        ".hidden.txt",
        "..",
        "",
        " ",
        "a\x00.txt",
        "a\nb.txt",
    ],
)
def test_names_with_path_parts_are_refused_and_nothing_is_written(blank, name):
    before = tree(blank.corpus_dir.parent.parent)
    with pytest.raises(UnsupportedFile) as err:
        save_upload(name, TIANJIN.encode("utf-8"), blank)
    assert CJK.search(err.value.zh), f"the message for {name!r} must be Chinese: {err.value.zh!r}"
    assert tree(blank.corpus_dir.parent.parent) == before, f"{name!r} must not write anything anywhere"


@pytest.mark.parametrize(
    "name, data",
    [
        ("材料.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 40),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("无后缀", "一、总体目标".encode()),
    ],
)
def test_files_that_are_not_documents_are_refused_by_type(blank, name, data):
    with pytest.raises(UnsupportedFile) as err:
        save_upload(name, data, blank)
    assert "不支持的文件类型" in err.value.zh and ".docx" in err.value.zh, err.value.zh
    assert tree(blank.corpus_dir) == {}


def test_size_limit_is_the_configured_one(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / ".index", max_file_mb=0.01, _env_file=None)
    limit = int(0.01 * 1024 * 1024)
    save_upload("刚好.txt", b"a" * limit, settings)
    with pytest.raises(UnsupportedFile) as err:
        save_upload("超出.txt", b"a" * (limit + 1), settings)
    assert "超过" in err.value.zh and "上限" in err.value.zh, err.value.zh
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["刚好.txt"]


def test_default_size_limit_is_20_mb(blank):
    assert blank.max_file_mb == 20.0
    with pytest.raises(UnsupportedFile) as err:
        save_upload("大文件.txt", b"a" * (20 * 1024 * 1024 + 1), blank)
    assert "20 MB" in err.value.zh


def test_an_empty_upload_is_refused(blank):
    with pytest.raises(UnsupportedFile) as err:
        save_upload("空.txt", b"", blank)
    assert "为空" in err.value.zh


def test_an_existing_file_is_never_overwritten(blank):
    save_upload("方案.txt", "第一版".encode(), blank)
    with pytest.raises(UnsupportedFile) as err:
        save_upload("方案.txt", "第二版".encode(), blank)
    assert "同名" in err.value.zh
    assert (blank.corpus_dir / "方案.txt").read_text(encoding="utf-8") == "第一版"


def test_check_name_keeps_chinese_names_and_normalises_them():
    assert check_name(" 天津市方案（2023）.docx ") == "天津市方案（2023）.docx"
    assert check_name("e\u0301.txt") == "\u00e9.txt"


# ---------------------------------------------------------------- import_uploads / delete_document


def test_uploaded_gbk_document_is_ingested_and_answers_questions(indexed_copy):
    steps: list[tuple[float, str]] = []
    outcome = import_uploads(
        [(TIANJIN_NAME, TIANJIN.encode("gbk"))], indexed_copy, on_progress=lambda f, t: steps.append((f, t))
    )
    assert outcome.added == [TIANJIN_NAME] and not outcome.rejected, outcome
    assert steps[-1][0] == 1.0 and [f for f, _ in steps] == sorted(f for f, _ in steps), steps
    library = load_library(indexed_copy.index_dir)
    doc = next(d for d in library.documents.values() if d.source.endswith(TIANJIN_NAME))
    assert doc.meta.title == TIANJIN_TITLE and doc.meta.doc_number == "津教委〔2023〕12号"
    assert doc.meta.date == "2023-03-15"
    answer = ask("海河名师工作坊每学期要开展多少次示范课？", Retriever.open(indexed_copy))
    assert not answer.abstained, answer.answer
    assert answer.citations[0].doc_id == doc.doc_id, answer.to_json()
    assert "不少于8次示范课" in answer.answer


def test_a_bad_batch_member_is_removed_and_the_rest_are_ingested(indexed_copy):
    corpus_before = tree(indexed_copy.corpus_dir)
    library_before = load_library(indexed_copy.index_dir)
    good = "南开区学区制管理办法.html"
    html_doc = (
        "<html><head><title>南开区学区制管理办法</title><script>alert('x')</script></head><body>"
        "<h1>天津市南开区教育局关于印发南开区学区制管理办法的通知</h1>"
        "<p>一、学区划分</p><p>按照就近入学原则将全区学校划为六个学区，每个学区设学区长一名。</p>"
        "<p>二、运行机制</p><p>学区内实行课程共建、教研共进、设施共享。</p></body></html>"
    )
    outcome = import_uploads(
        [
            ("伪装.txt", b"MZ\x90\x00" + b"\x00" * 64),  # an executable with a text suffix
            ("../逃逸.txt", TIANJIN.encode("utf-8")),
            ("压缩包.zip", b"PK\x03\x04" + b"\x00" * 64),
            (good, html_doc.encode("utf-8")),
            ("副本.html", html_doc.encode("utf-8")),  # the same content again
        ],
        indexed_copy,
    )
    assert outcome.added == [good], outcome
    refused = dict(outcome.rejected)
    assert set(refused) == {"伪装.txt", "../逃逸.txt", "压缩包.zip", "副本.html"}, refused
    assert "二进制" in refused["伪装.txt"] and "路径" in refused["../逃逸.txt"]
    assert "内容相同" in refused["副本.html"]
    corpus_after = tree(indexed_copy.corpus_dir)
    assert set(corpus_after) - set(corpus_before) == {good}, "only the good file may stay in the corpus folder"
    assert all(corpus_after[name] == data for name, data in corpus_before.items()), "existing files unchanged"
    assert not (indexed_copy.corpus_dir.parent / "逃逸.txt").exists()
    library = load_library(indexed_copy.index_dir)
    assert set(library.documents) - set(library_before.documents) == {
        d.doc_id for d in library.documents.values() if d.source.endswith(good)
    }


def test_delete_document_removes_it_from_index_and_folder(indexed_copy):
    outcome = import_uploads([("待删除的方案.txt", TIANJIN.replace("70%", "75%").encode("gbk"))], indexed_copy)
    assert outcome.added == ["待删除的方案.txt"], outcome
    library = load_library(indexed_copy.index_dir)
    doc = next(d for d in library.documents.values() if d.source.endswith("待删除的方案.txt"))
    removed = delete_document(doc.doc_id, indexed_copy)
    assert removed.doc_id == doc.doc_id
    assert doc.doc_id not in load_library(indexed_copy.index_dir).documents
    assert not (indexed_copy.corpus_dir / "待删除的方案.txt").exists()
    with pytest.raises(PolicyError) as err:
        delete_document(doc.doc_id, indexed_copy)
    assert CJK.search(err.value.zh)
