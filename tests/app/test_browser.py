"""The running app in headless Chromium (Debian's package), driven by Playwright: a chat answer with an
opened citation, and a graded quiz question. Screenshots go to test-output/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import main
from tests.net import free_port, wait_for_port

ROOT = Path(__file__).parents[2]
OUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser") / "data"
    env = {**os.environ, "AWSSTUDY_DATA_DIR": str(data), "AWSSTUDY_PROVIDER": "extractive"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWSSTUDY_DATA_DIR", str(data))
        assert main(["ingest", str(ROOT / "tests" / "fixtures" / "docs"), "--json"]) == 0
        assert main(["ingest", str(ROOT / "knowledge" / "notes"), "--kind", "note", "--json"]) == 0
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    try:
        if not wait_for_port(port, 60):
            pytest.fail("streamlit did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(app_url)
        tab.get_by_text("AWS 認定試験 学習アシスタント").first.wait_for(timeout=90_000)
        yield tab
        browser.close()


def test_chat_answer_with_an_opened_citation(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    box = page.get_by_placeholder("質問を入力してください（日本語・英語）")
    box.fill("SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？")
    box.press("Enter")
    answer = page.get_by_text("必要ありません").first
    expect(answer).to_be_visible(timeout=60_000)
    page.locator("[data-testid='stExpander'] summary").first.click()
    expect(page.locator("mark").first).to_be_visible(timeout=10_000)
    page.screenshot(path=str(OUT / "chat-with-citation.png"), full_page=True)


def test_graded_quiz_question(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.get_by_text("📝 クイズ").click()
    page.get_by_label("トピック（空欄なら試験の分野から）").fill("SageMaker のデプロイ戦略")
    page.get_by_role("button", name="問題を作る").click()
    expect(page.get_by_text("Q1 / 5")).to_be_visible(timeout=60_000)
    page.locator("[data-testid='stRadio'] label, [data-testid='stCheckbox'] label").last.click()
    page.get_by_role("button", name="回答する").click()
    expect(page.get_by_text("正解").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(OUT / "quiz-graded.png"), full_page=True)
