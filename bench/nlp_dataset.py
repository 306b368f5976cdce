"""Build the labelled training set `nlp/data/training/examples.jsonl` (deterministic).

    .venv/bin/python bench/nlp_dataset.py            # the JSONL only
    .venv/bin/python bench/nlp_dataset.py --weights  # and retrain the shipped nlp/data/classifier.npz

Every body in `bench/nlp_dataset_it.py` / `_en.py` was written by the project. Each
body becomes three documents (an e-mail with subject, a letter with "Oggetto:" or
no subject, a short message) with slots filled by a seeded generator. The split is
by body ("group"), so no body of the test split is ever seen in training:
`split = test` when sha256(SEED + group) mod 4 == 0.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.nlp_dataset_en import BODIES_EN, SUBJECTS_EN
from bench.nlp_dataset_it import BODIES_IT, SUBJECTS_IT

SEED = "faldone-nlp-v1"
OUT = Path(__file__).resolve().parent.parent / "nlp" / "data" / "training" / "examples.jsonl"

_NAMES = [
    "Mario Rossi",
    "Giulia Bianchi",
    "Luca Ferrari",
    "Anna Esposito",
    "Paolo Romano",
    "Chiara Colombo",
    "Marco Ricci",
    "Francesca Marino",
    "John Smith",
    "Sarah Collins",
    "David Brown",
    "Emma Wilson",
]
_COMPANIES = [
    "Alfa S.p.A.",
    "Beta Servizi S.r.l.",
    "Gamma Logistica Srl",
    "Delta Impianti S.n.c.",
    "Contoso Ltd",
    "Northwind Traders Ltd",
    "Fabrikam Inc.",
    "Tecnoufficio S.r.l.",
]
_CITIES = [
    "Milano",
    "Roma",
    "Torino",
    "Bologna",
    "Napoli",
    "Firenze",
    "Bari",
    "Verona",
    "London",
    "Manchester",
]
_PRODUCTS_IT = [
    "condizionatore",
    "notebook",
    "frigorifero",
    "stampante multifunzione",
    "router",
    "aspirapolvere",
]
_PRODUCTS_EN = ["air conditioner", "laptop", "fridge", "multifunction printer", "router", "vacuum cleaner"]
_MONTHS_IT = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "settembre",
    "ottobre",
    "novembre",
]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "September", "October", "November"]

_GREETINGS = {
    "it": [
        "Gentili Signori,",
        "Spett.le {company},",
        "Buongiorno,",
        "Gentile {name},",
        "Egregio Direttore,",
        "",
        "Alla cortese attenzione dell'Ufficio Clienti,",
        "Salve,",
    ],
    "en": [
        "Dear Sir or Madam,",
        "Dear {name},",
        "Hello,",
        "To whom it may concern,",
        "Dear Customer Service,",
        "",
        "Hi team,",
        "Good morning,",
    ],
}
_CLOSINGS = {
    "it": [
        "Cordiali saluti",
        "Distinti saluti",
        "In attesa di un cortese riscontro, porgo distinti saluti",
        "Saluti",
        "Grazie, buona giornata",
        "Resto a disposizione per ogni chiarimento. Cordialmente",
    ],
    "en": [
        "Kind regards",
        "Yours faithfully",
        "Best regards",
        "Regards",
        "Thanks",
        "Yours sincerely",
        "I look forward to hearing from you. Kind regards",
    ],
}


def _slots(rng: random.Random, language: str) -> dict[str, str]:
    it = language == "it"
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2023, 2024, 2025])
    euros = rng.randint(80, 25_000) + rng.randint(0, 99) / 100
    amount = (
        (f"€ {euros:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."))
        if it
        else f"EUR {euros:,.2f}"
    )
    prefix = rng.choice(["", "A", "FT", "PO", "2024/", "INV-"])
    return {
        "num": f"{prefix}{rng.randint(100, 99_999)}",
        "date": f"{day:02d}/{month:02d}/{year}" if it else f"{day} {_MONTHS_EN[month % 9]} {year}",
        "amount": amount,
        "name": rng.choice(_NAMES),
        "company": rng.choice(_COMPANIES),
        "city": rng.choice(_CITIES),
        "product": rng.choice(_PRODUCTS_IT if it else _PRODUCTS_EN),
        "month": rng.choice(_MONTHS_IT if it else _MONTHS_EN),
        "year": str(year),
    }


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _document(variant: int, body: str, subject: str, language: str, rng: random.Random) -> tuple[str, str]:
    """(text, subject) of one rendering of a body."""
    slots = _slots(rng, language)
    body = _fill(body, slots)
    subject = _fill(subject, slots)
    greeting = _fill(rng.choice(_GREETINGS[language]), slots)
    closing = rng.choice(_CLOSINGS[language])
    signer = rng.choice(_NAMES)
    if variant == 0:  # an e-mail: subject in the header, greeting, body, closing, signature
        text = f"{greeting}\n\n{body if greeting else _capitalise(body)}\n\n{closing},\n{signer}"
        return text, subject
    if variant == 1:  # a letter: sender block, place and date, "Oggetto:" line, no e-mail subject
        company = slots["company"]
        head = f"{company}\nVia Roma 12, {slots['city']}\n\n{slots['city']}, {slots['date']}\n\n"
        label = "Oggetto" if language == "it" else "Re"
        first = greeting or ("Spett.le Ditta," if language == "it" else "Dear Sirs,")
        text = f"{head}{label}: {subject}\n\n{first}\n{body}\n\n{closing}.\n{signer}"
        return text, ""
    text = _capitalise(body)  # a short message: no greeting, sometimes a subject
    if rng.random() < 0.5:
        text += f"\n{signer}"
    return text, subject if rng.random() < 0.6 else ""


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for language, bodies, subjects in (("it", BODIES_IT, SUBJECTS_IT), ("en", BODIES_EN, SUBJECTS_EN)):
        for category, items in bodies.items():
            for index, (sentiment, body) in enumerate(items):
                group = f"{language}/{category}/{index:02d}"
                digest = hashlib.sha256(f"{SEED}:{group}".encode()).digest()
                split = "test" if digest[0] % 4 == 0 else "train"
                rng = random.Random(f"{SEED}:{group}")
                for variant in range(3):
                    subject = rng.choice(subjects[category])
                    text, subject = _document(variant, body, subject, language, rng)
                    rows.append(
                        {
                            "id": f"{group}/{variant}",
                            "group": group,
                            "split": split,
                            "language": language,
                            "subject": subject,
                            "text": text,
                            "complaint": int(category == "complaint"),
                            "category": category,
                            "sentiment": sentiment,
                        }
                    )
    return rows


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter((r["split"], r["language"], r["category"]) for r in rows)
    print(f"{len(rows)} examples -> {OUT}")
    for key in sorted(counts):
        print(*key, counts[key], sep="\t")
    if "--weights" in sys.argv[1:]:
        from nlp.classifier import SHIPPED_WEIGHTS
        from nlp.training import load_examples, train

        train(load_examples(OUT, split="train")).save(SHIPPED_WEIGHTS)
        print(f"weights (train split only) -> {SHIPPED_WEIGHTS}")


if __name__ == "__main__":
    main()
