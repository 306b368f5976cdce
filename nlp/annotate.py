"""The NLP stage: `Annotator.annotate(docs)` fills `Document.annotations`.

Per batch: language of each document (subject and text); pattern and rule
entities on the whole text; spaCy NER on the first `NER_MAX_CHARS` characters of
the English documents (`en_core_web_sm`) and of the Italian ones (Faldone's own
model, its spans combined with rules, identifiers and the customer registry by
`nlp.entities.italian`), one `nlp.pipe` per language, with code, markup and rules
blanked first (`nlp.prose`: no name is there, and it is most of a patch's tokens);
PERSON and ORG values linked to one form per person and company
(`nlp.entities.linking`); lexicon sentiment; one sentence-encoder call for the heads
of all documents that have text (`nlp.embedding.encoder_input`); the trained heads (`nlp.classifier`) give the
complaint probability, the category and a model sentiment, which is averaged
with the lexicon's for Italian and English (other languages score 0.0); finally
the customer registry links customers. Documents without letters skip NER, the
encoder and the heads.

Entity offsets index `Document.text`; the e-mail subject is analysed but never
tagged. A reply is read without the messages it answers (`nlp.quoted`): names,
sentiment, complaint and category come from what its sender wrote; languages, pattern
entities and customers from the whole text. Models load once per process. When the
sentence encoder is not installed the cue-based rules (`nlp.complaint`, `nlp.category`)
stand in, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.customers import CustomerRecord
from core.document import Annotations, Document, Entity
from nlp.blas import one_blas_thread
from nlp.category import categorize
from nlp.classifier import Prediction, load_weights, predict, stored_sentiment
from nlp.complaint import complaint_probability, is_complaint, is_explicit_complaint, is_informal_complaint
from nlp.corrections import apply_corrections
from nlp.customers import matcher_for
from nlp.embedding import embed, encoder_input
from nlp.entities import entities_from_doc, find_pattern_entities, load_english_ner, merge_entities
from nlp.entities.italian import combine_italian
from nlp.entities.italian_ner import italian_model_path, load_italian_ner
from nlp.entities.linking import link_entities
from nlp.errors import ModelNotAvailableError
from nlp.features import feature_matrix, lexicon_features
from nlp.language import detect_language
from nlp.prose import for_ner
from nlp.quoted import own_text
from nlp.sentiment import sentiment_score

if TYPE_CHECKING:
    from spacy.language import Language

    from core.catalog import Catalog
    from core.settings import Settings

__all__ = [
    "NER_BATCH_SIZE",
    "NER_MAX_CHARS",
    "Annotator",
    "CorrectionSource",
    "CustomerSource",
    "annotate_text",
    "classified",
    "ner_input",
]

# One English and one Italian text, enough for language identification to tell them apart.
_WARM_UP_TEXTS = (
    "Dear Mr Smith, the invoice from the London office arrived late again. Kind regards, Anna Brown",
    "Gentile signor Rossi, la fattura della sede di Milano è arrivata di nuovo in ritardo. Cordiali saluti",
)
NER_MAX_CHARS = 100_000  # beyond this NER costs seconds per document and adds names nobody searches
NER_BATCH_SIZE = 32

CustomerSource = Sequence[CustomerRecord] | Callable[[], Sequence[CustomerRecord]]
# Document ids -> their corrections (objects with `kind` and `value`), oldest first.
CorrectionSource = Callable[[list[str]], Mapping[str, Sequence[Any]]]

log = logging.getLogger("faldone.nlp")


class Annotator:
    """Annotates batches of documents.

    `english_ner=False` skips spaCy entirely for English, `italian_ner=False` for Italian
    (then only rules find Italian names). `customers` is the registry, or a
    callable that returns it (called once per batch, so new imports are seen);
    None links no customer. `models_dir` holds retrained weights
    (`classifier.npz`) and a retrained Italian NER (`ner_it/`), preferred to the
    shipped ones when present.
    `corrections` returns the stored corrections of a batch's documents, which
    `annotate` re-applies so that they survive reprocessing.
    `Annotator.from_settings(settings, catalog)` wires all three to the catalog.
    """

    def __init__(
        self,
        *,
        english_ner: bool = True,
        italian_ner: bool = True,
        customers: CustomerSource | None = None,
        models_dir: Path | None = None,
        corrections: CorrectionSource | None = None,
    ) -> None:
        self._english_ner = english_ner
        self._italian_ner = italian_ner
        self._customers = customers
        self._models_dir = models_dir
        self._corrections = corrections

    @classmethod
    def from_settings(cls, settings: Settings, catalog: Catalog | None = None) -> Annotator:
        """The worker's annotator: retrained weights from the data dir and, with a catalog,
        its customer registry and the users' corrections (re-applied after every annotation)."""
        if catalog is None:
            return cls(models_dir=settings.data_dir / "models")
        from core.corrections import corrections_for
        from core.customers import load_customers

        def customers() -> Sequence[CustomerRecord]:
            return load_customers(catalog)

        def corrections(ids: list[str]) -> Mapping[str, Sequence[Any]]:
            return corrections_for(catalog, ids)

        return cls(customers=customers, models_dir=settings.data_dir / "models", corrections=corrections)

    def load_models(self) -> None:
        """Load now what a batch loads on first use: language identification, spaCy NER for
        English and Italian, the sentence encoder and the heads. Two short texts are annotated,
        so nothing is missed; a worker's first batch (or a benchmark's clock) then waits for none."""
        self._annotate(list(_WARM_UP_TEXTS), ["", ""], [[], []])

    def annotate(self, docs: list[Document]) -> None:
        """Set `doc.annotations` for every document of the batch (stored corrections applied last)."""
        texts = [doc.text for doc in docs]
        subjects = [doc.email.subject if doc.email else "" for doc in docs]
        addresses = [_addresses(doc) for doc in docs]
        # A reply is read without the messages it answers; a forward is read whole (`nlp.quoted`).
        owns = [own_text(doc.text, doc.email.subject) if doc.email else doc.text for doc in docs]
        for doc, result in zip(docs, self._annotate(texts, subjects, addresses, owns), strict=True):
            doc.annotations = result
        if self._corrections is not None and docs:
            stored = self._corrections([doc.id for doc in docs])
            for doc in docs:
                if doc.id in stored:
                    apply_corrections(doc, stored[doc.id])

    def _annotate(
        self,
        texts: list[str],
        subjects: list[str],
        addresses: list[list[str]],
        owns: list[str] | None = None,
    ) -> list[Annotations]:
        """`owns`: what the writer wrote of each text (same length and offsets; default the texts):
        names, sentiment, complaint and category are read there; languages, identifiers,
        addresses and customers in the whole text."""
        read = texts if owns is None else owns
        languages = [detect_language(_with_subject(t, s)) for t, s in zip(texts, subjects, strict=True)]
        ner = self._ner_entities([t for t, lang in zip(read, languages, strict=True) if lang == "en"])
        italian = self._italian_entities([t for t, lang in zip(read, languages, strict=True) if lang == "it"])
        sentiments = [
            sentiment_score(_with_subject(t, s), lang)
            for t, s, lang in zip(read, subjects, languages, strict=True)
        ]
        predictions = self._predict(read, subjects, languages, sentiments)
        matcher = matcher_for(tuple(self._registry()))
        registry = matcher.names_by_term() if matcher else None
        results = []
        for i, (text, subject, language) in enumerate(zip(texts, subjects, languages, strict=True)):
            patterns = find_pattern_entities(text)
            model: list[Entity] = []
            if language == "en":
                model = next(ner)
            elif language == "it":
                model = combine_italian(read[i], next(italian), patterns, registry)
            entities = link_entities(merge_entities(patterns + model))
            annotations = classified(read[i], subject, language, sentiments[i], predictions[i])
            annotations.entities = entities
            if matcher:
                annotations.customers = matcher.match(text, subject, addresses[i], entities)
            results.append(annotations)
        return results

    def _registry(self) -> Sequence[CustomerRecord]:
        if self._customers is None:
            return ()
        return self._customers() if callable(self._customers) else self._customers

    def _predict(
        self, texts: list[str], subjects: list[str], languages: list[str | None], sentiments: list[float]
    ) -> list[Prediction | None]:
        """The heads' predictions for documents with a language (None for the others)."""
        wanted = [i for i, lang in enumerate(languages) if lang is not None]
        out: list[Prediction | None] = [None] * len(texts)
        if not wanted:
            return out
        try:
            weights = load_weights(self._models_dir)
            embeddings = embed([encoder_input(texts[i], subjects[i]) for i in wanted])
        except ModelNotAvailableError as err:
            _warn_once(str(err))
            return out
        lexicon = [lexicon_features(texts[i], subjects[i], sentiments[i]) for i in wanted]
        features = feature_matrix(embeddings, lexicon)
        predictions = predict(weights, features, [languages[i] for i in wanted])
        for i, prediction in zip(wanted, predictions, strict=True):
            out[i] = prediction
        return out

    def _ner_entities(self, texts: list[str]) -> Iterator[list[Entity]]:
        """spaCy entities of each English text, in order; empty lists when NER is off."""
        if not self._english_ner or not texts:
            return iter([[] for _ in texts])
        return _model_entities(load_english_ner(), texts)

    def _italian_entities(self, texts: list[str]) -> Iterator[list[Entity]]:
        """Italian model entities of each text, in order; empty lists when it is off."""
        if not self._italian_ner or not texts:
            return iter([[] for _ in texts])
        try:
            nlp = load_italian_ner(italian_model_path(self._models_dir))
        except ModelNotAvailableError as err:
            if str(err) not in _WARNED:
                _WARNED.add(str(err))
                log.warning("%s; Italian names come from rules only", err)
            return iter([[] for _ in texts])
        return _model_entities(nlp, texts)


