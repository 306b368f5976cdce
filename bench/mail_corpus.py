"""The mail-archive corpus of bench/ingest: ≥ 10,000 real public e-mail messages as a Maildir.

Sources (real messages, headers in full, posted to public lists or donated to public corpora):

- the Apache SpamAssassin public corpus (6,047 messages, 2002–2003: mailing-list ham and
  spam), as kept in ``github.com/stdlib-js/datasets-spam-assassin`` (``data/*/*.txt``; data
  under PDDL-1.0, contents CC0-1.0);
- the CSDMC2010 SPAM corpus, training part (4,327 messages, 2002–2010), as kept in
  ``github.com/thoughtfulml/examples-in-python`` (``naive_bayes/data/TRAINING/*.eml``;
  "copyright for the text in the messages remains with the original senders"); it shares
  about 1,500 messages with the SpamAssassin corpus;
- the linux-mips mailing list as a public-inbox git archive (one message per commit, file
  ``m``), kept in ``github.com/copslock/kenerl_mipsel_loongson``: its newest
  `LIST_MESSAGES` messages (posts to a public list, archived publicly).

Fill the cache once (the network is needed only here): fetch both repositories as bare git
mirrors into ``/work/.mirror/<owner>+<name>/repo`` (the session's ``fetch`` tool does exactly
that; ``git clone --bare https://github.com/<owner>/<name> /work/.mirror/<owner>+<name>/repo``
elsewhere), then ``bench/ingest.py --case mail`` builds ``<cache>/maildir/cur/`` from them:
one file per message, the mbox ``From `` line of the SpamAssassin files dropped (a Maildir
message has none), identical messages kept once. Nothing of it enters the repository.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

__all__ = ["MIRRORS", "build_maildir"]

# (mirror folder, path prefix inside the repository, file suffix); suffix "" = public-inbox
MIRRORS: list[tuple[str, str, str]] = [
    ("stdlib-js+datasets-spam-assassin", "data/", ".txt"),
    ("thoughtfulml+examples-in-python", "naive_bayes/data/TRAINING/", ".eml"),
    ("copslock+kenerl_mipsel_loongson", "m", ""),
]
LIST_MESSAGES = 6_000


def _git(repo: Path, *args: str) -> list[bytes]:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, check=True
    ).stdout.split()


def _blobs(repo: Path, prefix: str, suffix: str) -> list[bytes]:
    if suffix:
        listing = _git(repo, "ls-tree", "-r", "HEAD", prefix)  # mode type sha path, per line
        wanted = [
            listing[i + 2] for i in range(0, len(listing), 4) if listing[i + 3].endswith(suffix.encode())
        ]
    else:  # public-inbox: the file `prefix` of each of the newest commits
        wanted = [
            sha + b":" + prefix.encode()
            for sha in _git(repo, "rev-list", f"--max-count={LIST_MESSAGES}", "HEAD")
        ]
    batch = subprocess.run(
        ["git", "--git-dir", str(repo), "cat-file", "--batch"],
        input=b"".join(name + b"\n" for name in wanted),
        capture_output=True,
        check=True,
    ).stdout
    blobs: list[bytes] = []
    cursor = 0
    while cursor < len(batch):
        header_end = batch.index(b"\n", cursor)
        size = int(batch[cursor:header_end].split()[2])
        blobs.append(batch[header_end + 1 : header_end + 1 + size])
        cursor = header_end + 1 + size + 1  # the content is followed by a newline
    return blobs


def build_maildir(cache: Path, mirrors: Path = Path("/work/.mirror")) -> Path:
    """``<cache>/maildir`` with one file per distinct message; built once, then reused."""
    maildir = cache / "maildir"
    if (maildir / "cur").is_dir() and any((maildir / "cur").iterdir()):
        return maildir
    seen: set[str] = set()
    partial = cache / "maildir.partial"
    for sub in ("cur", "new", "tmp"):
        (partial / sub).mkdir(parents=True, exist_ok=True)
    for folder, prefix, suffix in MIRRORS:
        repo = mirrors / folder / "repo"
        if not repo.is_dir():
            raise SystemExit(f"missing {repo}: fetch the repository first (see bench/mail_corpus.py)")
        for blob in _blobs(repo, prefix, suffix):
            if blob.startswith(b"From "):
                blob = blob.split(b"\n", 1)[1] if b"\n" in blob else b""
            digest = hashlib.sha256(blob).hexdigest()
            if not blob.strip() or digest in seen:
                continue
            seen.add(digest)
            (partial / "cur" / f"{len(seen):05d}.{digest[:12]}:2,S").write_bytes(blob)
    partial.rename(maildir)
    return maildir
