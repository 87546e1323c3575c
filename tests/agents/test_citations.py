"""Citations mean what they say: exactly the passages cited, in order of first use, one per source."""

from __future__ import annotations

from agents.answer import number_citations
from knowledge.passage import Passage


def passage(n: int, url: str | None = None, kind: str = "aws-guide") -> Passage:
    return Passage(id=f"p{n}", source_id="s", kind=kind, title=f"T{n}", text=f"text {n}", location=f"f:{n}", url=url)


def test_numbers_follow_first_use_and_only_cited_passages_are_listed() -> None:
    passages = [passage(1, "u1"), passage(2, "u2"), passage(3, "u3")]
    text, citations = number_citations("First [3]. Then [1]. Again [3].", passages)
    assert text == "First [1]. Then [2]. Again [1]."
    assert [(c["n"], c["id"]) for c in citations] == [(1, "p3"), (2, "p1")]


def test_an_answer_that_cites_nothing_lists_no_citations() -> None:
    text, citations = number_citations("No numbers here.", [passage(1), passage(2)])
    assert text == "No numbers here." and citations == []


def test_out_of_range_numbers_are_removed() -> None:
    text, citations = number_citations("Claim [9]. Other [1].", [passage(1, "u1")])
    assert text == "Claim . Other [1]." and len(citations) == 1


def test_two_passages_of_one_page_share_one_number() -> None:
    passages = [passage(1, "same"), passage(2, "same"), passage(3, "other")]
    text, citations = number_citations("A [1][2]. B [3]. C [2].", passages)
    assert text == "A [1]. B [2]. C [1]."
    assert [c["url"] for c in citations] == ["same", "other"]


def test_a_note_citation_says_it_is_a_note() -> None:
    _, citations = number_citations("[1]", [passage(1, kind="note")])
    assert citations[0]["kind"] == "note"
