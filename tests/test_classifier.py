"""The classifier: normalization, tokenization, a small deterministic training run, model files, the CLI."""

from __future__ import annotations

import dataclasses
import json
import lzma
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from cchc import MIRRORS_DIR
from cchc.mirrors import article_pages
from classifier import DEFAULT_MODEL_DIR, ModelError, load
from classifier.dataset import (
    POOL_CHARS,
    REAL_LABELS,
    Example,
    Pool,
    Reading,
    documents,
    plan_phrases,
    reserved_ids,
    second_readings,
    training_examples,
    unlabeled_pool,
    written_examples,
)
from classifier.embeddings import join_collocations
from classifier.evaluation import agreement, area_agreement, ranking, score
from classifier.features import LEAD_CHARS, Concepts, DocumentVectors, PhraseCounts, words_and_bigrams
from classifier.model import RELEVANCE, CchcModel
from classifier.modelfile import METADATA_FILE, save, taxonomy_hash
from classifier.text import document, normalize, normalize_phrase
from classifier.tokens import tokenize
from classifier.training import split_evaluation, split_examples, train
from config import load_plan, load_sources, load_taxonomy
from crawler.extraction import decode_html, extract_article
from crawler.labeling import classify_articles
from search import Article
from tests.conftest import SHARED_DIR, run_cchc

TAXONOMY = load_taxonomy()
AREAS = [a.id for a in TAXONOMY.areas]
TOPICS = [t.id for t in TAXONOMY.topics]
CCHC_TEXT = {
    "id": "a1",
    "title": "Nghệ An rút ngắn thời gian giải quyết thủ tục hành chính tại bộ phận một cửa",
    "lead": "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hồ sơ trực tuyến, trả kết quả đúng hạn.",
    "text": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99%, người dân không phải đi lại nhiều lần để làm thủ tục.",
}
SPORT_TEXT = {
    "id": "s1",
    "title": "Sông Lam Nghệ An thắng đậm trên sân nhà Vinh",
    "text": "Đội bóng xứ Nghệ giành ba điểm quý giá trong trận đấu tối qua trước hàng vạn cổ động viên.",
}


def test_normalize_composes_and_places_tone_marks() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà bình  và\u00a0thuỷ lợi")
    assert normalize(decomposed) == "Hòa bình và thủy lợi"
    assert normalize("Tiêu đề\nẢnh: Thành Duy\n  \nNội dung") == "Tiêu đề\nNội dung"
    assert normalize("") == ""


def test_features_read_syllables_and_bigrams_without_punctuation() -> None:
    tokens = words_and_bigrams(normalize("Trung tâm Phục vụ hành chính công tỉnh đạt 91,36 điểm."))
    assert "trung tâm" in tokens and "hành chính" in tokens and "hành" in tokens
    assert "." not in tokens and all(t == t.lower() for t in tokens)
    assert any("0" in t and "9" not in t for t in tokens)


def test_concepts_put_articles_of_one_area_nearer_each_other_than_other_news() -> None:
    written = [e for e in written_examples(TAXONOMY) if not e.relevant or len((e.labels or set()) & set(AREAS)) == 1]
    concepts = Concepts(components=40).fit(documents(written))
    assert concepts.directions_.shape == (40, len(concepts.vectorizer_.vocabulary_))
    assert concepts.directions_.dtype == np.int8
    Z = concepts.transform(documents(written)).toarray()
    assert np.allclose(np.linalg.norm(Z, axis=1), 1.0, atol=1e-3)
    similarity = Z @ Z.T
    area = [next(iter(e.labels & set(AREAS))) if e.relevant else "" for e in written]
    for a in AREAS:
        inside = [i for i, x in enumerate(area) if x == a]
        other_news = [i for i, x in enumerate(area) if not x]
        within = similarity[np.ix_(inside, inside)][~np.eye(len(inside), dtype=bool)].mean()
        assert within > similarity[np.ix_(inside, other_news)].mean() + 0.1, a


def test_concepts_fit_a_tiny_training_set_and_an_empty_text() -> None:
    concepts = Concepts(components=150, min_df=1).fit(["một cửa liên thông", "một cửa điện tử", "bóng đá"])
    assert concepts.directions_.shape[0] == 2  # fewer rows than asked: TruncatedSVD needs k < rows and columns
    Z = concepts.transform(["một cửa", "", "xyz"]).toarray()
    assert Z.shape == (3, 2) and np.isclose(np.linalg.norm(Z[0]), 1.0) and not Z[1].any() and not Z[2].any()
    assert list(Concepts(components=0, min_df=1).fit(["a b", "a c"]).get_feature_names_out()) == []


