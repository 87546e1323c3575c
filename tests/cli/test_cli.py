from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AWSSTUDY_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_ingest_search_sources_contract(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "ingest", str(FIXTURES / "docs"), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["sources"] == 2 and summary["chunks_added"] > 0
    assert {"sources", "chunks_added", "chunks_skipped", "seconds"} <= set(summary)

    code, out, _ = run(capsys, "ingest", str(FIXTURES / "docs"), "--json")
    assert json.loads(out)["chunks_added"] == 0

    code, out, _ = run(capsys, "search", "S3 のバージョニングで削除したオブジェクトを戻せますか", "-k", "2", "--json")
    result = json.loads(out)
    assert code == 0 and set(result) == {"query", "query_en", "results", "timings_ms"}
    assert result["query_en"] and "versioning" in result["query_en"]
    assert len(result["results"]) == 2
    assert {"id", "source", "title", "location", "url", "section", "text", "score"} <= set(result["results"][0])

    code, out, _ = run(capsys, "sources", "--json")
    listed = json.loads(out)["sources"]
    assert {"id", "kind", "title", "location", "chunks"} <= set(listed[0]) and len(listed) == 2


def test_text_output_is_readable(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    run(capsys, "ingest", str(FIXTURES / "docs"))
    code, out, _ = run(capsys, "search", "Managed Spot Training", "-k", "1")
    assert code == 0 and out.startswith("[1] ") and "https://docs.aws.amazon.com/" in out


@pytest.mark.parametrize(
    ("argv", "code_name"),
    [
        (["search", "", "--json"], "bad_query"),
        (["search", "x" * 50_000, "--json"], "bad_query"),
        (["search", "anything", "--json"], "empty_index"),
        (["eval", "/no/such/file.jsonl", "--json"], "bad_input"),
        (["sources", "--remove", "file:/nope", "--json"], "not_found"),
    ],
)
def test_errors_are_one_line_and_json(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str], code_name: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code != 0
    assert json.loads(out)["error"]["code"] == code_name
    assert err.count("\n") == 1 and "Traceback" not in err


def test_ingest_of_missing_path_fails_with_a_message(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "ingest", "/no/such/folder", "--json")
    assert code == 1 and "no such file or folder" in json.loads(out)["errors"][0]


def test_eval_reports_hit_at_k_and_duplicates(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    run(capsys, "ingest", str(FIXTURES / "docs"))
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps(
            {
                "id": "a",
                "question": "S3 で削除したオブジェクトを復元するには？",
                "evidence": [["delete marker"]],
            },
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps({"id": "b", "question": "How much does Nova cost?", "route": "pricing"})
        + "\n"
    )
    code, out, _ = run(capsys, "eval", str(questions), "--json")
    report = json.loads(out)
    assert code == 0 and report["evidence_hit_at_k"] == 1.0 and report["duplicate_passages"] == 0
    assert report["with_evidence"] == 1 and report["latency_ms"]["p95"] is not None


def test_doctor_names_the_missing_index_and_its_fix(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert checks["tokenizer"]["ok"] and checks["embedding"]["ok"] and checks["html parser"]["ok"]
    assert not checks["index"]["ok"] and "awsstudy ingest" in checks["index"]["fix"]
    assert code == 1


def test_price_contract_and_cost(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "price", "DeepSeek-R1", "--json")
    price = json.loads(out)
    assert code == 0 and (price["input_per_1k"], price["output_per_1k"]) == (0.00135, 0.0054)
    assert {"model_id", "model_name", "region", "currency", "cost", "as_of", "source"} <= set(price)
    code, out, _ = run(
        capsys, "price", "deepseek r1", "--input-tokens", "200000", "--output-tokens", "100000", "--json"
    )
    assert json.loads(out)["cost"] == 0.81


def test_price_of_an_invented_model_lists_suggestions(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(capsys, "price", "Deepseak R9 Mega", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "unknown_model" and "closest" in error["message"]
    assert "DeepSeek" in err


def test_route_contract(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "route", "DeepSeek-R1 の料金は？", "--json")
    assert code == 0 and json.loads(out) == {"route": "pricing", "lang": "ja"}


def test_ask_contract_offline(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    run(capsys, "ingest", str(FIXTURES / "docs"))
    code, out, _ = run(capsys, "ask", "How do I restore a deleted object in a versioned bucket?", "--json")
    answer = json.loads(out)
    assert code == 0
    assert {"route", "lang", "answer", "citations", "provider", "model", "timings_ms"} <= set(answer)
    assert answer["route"] == "docs" and answer["provider"] == "extractive" and answer["citations"]
    assert {"n", "id", "title", "location", "url", "text"} <= set(answer["citations"][0])
    code, out, _ = run(
        capsys,
        "ask",
        "DeepSeek-R1 で 2,000 input + 1,000 output tokens, 100 requests an hour だといくら？",
        "--json",
    )
    priced = json.loads(out)
    assert priced["route"] == "pricing" and priced["price"]["cost"] == 0.81 and "0.81" in priced["answer"]


def test_quiz_json_then_stats(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    run(capsys, "ingest", str(Path(__file__).parents[2] / "knowledge" / "notes"), "--kind", "note")
    code, out, _ = run(
        capsys, "quiz", "--topic", "Amazon Bedrock Guardrails", "-n", "3", "--json",
        "--export-csv", str(tmp_path / "q.csv"), "--export-anki", str(tmp_path / "q.apkg"),
    )  # fmt: skip
    questions = json.loads(out)["questions"]
    assert code == 0 and len(questions) == 3
    for q in questions:
        assert {"id", "question", "options", "answer", "explanation", "citations", "domain"} <= set(q)
    assert (tmp_path / "q.csv").is_file() and (tmp_path / "q.apkg").is_file()
    code, out, _ = run(capsys, "quiz", "--stats", "--json")
    assert code == 0 and json.loads(out) == {"by_domain": {}, "due": 0}


def test_a_data_dir_that_is_a_file_or_cannot_be_made_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for where in (a_file, a_file / "below"):
        code, out, err = run(capsys, "--data-dir", str(where), "ask", "S3 とは？", "--json")
        assert code == 1 and json.loads(out)["error"]["code"] == "data_dir"
        assert err.count("\n") == 1 and "Traceback" not in err


def test_asking_an_empty_index_says_to_ingest(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(capsys, "ask", "S3 とは？", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "empty_index" and "awsstudy ingest" in err


def test_a_pasted_practice_question_through_ask(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    run(capsys, "ingest", str(FIXTURES / "docs"), "--json")
    pasted = (
        "A team trains models on SageMaker. Which identity should training use to read S3?\n"
        "A. An IAM user with access keys\nB. An execution role passed as RoleArn\nC. The root user\nD. None"
    )
    code, out, _ = run(capsys, "ask", pasted, "--provider", "extractive", "--json")
    result = json.loads(out)
    assert code == 0 and result["route"] == "docs"
    practice = result["practice"]
    assert practice["answer"] is None and [o["label"] for o in practice["options"]] == ["A", "B", "C", "D"]
    assert all(o["citations"] for o in practice["options"])
