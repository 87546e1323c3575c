from __future__ import annotations

from knowledge.passage import Section, SourceDocument
from knowledge.splitter import merge_small_sections, split_document
from knowledge.tokens import count_tokens


def doc(sections: list[Section]) -> SourceDocument:
    return SourceDocument("file:/x.md", "file", "Doc", "/x.md", sections, content_hash="h")


def test_long_section_is_cut_under_the_token_limit_with_overlap() -> None:
    paragraphs = [f"Paragraph {n} explains how SageMaker training jobs read data from Amazon S3." for n in range(60)]
    text = "\n\n".join(paragraphs)
    passages = split_document(doc([Section(text, ("Guide", "Training"), 1, 119)]), max_tokens=120, overlap_tokens=30)
    assert len(passages) > 5
    assert all(count_tokens(p.text) <= 120 for p in passages)
    first_tail = passages[0].text.split("\n\n")[-1]
    assert passages[1].text.startswith(first_tail)  # the overlap carries the last paragraph over
    assert passages[0].section == "Guide > Training"
    assert passages[0].line_start == 1 and passages[-1].line_end == 119
    assert passages[1].location.startswith("/x.md:L")


def test_paragraph_without_sentence_breaks_is_cut_by_tokens() -> None:
    text = "x" * 5000
    passages = split_document(doc([Section(text, (), 1, 1)]), max_tokens=100, overlap_tokens=0)
    assert all(count_tokens(p.text) <= 100 for p in passages) and len(passages) > 1


def test_japanese_sentences_are_split_at_maru() -> None:
    text = "".join(f"SageMaker のジョブ {n} は実行ロールを引き受けて S3 にアクセスします。" for n in range(40))
    passages = split_document(doc([Section(text, (), 1, 1)]), max_tokens=80, overlap_tokens=0)
    assert len(passages) > 1 and all(p.text.endswith("。") for p in passages)


def test_bare_heading_sections_fold_into_the_next_section() -> None:
    sections = [
        Section("Topics", ("Guide",), 1, 2),
        Section(
            "A long enough body about Managed Spot Training and checkpoints in Amazon S3 " * 3,
            ("Guide", "Spot"),
            3,
            9,
        ),
    ]
    merged = merge_small_sections(sections, min_tokens=20)
    assert len(merged) == 1
    assert merged[0].text.startswith("Topics\n\nA long") and merged[0].line_start == 1


def test_same_text_gives_same_ids_and_other_sources_get_other_ids() -> None:
    section = Section("SageMaker assumes the execution role to access S3 during training jobs.", ("A",), 1, 1)
    a = split_document(doc([section]))
    b = split_document(doc([section]))
    other = split_document(SourceDocument("file:/y.md", "file", "Doc", "/y.md", [section], content_hash="h"))
    assert [p.id for p in a] == [p.id for p in b]
    assert a[0].id != other[0].id
