"""Exam-style practice questions, generated from retrieved passages and cited.

Without a model the questions are built from the passages themselves: a passage that names a
concept of our catalogue (tools/data/quiz_concepts.tsv) becomes a scenario question or a
fill-in-the-term question about it, with distractors drawn from sibling concepts of the same
category. With a model, drafts come back as structured output and go through the same checks;
an invalid draft is repaired once or dropped, never shown.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from knowledge.keyword_tokens import keyword_tokens
from knowledge.passage import Passage
from prompts import load_prompt
from tools.quiz_model import QuestionType, QuizQuestion, distinct, validate
from tools.quiz_store import ProgressStore
from tools.retrieval import HybridRetriever
from tools.translate import Glossary, default_glossary, english_search_query

CONCEPTS_FILE = Path(__file__).parent / "data" / "quiz_concepts.tsv"
CATEGORY_LABELS = {
    "deployment": ("SageMaker のデプロイ・推論の方式", "SageMaker deployment and inference options"),
    "guardrails": ("Amazon Bedrock Guardrails のポリシー", "Amazon Bedrock Guardrails policies"),
    "metrics": ("モデルの評価指標", "model evaluation metrics"),
    "ai-services": ("AWS の AI サービス", "AWS AI services"),
    "sagemaker": ("SageMaker の機能", "SageMaker features"),
    "data": ("データの取り込み・変換・保存のサービス", "data ingestion, transformation and storage services"),
    "security": ("セキュリティとガバナンスの仕組み", "security and governance features"),
    "bedrock": ("Amazon Bedrock の機能", "Amazon Bedrock features"),
    "customization": ("基盤モデルのカスタマイズ手法", "foundation model customization techniques"),
}
EXAM_DOMAINS = {
    "AIF-C01": ["AI と ML の基礎", "基盤モデルの応用", "責任ある AI のガイドライン",
                "セキュリティ、コンプライアンス、ガバナンス"],
    "MLA-C01": ["ML のためのデータ準備", "ML モデルの開発", "デプロイとオーケストレーション",
                "ML ソリューションのモニタリング、保守、セキュリティ"],
}  # fmt: skip


@dataclass(frozen=True)
class Concept:
    category: str
    name: str
    description: str
    domain: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def load_concepts(glossary: Glossary | None = None) -> tuple[Concept, ...]:
    glossary = glossary or default_glossary()
    out = []
    for line in CONCEPTS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, name, description, domain = line.split("\t")
        japanese = tuple(ja for ja, en in glossary.entries.items() if en.lower() == name.lower() and len(ja) > 2)
        short = re.sub(r"^(Amazon|AWS|SageMaker) ", "", name)
        aliases = tuple(dict.fromkeys([name, *([short] if len(short) > 5 else []), *japanese]))
        out.append(Concept(category, name, description, domain, aliases))
    return tuple(out)


def _mentions(text: str, concept: Concept) -> re.Match[str] | None:
    for alias in concept.aliases:
        match = re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text, re.I)
        if match:
            return match
    return None


_CODE = re.compile(r"[=\[\]{}<>`|]|\w\(|→")


def _support_sentence(passage: Passage, concept: Concept) -> str | None:
    """A prose sentence of the passage that names the concept (no code, links or table rows)."""
    for sentence in re.split(r"(?<=[。.!?])\s+|(?<=。)|\n+", passage.text):
        sentence = sentence.strip(" -+*•")
        prose = not _CODE.search(sentence) and "http" not in sentence and len(re.findall(r"\w+", sentence)) >= 5
        if prose and 30 <= len(sentence) <= 320 and _mentions(sentence, concept):
            return sentence
    return None


def _defines(sentence: str, concept: Concept) -> bool:
    """The sentence says what the concept is or does ("X is ...", "X を使うと", "X は ...")."""
    for alias in concept.aliases:
        verbs = r"is|are|lets|helps|provides|enables|allows|uses|can|detects|monitors|は|とは|を使うと|では"
        pattern = rf"{re.escape(alias)}\)?\s*(?:{verbs})"
        if re.search(pattern, sentence, re.I):
            return True
    return False


def _citation(n: int, passage: Passage) -> dict[str, Any]:
    return {"n": n, "id": passage.id, "title": passage.title, "location": passage.location,
            "url": passage.url, "text": passage.text}  # fmt: skip


class QuizGenerator:
    def __init__(
        self,
        retriever: HybridRetriever,
        model: BaseChatModel | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.retriever = retriever
        self.model = model
        self.glossary = glossary or default_glossary()
        self.concepts = load_concepts()

    def generate(
        self, topic: str, n: int = 5, lang: str = "ja", seen: Sequence[str] = (), seed: int | None = None
    ) -> list[QuizQuestion]:
        topic = topic.strip() or "AWS machine learning"
        passages = [r.passage for r in self.retriever.search(
            topic, k=20, query_en=english_search_query(topic, self.glossary)).results]  # fmt: skip
        known = {p.id for p in passages}
        rng = random.Random(seed if seed is not None else hash((topic, len(seen))) & 0xFFFF)
        drafts: list[QuizQuestion] = []
        if self.model is not None:
            drafts += self._from_model(topic, passages, n, lang, known)
        drafts += self._from_passages(topic, passages, n * 3, lang, rng)
        valid = distinct([q.with_id() for q in drafts if not validate(q, known)])
        fresh = distinct(valid, seen)
        # questions the learner saw recently only fill what fresh ones cannot
        return (fresh + [q for q in valid if q not in fresh])[:n]

    # -- without a model ---------------------------------------------------------------------

    def _from_passages(
        self, topic: str, passages: list[Passage], limit: int, lang: str, rng: random.Random
    ) -> list[QuizQuestion]:
        pairs: list[tuple[Passage, Concept, str]] = []
        for passage in passages:
            for concept in self.concepts:
                sentence = _support_sentence(passage, concept)
                if sentence and not any(c.name == concept.name for _, c, _ in pairs):
                    pairs.append((passage, concept, sentence))
        # concepts that share the most terms with the topic first; ties keep the retrieval order
        wanted = self._terms(topic)
        pairs.sort(key=lambda item: -len(wanted & self._concept_terms(item[1])))
        questions: list[QuizQuestion] = []
        for passage, concept, sentence in pairs:
            if len(questions) >= limit:
                break
            question = self._scenario(topic, passage, concept, sentence, lang, rng)
            if question is not None:
                questions.append(question)
            if _defines(sentence, concept):
                question = self._fill_in(topic, passage, concept, sentence, lang, rng)
                if question is not None:
                    questions.append(question)
        multi = self._multiple_response(topic, pairs, lang, rng)
        if multi is not None:
            questions.insert(min(2, len(questions)), multi)
        return questions

    def _terms(self, text: str) -> set[str]:
        english = self.glossary.translate(text).text
        return set(keyword_tokens(text)) | set(keyword_tokens(english)) - {"amazon", "aws"}

    def _concept_terms(self, concept: Concept) -> set[str]:
        label_ja, label_en = CATEGORY_LABELS.get(concept.category, ("", ""))
        return self._terms(" ".join([*concept.aliases, concept.description, label_ja, label_en]))

    def _siblings(self, concept: Concept, exclude: str, count: int, rng: random.Random) -> list[Concept]:
        pool = [c for c in self.concepts if c.category == concept.category and c.name != concept.name
                and not _mentions(exclude, c)]  # fmt: skip
        rng.shuffle(pool)
        return pool[:count]

    def _options(
        self, right: list[Concept], wrong: list[Concept], rng: random.Random
    ) -> tuple[list[Concept], list[int]]:
        options = right + wrong
        rng.shuffle(options)
        return options, sorted(options.index(c) for c in right)

    def _explain(self, right: list[Concept], wrong: list[Concept], sentence: str, lang: str) -> str:
        if lang == "ja":
            lines = [f"正解: {', '.join(c.name for c in right)}。"]
            lines += [f"- {c.name}: {c.description}（正しい）" for c in right]
            lines += [f"- {c.name}: {c.description}（この問いの答えではない）" for c in wrong]
            lines.append(f"\n根拠 [1]: 「{sentence}」")
        else:
            lines = [f"Answer: {', '.join(c.name for c in right)}."]
            lines += [f"- {c.name}: right — {c.description}" for c in right]
            lines += [f"- {c.name}: not the answer — {c.description}" for c in wrong]
            lines.append(f'\nSource [1]: "{sentence}"')
        return "\n".join(lines)

    def _scenario(self, topic: str, passage: Passage, concept: Concept, sentence: str, lang: str,
                  rng: random.Random) -> QuizQuestion | None:  # fmt: skip
        wrong = self._siblings(concept, sentence, 3, rng)
        if len(wrong) < 3:
            return None
        options, answer = self._options([concept], wrong, rng)
        if lang == "ja":
            stem = f"ある企業は、次の要件を満たす方法を探しています：「{concept.description}」。どれを選ぶべきですか？"
        else:
            stem = f'A company needs the following: "{concept.description}". Which should it use?'
        return QuizQuestion(type="single", question=stem, options=[c.name for c in options], answer=answer,
                            explanation=self._explain([concept], wrong, sentence, lang),
                            citations=[_citation(1, passage)], domain=concept.domain, topic=topic)  # fmt: skip

    def _fill_in(self, topic: str, passage: Passage, concept: Concept, sentence: str, lang: str,
                 rng: random.Random) -> QuizQuestion | None:  # fmt: skip
        match = _mentions(sentence, concept)
        wrong = self._siblings(concept, sentence, 3, rng)
        if match is None or len(wrong) < 3:
            return None
        blanked = sentence[: match.start()] + "＿＿＿" + sentence[match.end() :]
        if lang == "ja":
            stem = f"{passage.title} の説明です。「＿＿＿」に入るものはどれですか？\n「{blanked}」"
        else:
            stem = f'From "{passage.title}": which term fills the blank?\n"{blanked}"'
        options, answer = self._options([concept], wrong, rng)
        return QuizQuestion(type="single", question=stem, options=[c.name for c in options], answer=answer,
                            explanation=self._explain([concept], wrong, sentence, lang),
                            citations=[_citation(1, passage)], domain=concept.domain, topic=topic)  # fmt: skip

    def _multiple_response(self, topic: str, pairs: list[tuple[Passage, Concept, str]], lang: str,
                           rng: random.Random) -> QuizQuestion | None:  # fmt: skip
        by_category: dict[str, list[tuple[Passage, Concept, str]]] = {}
        for pair in pairs:
            by_category.setdefault(pair[1].category, []).append(pair)
        category, members = max(by_category.items(), key=lambda kv: len(kv[1]), default=("", []))
        if len(members) < 2:
            return None
        chosen = members[:2]
        right = [c for _, c, _ in chosen]
        pool = [c for c in self.concepts if c.category != category]
        rng.shuffle(pool)
        wrong = pool[:3]
        options, answer = self._options(right, wrong, rng)
        label_ja, label_en = CATEGORY_LABELS.get(category, (category, category))
        stem = (f"次のうち、{label_ja}に当たるものを 2 つ選んでください。" if lang == "ja"
                else f"Which TWO of the following are {label_en}?")  # fmt: skip
        explanation = self._explain(right, wrong, chosen[0][2], lang)
        if lang == "ja":
            explanation += f"\n根拠 [2]: 「{chosen[1][2]}」"
        else:
            explanation += f'\nSource [2]: "{chosen[1][2]}"'
        return QuizQuestion(type="multiple", question=stem, options=[c.name for c in options], answer=answer,
                            explanation=explanation,
                            citations=[_citation(1, chosen[0][0]), _citation(2, chosen[1][0])],
                            domain=right[0].domain, topic=topic)  # fmt: skip

    # -- with a model --------------------------------------------------------------------------

    def _from_model(
        self, topic: str, passages: list[Passage], n: int, lang: str, known: set[str]
    ) -> list[QuizQuestion]:
        if not passages or self.model is None:
            return []
        documents = "\n\n".join(f'<document index="{i}">\n{p.text}\n</document>' for i, p in enumerate(passages[:8], 1))
        prompt = load_prompt(f"quiz_{lang}").replace("$n", str(n)).replace("$topic", topic)
        messages: list[Any] = [("system", prompt), ("human", f"<documents>\n{documents}\n</documents>")]
        try:
            structured = self.model.with_structured_output(QuizDraft)
            draft = structured.invoke(messages)
        except Exception:
            return []
        out = []
        for item in getattr(draft, "questions", []):
            question: QuizQuestion | None = _from_draft(item, passages, topic)
            problems = validate(question, known) if question else []
            if question is not None and problems:  # one repair, then drop
                question = self._repair(question, problems, passages, topic, known)
            if question is not None:
                out.append(question)
        return out

    def _repair(self, question: QuizQuestion, problems: list[str], passages: list[Passage], topic: str,
                known: set[str]) -> QuizQuestion | None:  # fmt: skip
        assert self.model is not None
        try:
            fixed = self.model.with_structured_output(DraftQuestion).invoke(
                [
                    ("system", load_prompt("quiz_repair")),
                    ("human", f"{question.model_dump_json()}\nProblems: {problems}"),
                ]
            )
        except Exception:
            return None
        if not isinstance(fixed, DraftQuestion):
            return None
        repaired = _from_draft(fixed, passages, topic)
        return repaired if not validate(repaired, known) else None


class DraftQuestion(BaseModel):
    type: str = Field(description="'single' (1 of 4) or 'multiple' (2 or 3 of 5)")
    question: str
    options: list[str]
    answer: list[int] = Field(description="0-based indices of the right options")
    explanation: str = Field(description="why each option is right or wrong")
    sources: list[int] = Field(description="1-based indices of the documents the question rests on")
    domain: str = ""


class QuizDraft(BaseModel):
    questions: list[DraftQuestion]


def _from_draft(item: DraftQuestion, passages: list[Passage], topic: str) -> QuizQuestion:
    cited = [_citation(i, passages[i - 1]) for i in item.sources if 1 <= i <= len(passages)]
    kind: QuestionType = "multiple" if item.type == "multiple" else "single"
    return QuizQuestion(type=kind, question=item.question, options=item.options, answer=item.answer,
                        explanation=item.explanation, citations=cited, domain=item.domain, topic=topic)  # fmt: skip


DEFAULT_TOPIC = "AWS 機械学習のサービス"


def compose_quiz(
    generator: QuizGenerator, store: ProgressStore, topic: str | None, exam: str | None, n: int, lang: str
) -> tuple[list[QuizQuestion], set[str]]:
    """Reviews due first, then fresh questions spread over the topic (or the exam's domains);
    returns the questions and the ids of those that are reviews."""
    reviews = store.due(limit=n)
    topics = [topic] if topic else EXAM_DOMAINS.get(exam or "", [DEFAULT_TOPIC])
    seen = store.recent_questions()
    want = -(-(n - len(reviews)) // len(topics))
    fresh = [q for t in topics for q in generator.generate(t, want, lang, seen=seen)]
    review_ids = {r.id for r in reviews}
    return (reviews + [q for q in fresh if q.id not in review_ids])[:n], review_ids


def quiz_summary(questions: list[QuizQuestion], lang: str) -> str:
    if not questions:
        return ("このトピックでは索引から問題を作れませんでした。別のトピックを試してください。" if lang == "ja"
                else "No questions could be built from the index for this topic; try another.")  # fmt: skip
    lines = [f"{len(questions)} 問を作りました。" if lang == "ja" else f"{len(questions)} questions:"]
    for n, q in enumerate(questions, start=1):
        lines.append(f"Q{n}. {q.question}")
        lines += [f"   {chr(65 + i)}. {o}" for i, o in enumerate(q.options)]
    return "\n".join(lines)


class QuizRequest(BaseModel):
    topic: str = Field(description="What to be quizzed on: a service, an exam domain, or a phrase.")
    n: int = Field(default=5, ge=1, le=20, description="How many questions.")


def make_quiz_tool(generator: QuizGenerator, lang: str = "ja") -> StructuredTool:
    def quiz(topic: str, n: int = 5) -> dict[str, Any]:
        return {"questions": [q.model_dump() for q in generator.generate(topic, n, lang)]}

    return StructuredTool.from_function(
        func=quiz,
        name="quiz",
        description=(
            "Generate exam-style questions (one of four, or two of five) grounded in the indexed "
            "documentation, each with its explanation and citations. Use it when the learner asks for "
            "practice questions, a quiz or a mock exam."
        ),
        args_schema=QuizRequest,
    )


_COUNT = re.compile(r"(\d{1,2})\s*(?:問|questions?|qs?\b)", re.I)
_REQUEST_WORDS = re.compile(
    r"(?:について|に関する|の)?(?:問題|クイズ|模擬問題|模擬試験|練習問題|確認問題)(?:を)?(?:\d+\s*問)?"
    r"(?:出して|作って|作成して|出題して|ください|解きたい)*(?:ください)?[。！!？?]*$"
    r"|^(?:quiz me on|test me on|give me \d* ?(?:practice )?questions? (?:on|about)|make an? .*?question about|"
    r"create a mock exam for|i want practice questions about|ask me questions about)\s*"
    r"|\d{1,2}\s*問|で私をテストして|の分野で私をテストして|についてクイズを作って|について腕試しさせて|腕試しさせて",
    re.I,
)


def quiz_request(question: str) -> tuple[str, int]:
    """The topic and the number of questions a quiz request asks for ("S3 の問題を10問出して" → S3, 10)."""
    count = _COUNT.search(question)
    n = max(1, min(int(count.group(1)), 20)) if count else 5
    topic = question.strip()
    for _ in range(3):
        topic = _REQUEST_WORDS.sub("", topic).strip(" 、。,")
    return topic or question.strip(), n
