"""`cchc classify`, `cchc train`, `cchc evaluate`, `cchc reclassify`: the content-area classifier."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import Progress

from cchc import SHARED_DATA_DIR
from cchc.options import echo_json, json_option, store_option
from classifier import DEFAULT_MODEL_DIR
from classifier.dataset import DataError, Example, data_hash, plan_phrases, training_examples, unlabeled_pool
from classifier.evaluation import Report
from classifier.evaluation import evaluate as evaluate_model
from classifier.places import PlaceMatcher
from classifier.text import document
from config import load_places, load_plan, load_taxonomy
from search import open_store
from search.batching import batched
from search.limits import MAX_INPUT_LINE_BYTES

# The model's modules (scikit-learn: a second to import) are imported by the commands that use them, so that
# `--help` and input errors do not wait for them.
if TYPE_CHECKING:
    from classifier import LoadedModel

BATCH = 256
model_option = click.option(
    "--model", "model_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_MODEL_DIR,
    show_default=True, help="Thư mục mô hình (model.joblib + metadata.json). Chỉ nạp mô hình bạn tin cậy.",
)  # fmt: skip


def _load_model(model_dir: Path) -> LoadedModel:
    from classifier import load

    return load(model_dir, load_taxonomy())


def read_jsonl(handle: IO[Any], name: str, required: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Records of a JSONL stream, read one bounded line at a time; a bad line is a DataError naming file:line."""
    number = 0
    while line := handle.readline(MAX_INPUT_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_INPUT_LINE_BYTES:
            raise DataError(f"{name}:{number}: line longer than {MAX_INPUT_LINE_BYTES} bytes: refused")
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{name}:{number}: not UTF-8 text (expected JSON Lines)") from None
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{name}:{number}: not JSON ({exc.msg})") from None
        except RecursionError:
            raise DataError(f"{name}:{number}: JSON nested too deeply") from None
        if not isinstance(record, dict):
            raise DataError(f"{name}:{number}: expected a JSON object")
        missing = [key for key in required if key not in record]
        if missing:
            raise DataError(f"{name}:{number}: missing {', '.join(missing)}")
        bad = [key for key in ("title", "text", "lead") if key in record and not isinstance(record[key], str)]
        if bad:
            raise DataError(f"{name}:{number}: {', '.join(bad)} must be text")
        yield record


@click.command()
@click.option(
    "--input", "input_file", type=click.File("rb"), required=True,
    help=f"Tệp JSONL, hoặc - để đọc từ stdin; đọc lần lượt, mỗi dòng tối đa {MAX_INPUT_LINE_BYTES} byte.",
)  # fmt: skip
@click.option("--output", "output_file", type=click.File("w", encoding="utf-8", atomic=True), default="-",
              help="Tệp JSONL để ghi (mặc định: stdout).")  # fmt: skip
@click.option("--explain", is_flag=True, help="Kèm các từ ngữ dẫn tới mỗi nhãn được gán.")
@model_option
def classify(input_file: IO[str], output_file: IO[str], explain: bool, model_dir: Path) -> None:
    """Gán nhãn cho bài viết: có về CCHC không, lĩnh vực, chủ đề; mỗi dòng vào một đối tượng JSON, ra một đối tượng.

    Mỗi dòng vào cần id, title, text (lead không bắt buộc). Mỗi dòng ra: id, relevant, relevance, areas, topics,
    scores.

    \b
    Ví dụ:
      cchc classify --input articles.jsonl --output tagged.jsonl
      echo '{"id": "1", "title": "Cải cách thủ tục hành chính", "text": "..."}' | cchc classify --input - --explain
    """
    from classifier.model import RELEVANCE

    loaded = _load_model(model_dir)
    records = read_jsonl(input_file, input_file.name, ("id", "title", "text"))
    counts: Counter[str] = Counter()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Đang phân loại", total=None)
        for batch in batched(records, BATCH):
            docs = [document(r["title"], r.get("lead", ""), r["text"]) for r in batch]
            for record, doc, p in zip(batch, docs, loaded.model.predict(docs), strict=True):
                out: dict[str, Any] = {
                    "id": record["id"], "relevant": p.relevant, "relevance": p.relevance,
                    "areas": list(p.areas), "topics": list(p.topics), "stance": p.stance, "scores": p.scores,
                }  # fmt: skip
                if explain:
                    given = [RELEVANCE] if p.relevant else []
                    out["explain"] = {
                        label: loaded.model.explain(doc, label) for label in [*given, *p.areas, *p.topics]
                    }
                output_file.write(json.dumps(out, ensure_ascii=False) + "\n")
                counts["relevant" if p.relevant else "not"] += 1
            progress.advance(task, len(batch))
    click.echo(f"Đã phân loại {sum(counts.values())} bài: {counts['relevant']} về CCHC.", err=True)


def _human_examples(store_url: str | None) -> list[Example]:
    if not store_url:
        return []
    with open_store(store_url) as store:
        return [
            Example(f"human:{a.id}", a.title, a.lead, a.text, bool(a.relevant),
                    frozenset(a.areas) | frozenset(a.topics), "human", stance=a.stance if a.relevant else None)
            for a in store.iter_articles(label_source="human")
        ]  # fmt: skip


REPORT_TITLES = {"validation": "Kiểm tra trên tập kiểm định (validation)", "test": "Kiểm tra trên tập thử (test)"}


def _print_report(title: str, report: Report) -> None:
    click.echo(f"\n{title} ({report.examples} bài)")
    click.echo(f"  {'nhãn':<16} {'P':>6} {'R':>6} {'F1':>6} {'số bài':>7}")
    for s in (report.relevance, *report.areas, *report.topics):
        click.echo(f"  {s.label:<16} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.support:>7}")
    click.echo(f"  macro F1 lĩnh vực: {report.macro_f1_areas:.3f} · chủ đề: {report.macro_f1_topics:.3f}")
    if report.ranking:
        k = report.ranking
        click.echo(f"  xếp hạng (không phụ thuộc ngưỡng): AUC {k.auc:.3f} · AP {k.average_precision:.3f}"
                   f" · F1 tốt nhất {k.best_f1:.3f} ở ngưỡng {k.best_threshold:.2f}")  # fmt: skip


@click.command()
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_MODEL_DIR,
              show_default=True, help="Thư mục ghi mô hình.")  # fmt: skip
