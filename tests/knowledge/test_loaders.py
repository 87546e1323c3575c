from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loaders.botocore_docs import load_service
from knowledge.loaders.files import LoadError, iter_files, load_file
from knowledge.loaders.markdown import markdown_sections
from knowledge.loaders.plaintext import text_sections
from knowledge.passage import KIND_API, KIND_FILE, KIND_GUIDE, KIND_NOTE

FIXTURES = Path(__file__).parents[1] / "fixtures"
GUIDE_PAGE = FIXTURES / "docs" / "sagemaker-developer-guide" / "doc_source" / "training-roles.md"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text, xref offsets computed so pypdf reads it cleanly."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_markdown_keeps_headings_as_sections_with_line_numbers() -> None:
    title, sections = markdown_sections(GUIDE_PAGE.read_text(), "fallback")
    assert title == "Give SageMaker access to training data"
    paths = [s.headings for s in sections]
    assert ("Give SageMaker access to training data", "Permissions the execution role needs") in paths
    spot = next(s for s in sections if s.headings[-1] == "Managed Spot Training")
    lines = GUIDE_PAGE.read_text().split("\n")
    assert spot.line_start is not None and spot.line_end is not None
    assert "Managed Spot Training" in "\n".join(lines[spot.line_start - 1 : spot.line_end])


def test_markdown_unescapes_punctuation_and_ignores_headings_in_code() -> None:
    _, sections = markdown_sections(GUIDE_PAGE.read_text(), "x")
    text = "\n".join(s.text for s in sections)
    assert "on-demand instances." in text and "\\-" not in text and "\\." not in text
    assert "# not a heading" in text
    assert not any("not a heading" in h for s in sections for h in s.headings)


def test_marp_deck_becomes_one_section_per_slide_without_directives() -> None:
    title, sections = markdown_sections((FIXTURES / "notes" / "deck.md").read_text(), "deck")
    assert title == "MLOps Deck"
    assert [s.headings[0] for s in sections] == ["1. MLOps Deck", "2. モデルモニター", "3. まとめ"]
    monitor = sections[1].text
    assert "話者ノート" in monitor and "<!--" not in monitor and "w:800" not in monitor
    assert "_class" not in sections[0].text


def test_slide_transcript_becomes_readable_slides() -> None:
    title, sections = text_sections((FIXTURES / "notes" / "transcript.txt").read_text(), "t")
    assert title == "Study Session"
    assert len(sections) == 4
    inference = sections[1]
    assert inference.headings == ("2. SageMaker の推論タイプ",)
    assert "- 非同期推論" in inference.text.split("\n")
    assert inference.line_start == 11 and inference.line_end == 13


def test_plain_text_without_slides_is_kept_as_paragraphs() -> None:
    _, sections = text_sections("First paragraph.\n\nSecond paragraph.", "plain")
    assert len(sections) == 1 and sections[0].line_start == 1


def test_guide_page_gets_its_public_url_and_service() -> None:
    doc = load_file(GUIDE_PAGE)
    assert doc.kind == KIND_GUIDE and doc.service == "sagemaker"
    assert doc.url == "https://docs.aws.amazon.com/sagemaker/latest/dg/training-roles.html"


def test_note_sections_link_to_the_page_they_summarise() -> None:
    doc = load_file(FIXTURES / "notes" / "spot.md", kind=KIND_NOTE)
    urls = {s.headings[-1]: s.url for s in doc.sections}
    assert urls["概要"] == "https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html"
    assert urls["推論のコスト"] is None


def test_html_page_keeps_headings_and_drops_navigation(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Spot - Amazon SageMaker</title>"
        '<link rel="canonical" href="https://docs.aws.amazon.com/sagemaker/latest/dg/spot.html"></head>'
        "<body><nav>Home | Products</nav><div id='main-col-body'><h1>Managed Spot Training</h1>"
        "<p>Spot training saves up to 90 percent of the cost of training.</p>"
        "<h2>Checkpoints</h2><ul><li>Save checkpoints to Amazon S3 so jobs resume.</li></ul></div>"
        "<script>alert('x')</script></body></html>"
    )
    doc = load_file(page)
    assert doc.title == "Spot"
    assert doc.url == "https://docs.aws.amazon.com/sagemaker/latest/dg/spot.html"
    assert ("Managed Spot Training", "Checkpoints") in [s.headings for s in doc.sections]
    text = " ".join(s.text for s in doc.sections)
    assert "Products" not in text and "alert" not in text


def test_pdf_pages_are_sections_with_page_numbers(tmp_path: Path) -> None:
    pdf = tmp_path / "whitepaper.pdf"
    pdf.write_bytes(minimal_pdf("SageMaker assumes an execution role"))
    doc = load_file(pdf)
    assert doc.kind == KIND_FILE
    assert doc.sections[0].page == 1 and "execution role" in doc.sections[0].text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("empty.md", b"   \n\n", "no text"),
        ("data.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("blank.html", b"<html><body><script>x()</script></body></html>", "no text"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_path_and_empty_folder_are_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        list(iter_files(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match="no Markdown"):
        list(iter_files(tmp_path / "empty"))


def test_botocore_operations_become_titled_passages_with_api_urls() -> None:
    doc = load_service("translate")
    assert doc.kind == KIND_API and doc.service == "translate"
    op = next(s for s in doc.sections if s.headings == ("Operations", "TranslateText"))
    assert op.title == "Amazon Translate — TranslateText"
    assert op.url == "https://docs.aws.amazon.com/translate/latest/APIReference/API_TranslateText.html"
    assert "Request parameters:" in op.text and "SourceLanguageCode" in op.text
    assert "<p>" not in op.text and "&lt;" not in op.text


def test_botocore_service_without_known_reference_links_to_boto3() -> None:
    doc = load_service("lakeformation")
    op = next(s for s in doc.sections if s.headings[0] == "Operations")
    assert op.url is not None and op.url.startswith("https://boto3.amazonaws.com/")
