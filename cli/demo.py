"""`faldone demo`: a realistic, clearly fictional archive so the dashboard is alive on first run.

`generate_demo(folder)` writes e-mail threads (``.eml``) and posted letters
(``.pdf``) of "Casa Aurora S.p.A.", a fictional appliance retailer, spread over
the months before `today`, in Italian and English; `load_demo` queues them with
source ``demo`` and runs a worker. The story the figures tell:

- complaints grow towards the end of the period, and in the last ~10 weeks
  late deliveries by a new courier ("Rapido Trasporti S.r.l.") dominate;
- the company answers from ``casaaurora.example`` (`DEMO_DOMAIN`): most replies
  within a day, some after days, some only after a reminder, some never
  (the open complaints);
- information requests, orders, thanks and newsletters fill the rest.

Every message carries ``X-Faldone-Demo: true`` and a "demo" signature; every
letter says it is a demo document. Texts live in ``cli/demo_data/templates.json``,
customers in ``cli/demo_data/customers.csv``. The same seed and `today` give the
same bytes.
"""

from __future__ import annotations

import csv
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cli.demo_pdf import text_pdf
from core import clock
from core.catalog import Catalog
from core.document import DEMO_DOMAIN, DEMO_SOURCE
from core.settings import Settings
from index.backend import BackendUnavailable
from index.backends import open_backend
from ingest.sources import EnqueueReport, enqueue_paths

__all__ = ["DEMO_DOMAIN", "DEMO_SOURCE", "REGISTRY_FILE", "DemoReport", "generate_demo", "load_demo"]

REGISTRY_FILE = "customers-registry.csv"  # beside mail/ and letters/, imported, never ingested
_DATA = Path(__file__).resolve().parent / "demo_data"
_ROME = ZoneInfo("Europe/Rome")
_COMPLAINT_THREADS = 84
_REQUESTS = 70
_LETTERS = 24
_NEW_COURIER_DAYS = 75  # the last weeks, when the new courier's late deliveries pile up
_MONTHS_IT = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"


@dataclass
class _Customer:
    id: str
    name: str
    email: str
    language: str
    organisation: str
    city: str

    @property
    def first(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last(self) -> str:
        return self.name.split(" ", 1)[-1]


@dataclass
class DemoReport:
    """What `generate_demo` wrote."""

    folder: Path
    emails: int = 0
    letters: int = 0
    complaint_threads: int = 0
    unanswered: int = 0
    files: list[Path] = field(default_factory=list)


def _templates() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / "templates.json").read_text(encoding="utf-8"))
    return data


def _customers() -> list[_Customer]:
    with (_DATA / "customers.csv").open(encoding="utf-8", newline="") as handle:
        return [_Customer(**row) for row in csv.DictReader(handle)]


class _Writer:
    """Builds messages and letters with consistent numbering and ids."""

    def __init__(self, folder: Path, rng: random.Random, now: datetime) -> None:
        self.folder = folder
        self.rng = rng
        self.now = now
        self.t = _templates()
        self.company: dict[str, str] = self.t["company"]
        self.counter = 0
        self.report = DemoReport(folder)
        (folder / "mail").mkdir(parents=True, exist_ok=True)
        (folder / "letters").mkdir(parents=True, exist_ok=True)

    def slots(self, customer: _Customer, moment: datetime, courier: str) -> dict[str, str]:
        lang = customer.language
        year = moment.year
        cents = self.rng.randint(4900, 129900)
        amount = f"{cents // 100},{cents % 100:02d}" if lang == "it" else f"{cents // 100}.{cents % 100:02d}"
        org = customer.organisation
        return {
            "first": customer.first,
            "last": customer.last,
            "name": customer.name,
            # "per conto di" keeps the person's name out of the company name the NLP finds.
            "org_line": (f"\nper conto di {org}" if lang == "it" else f"\non behalf of {org}") if org else "",
            "org_line_plain": f"({org})" if org else f"({customer.city})",
            "order": f"{year}/{self.rng.randint(1000, 9999)}",
            "invoice": f"FT-{year}-{self.rng.randint(100, 999)}",
            "amount": amount,
            "product": self.rng.choice(self.t["products"][lang]),
            "courier": courier,
            "days": str(self.rng.randint(8, 25)),
            "ticket": f"AUR-{self.rng.randint(10000, 99999)}",
            "city": customer.city,
            "date": _written_date(moment, lang),
        }

    def email(
        self,
        *,
        sender: tuple[str, str],
        to: tuple[str, str],
        subject: str,
        body: str,
        moment: datetime,
        parent: EmailMessage | None = None,
        stem: str,
    ) -> EmailMessage:
        self.counter += 1
        msg = EmailMessage()
        domain = sender[1].rsplit("@", 1)[-1]
        msg["Message-ID"] = f"<demo-{self.counter:05d}.{self.rng.getrandbits(40):010x}@{domain}>"
        msg["Date"] = format_datetime(moment.astimezone(_ROME))
        msg["From"] = formataddr(sender)
        msg["To"] = formataddr(to)
        msg["Subject"] = subject
        if parent is not None:
            references = [*str(parent.get("References", "")).split(), str(parent["Message-ID"])]
            msg["In-Reply-To"] = str(parent["Message-ID"])
            msg["References"] = " ".join(references)
        msg["X-Faldone-Demo"] = "true (dati dimostrativi / demo data)"
        msg.set_content(body)
        path = self.folder / "mail" / f"{moment:%Y-%m-%d}_{self.counter:05d}_{stem}.eml"
        path.write_bytes(msg.as_bytes())
        self.report.emails += 1
        self.report.files.append(path)
        return msg

    def letter(self, kind: str, customer: _Customer, moment: datetime, courier: str) -> None:
        spec = self.t["letters"][kind][customer.language]
        values = self.slots(customer, moment, courier)
        title = spec["title"].format(**values)
        self.counter += 1
        path = self.folder / "letters" / f"{moment:%Y-%m-%d}_{self.counter:05d}_{kind}.pdf"
        path.write_bytes(
            text_pdf(spec["body"].format(**values), title=title, created=moment, subject="Faldone demo")
        )
        self.report.letters += 1
        self.report.files.append(path)