def test_collocations_are_joined_as_gensim_joins_them() -> None:
    from gensim.models.phrases import Phrases

    rng = np.random.default_rng(47)
    vocabulary = ["một", "cửa", "hành", "chính", "công", "dịch", "vụ", "trực", "tuyến", "và", "của", "các", "dân"]
    sentences = [["một", "cửa", "hành", "chính"] * 3 + list(rng.choice(vocabulary, 12)) for _ in range(60)]
    phrases = Phrases(sentences, min_count=5, threshold=0.3, delimiter=" ")
    collocations = frozenset(phrases.export_phrases())
    assert {"một cửa", "cửa hành", "hành chính"} <= collocations  # overlapping pairs: read left to right
    frozen = phrases.freeze()
    for sentence in [*sentences[:20], ["một", "một", "cửa", "cửa"], ["cửa"], []]:
        assert join_collocations(sentence, collocations) == frozen[sentence]


def test_document_vectors_bring_words_of_the_same_contexts_together() -> None:
    """ "giấy phép" and "chứng nhận" never share a text here, only their neighbours: their texts' vectors come near,
    while "bóng đá", in other neighbours, stays apart (random word vectors would put all three at ~0)."""
    rng = np.random.default_rng(47)
    office = ["người", "dân", "nộp", "hồ", "sơ", "xin", "cấp", "tại", "bộ", "phận", "tiếp", "nhận", "huyện"]
    sport = ["đội", "tuyển", "thắng", "trận", "sân", "vận", "động", "cúp", "khán", "giả", "cầu", "thủ", "tỉnh"]
    sentences = []
    for n in range(1500):
        context, words = (
            (office, ["giấy", "phép"] if n % 3 == 0 else ["chứng", "nhận"]) if n % 3 < 2 else (sport, ["bóng", "đá"])
        )
        sentences.append([*map(str, rng.choice(context, 5)), *words, *map(str, rng.choice(context, 5))])
    vectors = DocumentVectors(size=30).learn(sentences)
    assert vectors.rows_.dtype == np.int8 and vectors.rows_.shape == (len(vectors.index_), 30)
    assert {"giấy", "phép", "chứng", "nhận", "bóng", "đá"} <= set(vectors.index_)
    permit, certificate, football = vectors.fit([]).transform(["giấy phép", "Chứng nhận", "bóng đá"]).toarray()
    assert np.allclose([np.linalg.norm(permit), np.linalg.norm(football)], 1.0, atol=1e-3)
    assert permit @ certificate > 0.5 and permit @ certificate > football @ permit + 0.3
    unknown = vectors.transform(["", "xyzxyz qwqw"]).toarray()
    assert unknown.shape == (2, 30) and not unknown.any()
    with pytest.raises(ValueError, match="learn"):
        DocumentVectors().fit(["giấy phép"])


def test_document_vectors_are_the_same_in_every_process() -> None:
    """The same texts give the same vectors, in another process too (another str hash seed): `make model` rebuilds
    the committed model. Enough words for several Word2Vec jobs, which more than one thread would interleave."""
    script = (
        "import hashlib, random; from classifier.features import DocumentVectors;"
        "words = 'một cửa hành chính công dịch vụ trực tuyến người dân hồ sơ thủ tục cấp phép'.split();"
        "rng = random.Random(1); s = [[rng.choice(words) for _ in range(30)] for _ in range(2000)];"
        "print(hashlib.sha256(DocumentVectors(size=20).learn(s).rows_.tobytes()).hexdigest())"
    )
    digests = {
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
                       capture_output=True, text=True).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(digests) == 1