def ner_input(text: str) -> str:
    """What NER reads of a text: its first `NER_MAX_CHARS` characters, code, markup and rules
    blanked (`nlp.prose.for_ner`; offsets unchanged)."""
    return for_ner(text[:NER_MAX_CHARS])


def _model_entities(nlp: Language, texts: list[str]) -> Iterator[list[Entity]]:
    capped = [text[:NER_MAX_CHARS] for text in texts]
    read = (ner_input(text) for text in capped)
    with one_blas_thread():  # spaCy's layers multiply with numpy's BLAS (nlp.entities.spacy_loading)
        docs = [entities_from_doc(doc) for doc in nlp.pipe(read, batch_size=NER_BATCH_SIZE)]
    # a name that reached into blanked text is not one the text holds
    pairs = zip(capped, docs, strict=True)
    return iter([[e for e in found if text[e.start : e.end] == e.text] for text, found in pairs])


def annotate_text(text: str, subject: str = "") -> Annotations:
    """Annotations of a bare text (and optional e-mail subject), English and Italian NER included."""
    return Annotator()._annotate([text], [subject], [[]])[0]


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning("%s; complaint and category fall back to cue rules", message)


def _with_subject(text: str, subject: str) -> str:
    return f"{subject}\n\n{text}" if subject else text