def _written_date(moment: datetime, lang: str) -> str:
    local = moment.astimezone(_ROME)
    if lang == "it":
        return f"{local.day} {_MONTHS_IT.split()[local.month - 1]} {local.year}"
    return f"{local.day} {local:%B} {local.year}"


def _moment(rng: random.Random, day: date) -> datetime:
    """A working-hours moment of `day`, Rome time, as an aware UTC datetime."""
    local = datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.randint(0, 59), tzinfo=_ROME)
    return local.astimezone(UTC)


def _rising_day(rng: random.Random, start: date, days: int) -> date:
    """A day of the period, more likely towards its end (complaints are rising)."""
    position = rng.random() ** 0.6
    return start + timedelta(days=min(days - 1, int(position * days)))


def _complaint_thread(w: _Writer, customer: _Customer, day: date, start: date, days: int) -> None:
    rng = w.rng
    recent = (start + timedelta(days=days) - day).days <= _NEW_COURIER_DAYS
    courier = w.t["couriers"]["late" if recent else "early"]
    topics = ["delivery", "billing", "defect", "refund", "service"]
    weights = [6, 1, 1.5, 1, 1] if recent else [1.5, 2, 2, 1.5, 1.5]
    topic = rng.choices(topics, weights)[0]
    lang = customer.language
    spec = rng.choice(w.t["complaints"][topic][lang])
    moment = _moment(rng, day)
    values = w.slots(customer, moment, courier)
    subject = spec["subject"].format(**values)
    support = w.company["support" if lang == "it" else "support_en"]
    sender, company = (customer.name, customer.email), (w.company["name"], support)
    first = w.email(
        sender=sender, to=company, subject=subject, body=spec["body"].format(**values), moment=moment,
        stem=f"reclamo-{topic}",
    )  # fmt: skip
    w.report.complaint_threads += 1
    outcome = rng.choices(["fast", "slow", "reminder", "open"], [50, 20, 12, 18])[0]
    last, last_moment = first, moment
    if outcome == "reminder":
        reminder_moment = moment + timedelta(hours=rng.randint(50, 120))
        if reminder_moment < w.now:
            spec_f = w.t["followups"][lang]
            last = w.email(
                sender=sender, to=company, subject=spec_f["subject"].format(subject=subject),
                body=spec_f["body"].format(**values), moment=reminder_moment, parent=first, stem="sollecito",
            )  # fmt: skip
            last_moment = reminder_moment
    delay = {"fast": (1, 20), "slow": (30, 160), "reminder": (4, 30), "open": (0, 0)}[outcome]
    reply_moment = last_moment + timedelta(hours=rng.randint(*delay), minutes=rng.randint(0, 59))
    if outcome == "open" or reply_moment >= w.now:
        w.report.unanswered += 1
        return
    spec_r = w.t["replies"][lang]
    signature = w.company[f"signature_{lang}"]
    reply_subject = spec_r["subject"].format(**values)  # a new subject: the company names the case
    reply = w.email(
        sender=company, to=sender, subject=reply_subject,
        body=spec_r["body"].format(**values, signature=signature), moment=reply_moment, parent=last,
        stem="risposta",
    )  # fmt: skip
    thanks_moment = reply_moment + timedelta(hours=rng.randint(2, 48))
    if rng.random() < 0.3 and thanks_moment < w.now:
        spec_t = w.t["thanks"][lang]
        w.email(
            sender=sender, to=company, subject=spec_t["subject"].format(subject=reply_subject),
            body=spec_t["body"].format(**values), moment=thanks_moment, parent=reply, stem="grazie",
        )  # fmt: skip