@click.option(
    "--shared-data", type=click.Path(file_okay=False, path_type=Path), default=SHARED_DATA_DIR, show_default=True,
    envvar="CCHC_SHARED_DATA",
    help="../shared/data: bài viết thật đã gán nhãn và bài chưa gán nhãn để học vectơ từ (không bắt buộc).",
)  # fmt: skip
@click.option("--human-from", "store_url", default=None,
              help="URL kho lưu trữ có các nhãn do người sửa, đưa thêm vào dữ liệu.")  # fmt: skip
@click.option("--seed", type=int, default=47, show_default=True,
              help="Hạt giống ngẫu nhiên (để huấn luyện lặp lại được).")  # fmt: skip
def train(output_dir: Path, shared_data: Path, store_url: str | None, seed: int) -> None:
    """Huấn luyện bộ phân loại trên dữ liệu đã gán nhãn và ghi ra một thư mục mô hình.

    \b
    Ví dụ:
      cchc train                                   # dựng lại mô hình mặc định (make model)
      cchc train --output /tmp/model --human-from sqlite:///data/cchc.db
    """
    from classifier.modelfile import save
    from classifier.training import train as train_model

    taxonomy = load_taxonomy()
    examples = training_examples(taxonomy, shared_data, _human_examples(store_url))
    origins = Counter(e.origin for e in examples)
    click.echo("Dữ liệu: " + ", ".join(f"{n} {o}" for o, n in sorted(origins.items())), err=True)
    result = train_model(
        examples, [a.id for a in taxonomy.areas], [t.id for t in taxonomy.topics], seed=seed,
        progress=lambda step: click.echo(f"… {step}", err=True), pool=unlabeled_pool(shared_data),
        phrases=plan_phrases(taxonomy),
    )  # fmt: skip
    meta = save(
        result.model, output_dir, taxonomy,
        {"training_data_hash": data_hash(examples), "examples": dict(origins), "sizes": result.sizes,
         "seed": seed, "metrics": {name: report.to_json() for name, report in result.reports.items()},
         "shared_data_used": bool(origins.get("real"))},
    )  # fmt: skip
    for name, report in result.reports.items():
        _print_report(REPORT_TITLES.get(name, f"Kiểm tra trên kho {name} (mô hình chưa thấy kho này)"), report)
    click.echo(f"\nĐã lưu mô hình {meta['version']} vào {output_dir}")


@click.command()
@click.option("--gold", "gold_file", type=click.File("rb"), required=True,
              help="Tệp JSONL có id, title, text, relevant, areas (topics không bắt buộc).")  # fmt: skip
@model_option
@json_option
def evaluate(gold_file: IO[str], model_dir: Path, as_json: bool) -> None:
    """Độ chính xác (precision), độ phủ (recall), F1 theo từng nhãn và macro F1 của một mô hình trên tệp JSONL chuẩn.

    \b
    Ví dụ:
      cchc evaluate --gold gold.jsonl --json
    """
    loaded = _load_model(model_dir)
    taxonomy = load_taxonomy()
    known = {a.id for a in taxonomy.areas} | {t.id for t in taxonomy.topics}
    gold = []
    for r in read_jsonl(gold_file, gold_file.name, ("id", "title", "text", "relevant", "areas")):
        labels = frozenset(r["areas"]) | frozenset(r.get("topics") or ())
        if labels - known:
            raise DataError(f"{gold_file.name}: {r['id']}: unknown label ids {sorted(labels - known)}")
        gold.append(
            Example(str(r["id"]), r["title"], r.get("lead", ""), r["text"], bool(r["relevant"]), labels, "gold")
        )
    if not gold:
        raise DataError(f"{gold_file.name}: no gold examples")
    report = evaluate_model(loaded.model, gold)
    if as_json:
        echo_json({"model": loaded.version, **report.to_json()})
    else:
        _print_report(f"Mô hình {loaded.version}", report)


@click.command()
@store_option
@model_option
@click.option("--include-human", is_flag=True, help="Ghi đè cả những nhãn do người đã sửa.")
def reclassify(store_url: str, model_dir: Path, include_human: bool) -> None:
    """Gán nhãn lại mọi bài trong kho bằng một mô hình (mới) và danh mục địa danh; giữ nguyên nhãn do người sửa.

    \b
    Ví dụ:
      cchc reclassify --store sqlite:///data/cchc.db --model /tmp/model
    """
    from crawler.labeling import relabel_store

    loaded = _load_model(model_dir)
    matcher = PlaceMatcher(load_places())
    with open_store(store_url) as store, Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("Đang phân loại lại", total=store.stats().total)
        counts = relabel_store(
            store, loaded, matcher, load_plan().qa_column, include_human, lambda n: progress.advance(task, n)
        )
    click.echo(
        f"Mô hình {loaded.version}: {counts['relevant']} bài về CCHC, {counts['not']} bài khác,"
        f" {counts['human']} bài giữ nhãn do người sửa."
    )
