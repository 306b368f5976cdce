"""The NLP stage: `Annotator.annotate(docs)` fills `Document.annotations`.

Per document: language (subject and text), pattern and rule entities on the
whole text, spaCy NER on the first `NER_MAX_CHARS` characters of English text
only, sentiment, complaint probability and category (subject included).
Entity offsets index `Document.text`; the e-mail subject is analysed but never
tagged. English documents of a batch go through spaCy `nlp.pipe` together; the
model loads once per process (`nlp.entities.load_english_ner`).
"""

from __future__ import annotations

from collections.abc import Iterator

from core.document import Annotations, Document, Entity
from nlp.category import categorize
from nlp.complaint import complaint_probability, is_complaint
from nlp.entities import entities_from_doc, find_pattern_entities, load_english_ner, merge_entities
from nlp.language import detect_language
from nlp.sentiment import sentiment_score

__all__ = ["NER_BATCH_SIZE", "NER_MAX_CHARS", "Annotator", "annotate_text"]

NER_MAX_CHARS = 100_000  # beyond this NER costs seconds per document and adds names nobody searches
NER_BATCH_SIZE = 32


class Annotator:
    """Annotates batches of documents; `english_ner=False` skips spaCy entirely."""

    def __init__(self, *, english_ner: bool = True) -> None:
        self._english_ner = english_ner

    def annotate(self, docs: list[Document]) -> None:
        """Set `doc.annotations` for every document of the batch."""
        texts = [doc.text for doc in docs]
        subjects = [doc.email.subject if doc.email else "" for doc in docs]
        languages = [detect_language(_with_subject(t, s)) for t, s in zip(texts, subjects, strict=True)]
        ner = self._ner_entities([t for t, lang in zip(texts, languages, strict=True) if lang == "en"])
        for doc, text, subject, language in zip(docs, texts, subjects, languages, strict=True):
            doc.annotations = _annotations(text, subject, language, next(ner) if language == "en" else [])

    def _ner_entities(self, texts: list[str]) -> Iterator[list[Entity]]:
        """spaCy entities of each English text, in order; empty lists when NER is off."""
        if not self._english_ner or not texts:
            return iter([[] for _ in texts])
        nlp = load_english_ner()
        capped = (text[:NER_MAX_CHARS] for text in texts)
        return (entities_from_doc(doc) for doc in nlp.pipe(capped, batch_size=NER_BATCH_SIZE))


def annotate_text(text: str, subject: str = "") -> Annotations:
    """Annotations of a bare text (and optional e-mail subject), English NER included."""
    language = detect_language(_with_subject(text, subject))
    ner = entities_from_doc(load_english_ner()(text[:NER_MAX_CHARS])) if language == "en" else []
    return _annotations(text, subject, language, ner)


def _with_subject(text: str, subject: str) -> str:
    return f"{subject}\n\n{text}" if subject else text


def _annotations(text: str, subject: str, language: str | None, ner: list[Entity]) -> Annotations:
    entities = merge_entities(find_pattern_entities(text) + ner)
    sentiment = sentiment_score(_with_subject(text, subject), language)
    probability = complaint_probability(text, subject, sentiment)
    return Annotations(
        language=language,
        entities=entities,
        sentiment=round(sentiment, 4),
        complaint=is_complaint(probability),
        complaint_probability=round(probability, 4),
        category=categorize(text, subject, probability),
    )