def _request_thread(w: _Writer, customer: _Customer, day: date) -> None:
    rng = w.rng
    lang = customer.language
    spec = rng.choice(w.t["requests"][lang])
    moment = _moment(rng, day)
    values = w.slots(customer, moment, w.t["couriers"]["early"])
    subject = spec["subject"].format(**values)
    support = w.company["support" if lang == "it" else "support_en"]
    sender, company = (customer.name, customer.email), (w.company["name"], support)
    first = w.email(
        sender=sender, to=company, subject=subject, body=spec["body"].format(**values), moment=moment,
        stem="richiesta",
    )  # fmt: skip
    reply_moment = moment + timedelta(hours=rng.randint(2, 72))
    if rng.random() < 0.6 and reply_moment < w.now:
        spec_r = w.t["request_replies"][lang]
        w.email(
            sender=company, to=sender, subject=spec_r["subject"].format(subject=subject),
            body=spec_r["body"].format(**values, signature=w.company[f"signature_{lang}"]),
            moment=reply_moment, parent=first, stem="risposta",
        )  # fmt: skip


def generate_demo(
    folder: Path, *, today: date | None = None, seed: int = 2026, months: int = 9
) -> DemoReport:
    """Write the demo files under `folder` (``mail/``, ``letters/``) and say what was written."""
    now = clock.now() if today is None else datetime(today.year, today.month, today.day, 18, tzinfo=UTC)
    rng = random.Random(seed)
    w = _Writer(folder, rng, now)
    days = months * 30
    start = now.date() - timedelta(days=days - 1)
    customers = _customers()
    scale = months / 9  # the volumes below are for nine months
    recent_days = min(_NEW_COURIER_DAYS, days)
    for number in range(max(10, round(_COMPLAINT_THREADS * scale))):
        # Two in five complaints fall in the last weeks: the new courier's late deliveries.
        recent = number % 5 < 2
        day = now.date() - timedelta(days=rng.randrange(recent_days)) if recent else None
        _complaint_thread(w, rng.choice(customers), day or _rising_day(rng, start, days), start, days)
    for _ in range(max(8, round(_REQUESTS * scale))):
        _request_thread(w, rng.choice(customers), start + timedelta(days=rng.randrange(days)))
    newsletter = (w.company["name"], w.company["newsletter"])
    for month in range(months):
        lang = "it" if month % 3 else "en"
        spec = w.t["newsletters"][lang]
        day = start + timedelta(days=30 * month + 3)
        w.email(
            sender=newsletter, to=("Clienti Casa Aurora", "clienti@casaaurora.example"),
            subject=spec["subject"], body=spec["body"], moment=_moment(rng, day), stem="newsletter",
        )  # fmt: skip
    for number in range(max(5, round(_LETTERS * scale))):
        day = _rising_day(rng, start, days)
        kind = "complaint" if number % 5 < 3 else "other"
        recent = (now.date() - day).days <= _NEW_COURIER_DAYS
        courier = w.t["couriers"]["late" if recent else "early"]
        w.letter(kind, rng.choice(customers), _moment(rng, day), courier)
    _write_registry(folder / REGISTRY_FILE, customers)
    return w.report


def _write_registry(path: Path, customers: list[_Customer]) -> None:
    """The demo customers in the registry's CSV format (`core.customers`): the NLP links them by
    name, alias and e-mail address, so the ``customer`` field is filled."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "code", "vat_id", "emails", "aliases"])
        for c in customers:
            writer.writerow([c.organisation or c.name, c.id, "", c.email, c.name if c.organisation else ""])


def load_demo(settings: Settings, folder: Path, *, wait_seconds: float = 600) -> EnqueueReport:
    """Import the demo customers into the registry, queue every demo file with source ``demo``
    and process the queue.

    With the embedded index a running worker may hold the writer; then this waits
    for it to finish the demo jobs (up to `wait_seconds`).
    """
    from core.customers import import_csv
    from ingest.worker import Worker
    from nlp.annotate import Annotator

    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    try:
        if (folder / REGISTRY_FILE).exists():
            import_csv(catalog, folder / REGISTRY_FILE)
        paths = [folder / "mail", folder / "letters"]
        report = enqueue_paths([p for p in paths if p.exists()], settings, catalog, source=DEMO_SOURCE)
        try:
            backend = open_backend(settings, writer=True)
        except BackendUnavailable:
            backend = None  # a running worker owns the index: it processes the queue
        if backend is not None:
            try:
                annotator = Annotator.from_settings(settings, catalog)  # with the customer registry
                Worker(settings, catalog, backend, annotator=annotator).run(until_empty=True)
            finally:
                backend.close()
        deadline = time.monotonic() + wait_seconds
        while catalog.pending(report.job_ids) and time.monotonic() < deadline:
            time.sleep(1)
        return report
    finally:
        catalog.close()