def _addresses(doc: Document) -> list[str]:
    if doc.email is None:
        return []
    headers = doc.email
    return [a for a in (headers.sender, *headers.to, *headers.cc, *headers.bcc, *headers.reply_to) if a]


def classified(
    text: str, subject: str, language: str | None, lexicon: float, prediction: Prediction | None
) -> Annotations:
    """Complaint, category and sentiment from the heads, or from the cue rules without them.

    `lexicon` is the lexicon sentiment of the text; the benchmark calls this with
    predictions of cached features, so it scores exactly what the stage stores.
    """
    if prediction is None:
        probability = complaint_probability(text, subject, lexicon)
        category = categorize(text, subject, probability)
        sentiment = lexicon
        complaint = is_complaint(probability)
    else:
        probability = prediction.complaint_probability
        category = prediction.category
        complaint = prediction.complaint
        # Other languages stay neutral: the sentiment head was trained on Italian and English only.
        sentiment = stored_sentiment(lexicon, prediction.sentiment) if language in ("it", "en") else 0.0
    if not complaint and (is_explicit_complaint(text, subject) or is_informal_complaint(text, subject)):
        # The writer says it is a complaint: no model outvotes that (nlp/data/explicit_complaint.tsv,
        # informal_complaint.tsv).
        complaint, category, probability = True, "complaint", max(probability, 0.5)
    return Annotations(
        language=language,
        sentiment=round(max(-1.0, min(1.0, sentiment)), 4),
        complaint=complaint,
        complaint_probability=round(probability, 4),
        category=category,
    )
