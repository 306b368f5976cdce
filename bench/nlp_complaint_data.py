"""Build the real-text complaint data sets into a cache outside the repository (deterministic).

    .venv/bin/python bench/nlp_complaint_data.py [--cache /work/.cache/nlp]

Reads `../shared/nlp-corpus` and bare git mirrors fetched with the search tool's `fetch`
(see `nlp/data/SOURCES.md` for repositories, commits, licences and sampling):

- `PolyAI-LDN/task-specific-datasets` (BANKING77, CC BY 4.0): real customer messages to a
  bank, mapped to complaint / not complaint by intent (`BANKING_COMPLAINT`, `BANKING_OTHER`);
- `MatteoFasulo/PyTripAdvisor` (licence not stated): Italian TripAdvisor.it reviews of
  restaurants in Rome with the reviewer's rating, 1-2 stars = complaint, 4-5 = not;
- `kvrao/sentiment_analysis` (a copy of the UCI "Sentiment Labelled Sentences", Yelp part
  only): English restaurant-review sentences, negative = complaint, positive = not;
- `IBM/twitter-customer-care-document-prediction` (Apache-2.0): the customer-care agents'
  replies on Twitter, not complaints (the customers' turns are not used: not annotated);
- `danielpreotiuc/complaints-social-media` (Preotiuc-Pietro et al., ACL 2019): English
  tweets to companies annotated complaint / not complaint. **Evaluation only.**

Writes `train.jsonl`, `dev.jsonl` (training sources only), `external_en.jsonl` (the
complaint tweets) and `external_it.jsonl` (the Italian ABSITA sentences of the shared
corpus, which no training file contains). Row fields: id, lang, label (1/0), sentiment
(-1/0/1 or null), category (or null), source, domain, text.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import re
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _shared_dir() -> Path:
    """`../shared` beside the repository (a worktree elsewhere: `FALDONE_SHARED`, else /work/shared)."""
    for candidate in (REPO.parent / "shared", Path(os.environ.get("FALDONE_SHARED", "/work/shared"))):
        if candidate.is_dir():
            return candidate
    raise SystemExit("../shared not found (set FALDONE_SHARED)")


SHARED = _shared_dir() / "nlp-corpus"
MIRROR = Path(os.environ.get("FALDONE_MIRROR", "/work/.mirror"))
DEFAULT_CACHE = Path(os.environ.get("FALDONE_NLP_CACHE", "/work/.cache/nlp"))
SEED = 20261202
# Bump when the sets change (2: the review and customer-care sources); an older cache is rebuilt.
DATA_VERSION = "2"

BANKING_REPO = "PolyAI-LDN+task-specific-datasets"
TWEETS_REPO = "danielpreotiuc+complaints-social-media"
TRIPADVISOR_REPO = "MatteoFasulo+PyTripAdvisor"
# HEAD no longer holds the review database (the full crawl is split into parts over 4 MiB
# that the snapshot lacks); this is the last commit that has it whole.
TRIPADVISOR_COMMIT = "5568a99c33c9760d5cbde7410607a689c0f84886"
YELP_REPO = "kvrao+sentiment_analysis"
CARE_REPO = "IBM+twitter-customer-care-document-prediction"
CARE_AGENT_REPLIES = 600  # drawn from the agents' replies of dev.json + test.json
DEV_SHARE = 0.2  # of each new source, stratified by label

# Intents whose messages report that something went wrong on the bank's side (a charge,
# a refusal, money that did not arrive): complaints by the speech-act definition.
BANKING_COMPLAINT = frozenset({
    "balance_not_updated_after_bank_transfer", "balance_not_updated_after_cheque_or_cash_deposit",
    "card_not_working", "card_payment_fee_charged", "card_payment_not_recognised",
    "card_payment_wrong_exchange_rate", "card_swallowed", "cash_withdrawal_charge",
    "cash_withdrawal_not_recognised", "contactless_not_working", "declined_card_payment",
    "declined_cash_withdrawal", "declined_transfer", "direct_debit_payment_not_recognised",
    "extra_charge_on_statement", "failed_transfer", "Refund_not_showing_up", "transaction_charged_twice",
    "transfer_fee_charged", "transfer_not_received_by_recipient", "wrong_amount_of_cash_received",
    "wrong_exchange_rate_for_cash_withdrawal", "top_up_failed", "top_up_reverted", "virtual_card_not_working",
})  # fmt: skip
# Intents that ask how something works or request a service: not complaints.
BANKING_OTHER = frozenset({
    "activate_my_card", "age_limit", "apple_pay_or_google_pay", "atm_support", "automatic_top_up",
    "cancel_transfer", "card_about_to_expire", "card_acceptance", "card_delivery_estimate", "card_linking",
    "change_pin", "country_support", "disposable_card_limits", "edit_personal_details", "exchange_rate",
    "exchange_via_app", "fiat_currency_support", "get_disposable_virtual_card", "get_physical_card",
    "getting_spare_card", "getting_virtual_card", "order_physical_card", "receiving_money",
    "supported_cards_and_currencies", "top_up_by_bank_transfer_charge", "top_up_by_card_charge",
    "top_up_by_cash_or_cheque", "top_up_limits", "topping_up_by_card", "transfer_into_account",
    "transfer_timing", "verify_my_identity", "verify_source_of_funds", "verify_top_up", "visa_or_mastercard",
    "why_verify_identity", "exchange_charge", "passcode_forgotten", "terminate_account",
})  # fmt: skip
BANKING_PER_SPLIT = {"train": 1400, "dev": 500}  # per split, half complaints


def _git_bytes(repo: str, path: str, rev: str = "HEAD") -> tuple[str, bytes]:
    git_dir = MIRROR / repo / "repo"
    commit = subprocess.run(
        ["git", "-C", str(git_dir), "rev-parse", rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    blob = subprocess.run(
        ["git", "-C", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout
    return commit, blob


def _git_show(repo: str, path: str) -> tuple[str, str]:
    commit, blob = _git_bytes(repo, path)
    return commit, blob.decode("utf-8")


def _row(**fields: Any) -> dict[str, Any]:
    base = {"sentiment": None, "category": None, "domain": ""}
    base.update(fields)
    return base


def _shared(split: str) -> list[dict[str, Any]]:
    rows = []
    for part in ("en_complaints", "en_not_complaints", "it"):
        for line in (SHARED / part / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            complaint = int(r["label"] == "complaint")
            if part == "en_complaints":
                category, domain = "complaint", "cfpb"
            elif part == "en_not_complaints":
                domain = "20ng-forsale" if r["id"].startswith("en-20ng") else "mailing-list"
                category = "newsletter_marketing" if "hard_ham" in r["source"] else "other"
            else:
                category, domain = ("complaint" if complaint else "other"), "absita"
            rows.append(
                _row(id=r["id"], lang=r["lang"], label=complaint, sentiment=r["sentiment"], category=category,
                     source="shared/nlp-corpus/" + part, domain=domain, text=r["text"])
            )  # fmt: skip
    return rows


def _banking(split: str) -> list[dict[str, Any]]:
    commit, blob = _git_show(BANKING_REPO, f"banking_data/{'train' if split == 'train' else 'test'}.csv")
    wanted: dict[int, list[dict[str, Any]]] = {0: [], 1: []}
    for n, record in enumerate(csv.DictReader(io.StringIO(blob))):
        intent = record["category"]
        if intent in BANKING_COMPLAINT:
            label = 1
        elif intent in BANKING_OTHER:
            label = 0
        else:
            continue
        wanted[label].append(
            _row(id=f"en-banking77-{split}-{n}", lang="en", label=label,
                 category="complaint" if label else "information_request",
                 source=f"PolyAI-LDN/task-specific-datasets@{commit[:12]}:banking_data#{intent}",
                 domain="banking77", text=record["text"].strip())
        )  # fmt: skip
    rng = random.Random(SEED + (1 if split == "train" else 2))
    half = BANKING_PER_SPLIT[split] // 2
    return rng.sample(wanted[1], half) + rng.sample(wanted[0], half)


def _tweets() -> list[dict[str, Any]]:
    commit, blob = _git_show(TWEETS_REPO, "complaints-data.csv")
    rows = []
    for record in csv.reader(io.StringIO(blob)):
        tweet_id, text, label, domain = record
        rows.append(
            _row(id=f"en-tweet-{tweet_id}", lang="en", label=int(label),
                 category="complaint" if label == "1" else None,
                 source=f"danielpreotiuc/complaints-social-media@{commit[:12]}:complaints-data.csv",
                 domain=domain, text=text)
        )  # fmt: skip
    return rows


def _normalised(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def _split(rows: list[dict[str, Any]], k: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """80 / 20 train / dev of one source, stratified by label, `random.Random(SEED + k)`."""
    rng = random.Random(SEED + k)
    train, dev = [], []
    for label in (1, 0):
        part = sorted((r for r in rows if r["label"] == label), key=lambda r: str(r["id"]))
        rng.shuffle(part)
        cut = round(DEV_SHARE * len(part))
        dev += part[:cut]
        train += part[cut:]
    return train, dev


def _tripadvisor_it() -> list[dict[str, Any]]:
    """Italian restaurant reviews: 1-2 stars = complaint, 4-5 = not (3 left out), balanced."""
    import sqlite3
    import sys

    sys.path.insert(0, str(REPO))  # run as a script, `nlp` would be bench/nlp.py
    from nlp.language import detect_language

    commit, blob = _git_bytes(TRIPADVISOR_REPO, "restaurants.db", TRIPADVISOR_COMMIT)
    db = sqlite3.connect(":memory:")
    db.deserialize(blob)
    records = db.execute("SELECT review_url, review_rating, review_text FROM reviews ORDER BY review_url")
    wanted: dict[int, list[dict[str, Any]]] = {0: [], 1: []}
    for url, rating, text in records:
        text = text.strip()
        if rating == 3 or detect_language(text) != "it":
            continue
        label = int(rating <= 2)
        review = re.search(r"-(r\d+)-", url)
        key = review.group(1) if review else hashlib.sha256(url.encode()).hexdigest()[:12]
        wanted[label].append(
            _row(id=f"it-tripadvisor-{key}", lang="it", label=label, sentiment=-1 if label else 1,
                 category="complaint" if label else "other",
                 source=f"MatteoFasulo/PyTripAdvisor@{commit[:12]}:restaurants.db#rating={rating}",
                 domain="tripadvisor-it", text=text)
        )  # fmt: skip
    rng = random.Random(SEED + 11)
    return wanted[1] + rng.sample(wanted[0], min(len(wanted[0]), len(wanted[1])))


def _yelp_en() -> list[dict[str, Any]]:
    """English restaurant-review sentences (UCI, Yelp part): negative = complaint."""
    commit, blob = _git_show(YELP_REPO, "sentiment labelled sentences/yelp_labelled.txt")
    rows = []
    for n, line in enumerate(blob.splitlines()):
        text, _, score = line.rpartition("\t")
        if not text.strip() or score.strip() not in ("0", "1"):
            continue
        label = int(score.strip() == "0")
        rows.append(
            _row(id=f"en-yelp-{n}", lang="en", label=label, sentiment=-1 if label else 1,
                 category="complaint" if label else "other",
                 source=f"kvrao/sentiment_analysis@{commit[:12]}:yelp_labelled.txt#line={n + 1}",
                 domain="yelp", text=text.strip())
        )  # fmt: skip
    return rows


def _care_agents() -> list[dict[str, Any]]:
    """Customer-care agents' replies on Twitter: not complaints."""
    rows = []
    for part in ("dev.json", "test.json"):
        commit, blob = _git_show(CARE_REPO, part)
        for conversation in json.loads(blob):
            replies = [t for t in conversation["dialogContent"] if "agent" in t]
            replies.append(conversation["agentURL"] | {"message": conversation["agentURL"]["url_utterance"]})
            for turn in replies:
                rows.append(
                    _row(id=f"en-care-{turn['tweet_ID']}", lang="en", label=0, sentiment=0, category="other",
                         source=f"IBM/twitter-customer-care-document-prediction@{commit[:12]}:{part}"
                                f"#company={conversation['dialogHeader']['company']}",
                         domain="twitter-care", text=turn["message"].strip())
                )  # fmt: skip
    unique = {r["id"]: r for r in rows}
    rng = random.Random(SEED + 12)
    return rng.sample(
        sorted(unique.values(), key=lambda r: str(r["id"])), min(CARE_AGENT_REPLIES, len(unique))
    )