def test_unlabeled_pool_draws_from_every_corpus_and_never_a_reserved_article(tmp_path: Path) -> None:
    def write(path: Path, records: list[dict]) -> None:
        path.parent.mkdir(parents=True)
        with lzma.open(path, "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)

    long_text = "Một cửa liên thông. " * 400
    write(
        tmp_path / "vntc10" / "train.jsonl.xz",
        [{"id": f"v{i}", "title": f"Tin {i}", "text": long_text} for i in range(4)],
    )
    write(tmp_path / "unc-dantri" / "unc_dantri.jsonl.xz", [{"id": 7, "title": "Thể thao", "text": "Bóng đá."}])
    (tmp_path / "reserved-for-evaluation.txt").write_text("# held out\nvntc:v0\nvntc:v1\n", encoding="utf-8")
    pool = unlabeled_pool(tmp_path, per_corpus=1)
    assert pool.corpora == ["unc-dantri", "vntc10"]
    assert pool.docs[0] == document("Thể thao", "", "Bóng đá.")
    assert pool.docs[1] in {document(f"Tin {i}", "", long_text, max_chars=POOL_CHARS) for i in (2, 3)}
    assert len(pool.docs[1]) < len(document("Tin 2", "", long_text))
    every = unlabeled_pool(tmp_path, per_corpus=10)
    assert sorted(d.split("\n")[0] for d in every.docs) == ["Thể thao", "Tin 2", "Tin 3"]
    assert unlabeled_pool(tmp_path / "absent") == Pool([], [])


def test_written_data_is_valid_and_covers_every_label() -> None:
    examples = written_examples(TAXONOMY)
    assert len(examples) >= 400
    assert len({e.id for e in examples}) == len(examples)
    relevant = [e for e in examples if e.relevant]
    assert 0.3 < len(relevant) / len(examples) < 0.7
    for label in AREAS + TOPICS:
        assert sum(label in e.labels for e in relevant) >= 10, label
    assert all(not e.labels for e in examples if not e.relevant)


def test_real_labels_hold_no_text_and_no_reserved_article() -> None:
    lines = [json.loads(line) for line in REAL_LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all({"set", "id", "relevant", "areas", "topics"} <= set(r) <= {"set", "id", "relevant", "areas", "topics",
               "stance"} for r in lines)  # fmt: skip
    assert all(r["stance"] in ("praise", "criticism", "neutral") for r in lines if "stance" in r)
    assert all("stance" not in r for r in lines if not r["relevant"])
    reserved = reserved_ids(SHARED_DIR / "data")
    assert not {f"{r['set']}:{r['id']}" for r in lines} & reserved
    assert all(bool(r["areas"]) == r["relevant"] for r in lines)


def test_second_readings_are_of_labeled_articles_both_verdicts_kept() -> None:
    readings = second_readings(TAXONOMY)
    labeled = {f"{r['set']}:{r['id']}" for r in map(json.loads, REAL_LABELS.read_text(encoding="utf-8").splitlines())}
    assert len(readings) >= 300 and {key for key, _, _ in readings} <= labeled
    assert not {key for key, _, _ in readings} & reserved_ids(SHARED_DIR / "data")
    assert all(bool(r.areas) == r.relevant for _, first, second in readings for r in (first, second))


def test_reader_agreement_is_weighted_back_to_the_corpus_mix() -> None:
    """A sample of 10 relevant and 10 others stands for a corpus of 100 relevant and 900 others: the second reader
    kept 9 of 10 relevant verdicts (90 found, 10 missed) and 8 of 10 others (180 of the 900 added), F1 180 / 370."""
    cong_vu, none = Reading(True, frozenset({"cong_vu"})), Reading(False, frozenset())
    pairs = [(cong_vu, cong_vu)] * 9 + [(cong_vu, none)] + [(none, none)] * 8 + [(none, cong_vu)] * 2
    a = agreement("x", pairs, relevant=100, others=900)
    assert (a.read, a.relevant_kept, a.others_kept, a.f1) == (20, 0.9, 0.8, round(180 / 370, 4))
    assert agreement("x", pairs, relevant=100, others=0).f1 == round(180 / 190, 4)


def test_ranking_does_not_depend_on_a_threshold() -> None:
    """Scores 0.9 0.8 0.7 0.6 0.3 0.2 for gold yes no yes yes no no: of the 9 (relevant, other) pairs, 7 are in order
    (AUC 7/9); precision at each relevant article 1, 2/3, 3/4 (AP 29/36); the best threshold is 0.6, where all 3 are
    found among 4 (F1 6/7). Shifting every score changes none of it, while F1 at a fixed 0.5 moves."""
    gold, scores = [True, False, True, True, False, False], [0.9, 0.8, 0.7, 0.6, 0.3, 0.2]
    k = ranking(gold, scores)
    expected = (round(7 / 9, 4), round(29 / 36, 4), round(6 / 7, 4), 0.6)
    assert (k.auc, k.average_precision, k.best_f1, k.best_threshold) == expected
    shifted = ranking(gold, [s - 0.25 for s in scores])
    assert (shifted.auc, shifted.average_precision, shifted.best_f1) == (k.auc, k.average_precision, k.best_f1)
    at_half = [score("relevant", gold, [s - shift >= 0.5 for s in scores]).f1 for shift in (0, 0.25)]
    assert at_half == [round(6 / 7, 4), round(2 / 5, 4)]
    assert ranking([True, True], [0.2, 0.9]) is None and ranking([False], [0.1]) is None


def test_area_agreement_counts_only_articles_both_read_as_relevant() -> None:
    def read(*areas: str) -> Reading:
        return Reading(bool(areas), frozenset(areas))

    pairs = [(read("thu_tuc"), read("thu_tuc", "chinh_quyen_so")), (read("cong_vu"), read("cong_vu")),
             (read("the_che"), read())]  # fmt: skip
    # thu_tuc 1.0 and cong_vu 1.0; chinh_quyen_so only in the second reading (no support); the_che not read twice
    assert area_agreement(pairs, AREAS) == 1.0
    assert area_agreement([(read("thu_tuc"), read("cong_vu"))], AREAS) == 0.0


@pytest.mark.skipif(not (SHARED_DIR / "data" / "vn-provincial-news").is_dir(), reason="../shared/data is absent")
def test_training_set_never_contains_a_reserved_article() -> None:
    examples = training_examples(TAXONOMY, SHARED_DIR / "data")
    assert {e.origin for e in examples} >= {"written", "real", "seed", "background"}
    assert not {e.id for e in examples} & reserved_ids(SHARED_DIR / "data")


def test_training_set_builds_without_shared_data(tmp_path: Path) -> None:
    examples = training_examples(TAXONOMY, tmp_path)
    assert {e.origin for e in examples} == {"written", "seed"}


@pytest.fixture(scope="module")
def small_run():
    """A quick training run on half the written texts, twice with one seed."""
    examples = written_examples(TAXONOMY)[::2]
    params = {"max_words": 5000, "max_opening": 5000}
    return examples, train(examples, AREAS, TOPICS, seed=7, **params), train(examples, AREAS, TOPICS, seed=7, **params)


def test_training_is_deterministic(small_run) -> None:
    examples, first, second = small_run
    docs = documents(examples[:20])
    assert first.model.thresholds_ == second.model.thresholds_
    assert first.model.scores(docs) == second.model.scores(docs)
    assert first.reports == second.reports


def test_split_keeps_weak_and_written_labels_out_of_evaluation() -> None:
    gold = [Example(f"g{i}", "t", "", "x", i % 2 == 0, frozenset(), "real") for i in range(40)]
    written = [Example(f"w{i}", "t", "", "x", i % 2 == 0, frozenset(), "written") for i in range(20)]
    weak = [Example(f"s{i}", "t", "", "x", True, None, "seed") for i in range(5)]
    split = split_examples(gold + written + weak, seed=1)
    assert all(e.origin == "real" for e in split.test)
    assert len(split.test) == 6 and sum(e.relevant for e in split.test) == 3
    assert {e.id for e in split.train} >= {e.id for e in weak + written}


def test_small_model_learns_and_explains(small_run) -> None:
    _, result, _ = small_run
    model: CchcModel = result.model
    assert result.reports["test"].relevance.f1 > 0.7
    (cchc, sport) = model.predict(documents([Example("a", **_fields(CCHC_TEXT)), Example("s", **_fields(SPORT_TEXT))]))
    assert cchc.relevant and "thu_tuc" in cchc.areas
    assert not sport.relevant and sport.areas == () and sport.topics == ()
    terms = [term for term, _ in model.explain(normalize(CCHC_TEXT["title"]), RELEVANCE)]
    assert terms and all(" " in t or t.isalpha() for t in terms)


def _fields(record: dict) -> dict:
    return {"title": record["title"], "lead": record.get("lead", ""), "text": record["text"], "relevant": True,
            "labels": frozenset(), "origin": "written"}  # fmt: skip


def test_model_files_round_trip_and_refuse_another_taxonomy(small_run, tmp_path: Path) -> None:
    _, result, _ = small_run
    meta = save(result.model, tmp_path / "m", TAXONOMY, {"training_data_hash": "x"})
    assert meta["taxonomy_hash"] == taxonomy_hash(TAXONOMY)
    assert {"scikit-learn", "underthesea", "numpy"} <= set(meta["libraries"])
    loaded = load(tmp_path / "m", TAXONOMY)
    docs = documents(written_examples(TAXONOMY)[:5])
    assert loaded.model.scores(docs) == result.model.scores(docs)
    changed = TAXONOMY.model_copy(update={"plan": "another plan"})
    with pytest.raises(ModelError, match="retrain with `make model`"):
        load(tmp_path / "m", changed)
    (tmp_path / "m" / METADATA_FILE).write_text("{broken", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable metadata"):
        load(tmp_path / "m", TAXONOMY)
    with pytest.raises(ModelError, match="not a model directory"):
        load(tmp_path, TAXONOMY)


def test_default_model_is_committed_small_and_current() -> None:
    loaded = load(DEFAULT_MODEL_DIR, TAXONOMY)
    # The cap is 20 MB; the guard stays near the model's size (9 MB with its word vectors) so growth shows.
    assert (DEFAULT_MODEL_DIR / "model.joblib").stat().st_size < 12 * 1024 * 1024
    held_out = loaded.metadata["metrics"]  # one report per labeled corpus, scored by a model that never saw it
    assert set(held_out) == {"tc201805-baomoi", "uit-vion", "unc-dantri", "vn-provincial-news", "vntc10"}
    assert all(report["relevance"]["f1"] > 0.65 for report in held_out.values()), held_out
    assert loaded.metadata["examples"]["written"] < 0.3 * sum(loaded.metadata["examples"].values())
    assert loaded.metadata["training_data_hash"]


def _jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_classify_formats(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", [CCHC_TEXT, SPORT_TEXT])
    result = run_cchc("classify", "--input", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == ["a1", "s1"]
    assert set(out[0]) == {"id", "relevant", "relevance", "stance", "areas", "topics", "scores"}
    assert out[0]["relevant"] is True and out[1]["relevant"] is False
    assert 0 <= out[1]["relevance"] <= 1 and out[1]["areas"] == []
    assert set(out[0]["scores"]) == {"relevant", *AREAS, *TOPICS}
    explained = run_cchc("classify", "--input", str(source), "--explain")
    first = json.loads(explained.stdout.splitlines()[0])
    assert first["explain"]["relevant"] and set(first["explain"]) == {"relevant", *first["areas"], *first["topics"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "title": "a", "text": "b"}\n{not json\n', "in.jsonl:2: not JSON"),
        ('{"id": 1, "text": "b"}\n', "in.jsonl:1: missing title"),
        ('[1, 2]\n', "in.jsonl:1: expected a JSON object"),
        ('{"id": 1, "title": 5, "text": "b"}\n', "in.jsonl:1: title must be text"),
    ],
)  # fmt: skip
def test_cli_classify_bad_input_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "in.jsonl").write_text(content, encoding="utf-8")
    result = run_cchc("classify", "--input", "in.jsonl", "--output", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists(), "a failed run must not leave a partial output file"


def test_cli_evaluate_json(tmp_path: Path) -> None:
    gold = [
        {**CCHC_TEXT, "relevant": True, "areas": ["thu_tuc"], "topics": ["nguoi_dan"]},
        {**SPORT_TEXT, "relevant": False, "areas": []},
    ]
    result = run_cchc("evaluate", "--gold", str(_jsonl(tmp_path / "gold.jsonl", gold)), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["relevance"]["f1"] == 1.0
    assert [s["label"] for s in report["areas"]] == AREAS
    assert "macro_f1_areas" in report and report["examples"] == 2
    human = run_cchc("evaluate", "--gold", str(tmp_path / "gold.jsonl"))
    assert "macro F1" in human.stdout
    bad = run_cchc("evaluate", "--gold", str(_jsonl(tmp_path / "bad.jsonl", [{**gold[0], "areas": ["nope"]}])))
    assert bad.returncode == 1 and "unknown label ids ['nope']" in bad.stderr


def test_leave_one_corpus_out_never_fits_on_the_corpus_it_tests(monkeypatch) -> None:
    from classifier import training

    written = written_examples(TAXONOMY)[::3]
    real = [
        Example(f"{s}:{i}", f"{e.title} ({s} {i})", e.lead, e.text, e.relevant, e.labels, "real")
        for s, chunk in (("vntc", written[:40]), ("unc", written[40:80]), ("tc201805", written[80:100]))
        for i, e in enumerate(chunk)
    ]
    real.append(Example("uit_vion:1", "t", "", "x", False, frozenset(), "real"))  # one kind only: not held out
    seen: list[set[str]] = []
    pools: list[set[str]] = []
    original = CchcModel._fit_estimators

    def spy(model, data, unlabeled, say):
        seen.append(set(data.docs))
        pools.append({" ".join(tokens) for tokens in unlabeled})
        return original(model, data, unlabeled, say)

    monkeypatch.setattr(CchcModel, "_fit_estimators", spy)
    examples = written[100:] + real
    corpora = ["tc201805-baomoi", "unc-dantri", "vntc10"]
    # Unlabeled texts of each corpus (the word vectors' pool): a fold that leaves a corpus out leaves them out too.
    pooled = {c: {f"bài chưa gán nhãn {c} số {word}" for word in ("một", "hai", "ba")} for c in corpora}
    pool = Pool([doc for c in corpora for doc in sorted(pooled[c])], [c for c in corpora for _ in pooled[c]])
    result = training.train(examples, AREAS, TOPICS, pool=pool, max_words=3000, max_opening=3000)
    assert list(result.reports) == corpora and len(seen) == len(corpora) + 1
    prefixes = {"tc201805-baomoi": "tc201805:", "unc-dantri": "unc:", "vntc10": "vntc:"}
    for corpus, docs, unlabeled in zip(corpora, seen, pools, strict=False):
        held = [e for e in real if e.id.startswith(prefixes[corpus])]
        assert not {e.document() for e in held} & docs  # not the article, nor its title-less copy
        assert not {e.document() for e in training.augmented(held)} & docs
        assert {e.document() for e in written[100:]} <= docs
        assert result.reports[corpus].examples == len(held)
        others = [c for c in corpora if c != corpus]
        assert {" ".join(tokenize(d)) for c in others for d in pooled[c]} == unlabeled
    assert {e.document() for e in examples} <= seen[-1]  # the model kept is fit on everything
    assert {" ".join(tokenize(d)) for c in corpora for d in pooled[c]} == pools[-1]
    assert set(result.model.thresholds_) == {RELEVANCE, *AREAS, *TOPICS}
    assert clone(result.model).get_params() == result.model.get_params()


def test_the_usual_split_is_also_reported_per_corpus_it_was_trained_on() -> None:
    written = written_examples(TAXONOMY)[::3]
    real = [
        Example(f"{s}:{i}", f"{e.title} ({s} {i})", e.lead, e.text, e.relevant, e.labels, "real")
        for s, chunk in (("vntc", written[:50]), ("unc", written[50:100]))
        for i, e in enumerate(chunk)
    ]
    # One kind only (no F1 to speak of): in the pooled figures, not reported apart.
    real += [
        Example(f"uit_vion:{i}", f"Tin thể thao {i}", "", "Bóng đá.", False, frozenset(), "real") for i in range(8)
    ]
    params = {"max_words": 3000, "max_opening": 3000, "vectors": 0}
    split, _, reports = split_evaluation(written[100:] + real, AREAS, TOPICS, seed=3, per_corpus=True, **params)
    corpora = {"unc-dantri": "unc:", "vntc10": "vntc:"}
    assert list(reports) == ["validation", *(f"validation: {c}" for c in corpora), "test",
                             *(f"test: {c}" for c in corpora)]  # fmt: skip
    test_ids = {e.id for e in split.test}
    parts = {"validation": [e for e in real if e.id not in test_ids], "test": split.test}
    for part, held in parts.items():
        apart = [reports[f"{part}: {c}"] for c in corpora]
        assert [r.examples for r in apart] == [sum(e.id.startswith(p) for e in held) for p in corpora.values()]
        others = sum(e.id.startswith("uit_vion:") for e in held)
        assert sum(r.examples for r in apart) + others == reports[part].examples
        assert sum(r.relevance.support for r in apart) == reports[part].relevance.support


def test_a_model_without_word_vectors_ignores_the_pool() -> None:
    examples = written_examples(TAXONOMY)[::4]
    docs, relevant, labels = documents(examples), [e.relevant for e in examples], [e.labels for e in examples]
    model = CchcModel(AREAS, TOPICS, max_words=3000, max_opening=3000, vectors=0)
    groups = ["vntc10" if i % 2 else "unc-dantri" for i in range(len(docs))]  # leave-one-corpus-out fits too
    model.fit(docs, relevant, labels, groups=groups, tune=[True] * len(docs), pool=["Bài chưa gán nhãn."],
              pool_groups=["vntc10"])  # fmt: skip
    assert set(model.cv_scores_) == {"unc-dantri", "vntc10"}
    assert "vectors" not in dict(model.features_.transformer_list)
    assert len(model.predict(docs[:2])) == 2


def test_relevance_mixes_the_linear_model_with_two_models_of_the_dense_blocks() -> None:
    examples = written_examples(TAXONOMY)[::3]
    docs, relevant, labels = documents(examples), [e.relevant for e in examples], [e.labels for e in examples]
    params = {"max_words": 3000, "max_opening": 3000, "vectors": 0, "phrases": plan_phrases(TAXONOMY)}
    model = CchcModel(AREAS, TOPICS, relevance_mix=(0.5, 0.2, 0.3), **params).fit(docs, relevant, labels)
    blocks = dict(model.features_.transformer_list)
    words = len(blocks["words"].get_feature_names_out()) + len(blocks["opening"].get_feature_names_out())
    dense = len(blocks["phrases"].get_feature_names_out()) + len(blocks["concepts"].get_feature_names_out())
    assert list(model.dense_columns_) == list(range(words, words + dense))  # the phrases and concepts, no words
    assert [w for w, _ in model.dense_models_] == [0.2, 0.3]
    X = model.features(docs[:6])
    parts = [model.relevance_.predict_proba(X)[:, 1]]
    parts += [m.predict_proba(X[:, words:].toarray())[:, 1] for _, m in model.dense_models_]
    mixed = 0.5 * parts[0] + 0.2 * parts[1] + 0.3 * parts[2]
    assert [s[RELEVANCE] for s in model.scores(docs[:6])] == pytest.approx(list(mixed), abs=1e-6)
    assert not np.allclose(parts[0], mixed)
    linear = CchcModel(AREAS, TOPICS, relevance_mix=(1.0, 0.0, 0.0), **params).fit(docs, relevant, labels)
    assert linear.dense_models_ == []
    assert [s[RELEVANCE] for s in linear.scores(docs[:6])] == pytest.approx(
        list(linear.relevance_.predict_proba(linear.features(docs[:6]))[:, 1]), abs=1e-6
    )
    with pytest.raises(ValueError, match="relevance_mix"):
        CchcModel(AREAS, TOPICS, relevance_mix=(0.5, 0.5, 0.5), **params).fit(docs, relevant, labels)


def test_areas_mix_their_linear_models_with_one_network_of_the_dense_blocks() -> None:
    examples = written_examples(TAXONOMY)[::3]
    docs, relevant, labels = documents(examples), [e.relevant for e in examples], [e.labels for e in examples]
    params = {"max_words": 3000, "max_opening": 3000, "vectors": 0, "phrases": plan_phrases(TAXONOMY)}
    model = CchcModel(AREAS, TOPICS, label_network=0.3, **params).fit(docs, relevant, labels)
    learned, network = model.label_network_
    assert learned == tuple(model.label_models_) and {*AREAS} & {*learned} and {*TOPICS} & {*learned}
    X = model.features(docs[:6])
    outputs = network.predict_proba(X[:, model.dense_columns_].toarray())
    scores = model.scores(docs[:6])
    for j, label in enumerate(learned):
        linear = model.label_models_[label].predict_proba(X)[:, 1]
        expected = 0.7 * linear + 0.3 * outputs[:, j] if label in AREAS else linear  # topics: the linear model
        assert [s[label] for s in scores] == pytest.approx(list(expected), abs=1e-6), label
    assert not np.allclose(outputs[:, 0], model.label_models_[learned[0]].predict_proba(X)[:, 1])
    alone = CchcModel(AREAS, TOPICS, label_network=0.0, **params).fit(docs, relevant, labels)
    assert alone.label_network_ is None
    with pytest.raises(ValueError, match="label_network"):
        CchcModel(AREAS, TOPICS, label_network=1.5, **params).fit(docs, relevant, labels)


def test_thresholds_are_learned_in_fit_from_out_of_fold_scores() -> None:
    examples = written_examples(TAXONOMY)[::2]
    docs, relevant = documents(examples), [e.relevant for e in examples]
    labels = [e.labels for e in examples]
    untuned = CchcModel(AREAS, TOPICS, max_words=3000, max_opening=3000).fit(docs, relevant, labels)
    assert set(untuned.thresholds_.values()) == {0.5} and not untuned.cv_scores_
    tuned = CchcModel(AREAS, TOPICS, max_words=3000, max_opening=3000)
    tuned.fit(docs, relevant, labels, tune=[True] * len(docs))
    assert sorted(tuned.cv_scores_) == [f"fold-{n}" for n in range(1, 6)]
    held = np.concatenate([rows for rows, _ in tuned.cv_scores_.values()])
    assert sorted(held) == list(range(len(docs)))  # every tuned row scored once, out of fold
    pooled = [s for _, scores in tuned.cv_scores_.values() for s in scores]
    expected = tuned.tuned_thresholds(pooled, [relevant[i] for i in held], [labels[i] for i in held])
    assert tuned.thresholds_ == expected and set(expected.values()) != {0.5}


def test_a_threshold_sits_on_a_plateau_of_f1_not_on_a_spike() -> None:
    """Relevance scores: 4 relevant at 0.82 and 2 at 0.32, 6 others at 0.77 and 1 at 0.31. F1 is 0.8 at 0.80 alone
    (0.5 at 0.75, 0 at 0.85) and 12/19 at every grid point up to 0.30: the plateau wins, at its point nearest 0.5
    (0.25; 0.30 borders the 0.5 of 0.35)."""
    values = [0.82] * 4 + [0.32] * 2 + [0.77] * 6 + [0.31]
    relevant = [True] * 6 + [False] * 7
    model = CchcModel(AREAS, TOPICS)
    thresholds = model.tuned_thresholds([{RELEVANCE: v} for v in values], relevant, [frozenset()] * len(values))
    assert thresholds[RELEVANCE] == 0.25
    assert set(thresholds.values()) == {0.25, 0.5}  # no area has a relevant row to learn from


def test_model_learns_a_stance_only_for_relevant_articles() -> None:
    examples = written_examples(TAXONOMY)[::2]
    praise = "Mô hình hay, sáng kiến hiệu quả được người dân đánh giá cao, biểu dương, khen thưởng."
    blame = "Người dân bức xúc vì hồ sơ trễ hẹn, cán bộ nhũng nhiễu, gây phiền hà, bị phê bình, kiểm điểm."
    stances = ["praise" if i % 3 == 0 else "criticism" if i % 3 == 1 else "neutral" for i in range(len(examples))]
    docs = [
        e.document() + "\n" + (praise if s == "praise" else blame if s == "criticism" else "")
        for e, s in zip(examples, stances, strict=True)
    ]
    model = CchcModel(AREAS, TOPICS, max_words=5000, max_opening=5000).fit(
        docs, [e.relevant for e in examples], [e.labels for e in examples],
        stances=[s if e.relevant else None for e, s in zip(examples, stances, strict=True)],
    )  # fmt: skip
    predictions = model.predict(docs)
    relevant = [(p, s) for p, e, s in zip(predictions, examples, stances, strict=True) if e.relevant and p.relevant]
    assert sum(p.stance == s for p, s in relevant) / len(relevant) > 0.8
    assert all(p.stance is None for p in predictions if not p.relevant)


def test_items_of_the_plans_named_column_are_relevant_whatever_their_score() -> None:
    """Plan 47 names the portal's "Dân hỏi - Cơ quan chức năng trả lời" among its CCHC columns."""
    loaded = load(DEFAULT_MODEL_DIR, load_taxonomy())
    column = load_plan().qa_column
    asked = Article(
        id="qa", url="https://www.nghean.gov.vn/qa", canonical_url="https://www.nghean.gov.vn/qa",
        source=column.source, channel="provincial_portal", section=column.section,
        title="Nghỉ việc có được nhận trợ cấp một lần?", text="Bạn đọc hỏi về mức hưởng trợ cấp theo số năm đã đóng.",
    )  # fmt: skip
    elsewhere = dataclasses.replace(asked, id="news", section="Tin tức")
    in_column, outside = classify_articles(loaded, [asked, elsewhere], column)
    assert not outside.relevant and outside.relevance < loaded.model.thresholds_[RELEVANCE]
    assert in_column.relevant and in_column.areas and in_column.relevance == outside.relevance  # the score is kept


def test_phrase_counts_are_what_the_alternations_of_the_phrases_find() -> None:
    counts = PhraseCounts(plan_phrases(TAXONOMY)).fit([])
    alternations = [
        re.compile("|".join(sorted({re.escape(normalize_phrase(p).lower()) for p in phrases}, key=len, reverse=True)))
        for _, phrases in counts.groups
    ]  # fmt: skip
    source = load_sources().get("baonghean")
    docs = [document(p.title, p.lead, p.text).lower() for p in (
        extract_article(decode_html(path.read_bytes()), url, source.cms)
        for url, path in article_pages(MIRRORS_DIR, source)
    )]  # fmt: skip
    alternatives = [a.replace("\\", "") for p in alternations for a in p.pattern.split("|") if a]
    # Phrases side by side, one cut at the opening's end, one inside a longer one, and nothing at all.
    docs += [" ".join(alternatives), "x" * (LEAD_CHARS - 5) + " " + alternatives[0], "a" + alternatives[-1] + "s", ""]
    found = 0
    for trie, pattern in zip(counts.patterns_, alternations, strict=True):
        for doc in docs:
            assert len(trie.findall(doc)) == len(pattern.findall(doc)), (pattern.pattern, doc[:80])
            assert bool(trie.search(doc, 0, LEAD_CHARS)) == bool(pattern.search(doc, 0, LEAD_CHARS)), pattern.pattern
            found += len(trie.findall(doc)) > 0
    assert found > len(alternations)


def test_every_plan_phrase_is_counted_and_nothing_else() -> None:
    # "theo dõi tình hình thi hành pháp luật" once normalized to nothing (a "Theo ..." source line), and the
    # empty alternative then counted every character of every document.
    counts = PhraseCounts(plan_phrases(TAXONOMY)).fit([])
    for (group, phrases), pattern in zip(counts.groups, counts.patterns_, strict=True):
        assert not pattern.findall("") and not pattern.search("xin chào", 0, LEAD_CHARS), group
        for phrase in phrases:
            assert pattern.findall(normalize(phrase).lower() or phrase.lower()), (group, phrase)