def _new_sources(external: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Train and dev rows of the review and customer-care sources, without duplicates of each
    other or of any external text."""
    seen = {_normalised(r["text"]) for r in external}
    train, dev = [], []
    for k, rows in enumerate((_tripadvisor_it(), _yelp_en(), _care_agents()), start=21):
        kept = []
        for r in rows:
            key = _normalised(r["text"])
            if len(key) < 10 or key in seen:
                continue
            seen.add(key)
            kept.append(r)
        part_train, part_dev = _split(kept, k)
        train += part_train
        dev += part_dev
    return train, dev


def build(cache: Path) -> dict[str, int]:
    """Write the four JSONL files; return their sizes."""
    shared_train, shared_dev = _shared("train"), _shared("dev")
    # The Italian ABSITA sentences are the Italian external set, so they are never trained on.
    external_en = _tweets()
    external_it = [r for r in shared_train + shared_dev if r["lang"] == "it"]
    new_train, new_dev = _new_sources(external_en + external_it)
    sets = {
        "train": [r for r in shared_train if r["lang"] == "en"] + _banking("train") + new_train,
        "dev": [r for r in shared_dev if r["lang"] == "en"] + _banking("dev") + new_dev,
        "external_en": external_en,
        "external_it": external_it,
    }
    cache.mkdir(parents=True, exist_ok=True)
    for name, rows in sets.items():
        rows.sort(key=lambda r: hashlib.sha256(f"{SEED}:{r['id']}".encode()).hexdigest())
        with (cache / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    (cache / "version").write_text(DATA_VERSION + "\n", encoding="utf-8")
    return {name: len(rows) for name, rows in sets.items()}


def load(name: str, cache: Path = DEFAULT_CACHE) -> list[dict[str, Any]]:
    """Rows of one cached set; builds the cache first when it is missing or older."""
    path = cache / f"{name}.jsonl"
    version = cache / "version"
    if not path.is_file() or not version.is_file() or version.read_text().strip() != DATA_VERSION:
        build(cache)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    print(json.dumps(build(args.cache)))


if __name__ == "__main__":
    main()


# Bump when the code that computes a feature row changes (nlp/reading.py, features.py, sentiment.py...);
# the data files below are hashed, so a cue change invalidates cached features by itself.
FEATURE_VERSION = "3"
_FEATURE_DATA = ("complaint_cues.tsv", "category_cues.tsv", "explicit_complaint.tsv", "sentiment_it.tsv")


def _code_version() -> str:
    """A hash of what decides a feature row: a change invalidates cached features."""
    digest = hashlib.sha256(FEATURE_VERSION.encode())
    for name in _FEATURE_DATA:
        digest.update((REPO / "nlp" / "data" / name).read_bytes())
    return digest.hexdigest()[:16]


def cached_features(texts: list[str], subjects: list[str], cache: Path = DEFAULT_CACHE) -> Any:
    """`nlp.training.featurize` of the texts, cached in `cache/features/` by content and code version."""
    import numpy as np

    from nlp.training import featurize

    key = hashlib.sha256(_code_version().encode())
    for text, subject in zip(texts, subjects, strict=True):
        key.update(subject.encode() + b"\0" + text.encode() + b"\1")
    path = cache / "features" / f"{key.hexdigest()[:24]}.npy"
    if path.is_file():
        return np.load(path)
    features = featurize(texts, subjects)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, features)
    return features
