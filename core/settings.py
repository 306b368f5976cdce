"""Settings, read once from the environment, a `.env` file or a TOML file.

Every variable is prefixed with ``FALDONE_``; for example ``FALDONE_DATA_DIR``.
All data lives under ``data_dir`` unless a path is given explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "load_settings"]


# NLP is most of a message's CPU, so bulk imports want it on every core; each process holds its
# own models, hence a cap.
_MAX_NLP_PROCESSES = 4


class Settings(BaseSettings):
    """Typed configuration passed to every component (never read from globals)."""

    model_config = SettingsConfigDict(
        env_prefix="FALDONE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="Folder that holds all local data.")
    catalog_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the catalog; SQLite under data_dir by default."
    )
    search_backend: str = Field(
        default="embedded",
        pattern=r"^[a-z][a-z0-9]*$",
        description="Search backend by name: 'embedded' (tantivy) or 'cluster' (Elasticsearch/OpenSearch).",
    )
    phrase_pairs: bool = Field(
        default=True,
        description=(
            "Embedded index: also index each text's adjacent word pairs, so that a two-word phrase reads "
            "no positions (phrases stay fast on large archives; the index is larger and indexing costs "
            "more CPU, see bench/README.md). Changing it, or upgrading an index built without it, "
            "rebuilds the index from the catalog; search answers 503 until the rebuild is done."
        ),
    )
    cluster_url: str = Field(
        default="http://127.0.0.1:9200",
        description="Elasticsearch/OpenSearch URL; several nodes separated by commas.",
    )
    cluster_index: str = Field(default="faldone", description="Index alias used on the cluster.")
    cluster_shards: int = Field(default=1, description="Primary shards of a new cluster index.")
    cluster_replicas: int = Field(
        default=0, description="Replica copies of each shard (1 or more on a cluster of several nodes)."
    )
    cluster_username: str = Field(default="", description="User for the cluster's basic authentication.")
    cluster_password: SecretStr = Field(default=SecretStr(""), description="Password of cluster_username.")
    cluster_api_key: SecretStr = Field(
        default=SecretStr(""), description="Cluster API key (base64 'id:key'), instead of user and password."
    )
    cluster_ca_certs: Path | None = Field(
        default=None, description="PEM file of the CA that signed the cluster's TLS certificate (https)."
    )
    cluster_verify_certs: bool = Field(
        default=True, description="Verify the cluster's TLS certificate (turn off only to test)."
    )
    cluster_connect_timeout: float = Field(
        default=120.0, description="Seconds to keep retrying at start while the cluster cannot be reached."
    )
    host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    port: int = Field(default=8000, description="Port the API listens on.")
    worker_concurrency: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        description="Extraction child processes per worker (one per core).",
    )
    job_timeout_seconds: int = Field(default=600, description="Wall-clock limit for one job.")
    job_memory_mb: int = Field(default=2048, description="Address-space limit of an extraction child.")
    job_lease_seconds: int = Field(default=120, description="A job whose lease expires is retried.")
    worker_stall_seconds: int = Field(
        default=60, description="/readyz fails when runnable jobs wait this long with no live worker."
    )
    max_attempts: int = Field(default=3, description="Attempts before a job is quarantined.")
    max_depth: int = Field(default=5, description="Nesting limit for attachments and archive members.")
    max_children: int = Field(default=10_000, description="Members/attachments per container.")
    max_expanded_mb: int = Field(default=2048, description="Total bytes a container may expand to.")
    max_upload_mb: int = Field(default=512, description="Largest accepted upload.")
    ocr_languages: str = Field(default="ita+eng", description="Tesseract languages.")
    ocr_pages_per_turn: int = Field(
        default=16,
        description="PDFs with more pages to OCR are read this many per turn (slot freed between turns).",
    )
    nlp_processes: int = Field(
        default_factory=lambda: min(_MAX_NLP_PROCESSES, max(1, os.cpu_count() or 1)),
        ge=1,
        description="Processes the worker's NLP runs in (default: one per core, at most 4; 2+: on "
        "several cores, models loaded in each, ~250 MB apiece; 1: in the worker's indexing thread).",
    )
    semantic_search: bool = Field(
        default=True,
        description="Embed passages of every document at ingestion, for search by meaning (costs CPU).",
    )
    ocr_enabled: bool = Field(default=True, description="Run OCR on pages without a usable text layer.")
    watch_dir: Path | None = Field(default=None, description="Inbox folder watched for new files.")
    company_domains: str = Field(default="", description="Comma-separated e-mail domains of the company.")
    imap_host: str = Field(default="", description="IMAP server to poll; empty turns IMAP off.")
    imap_port: int = Field(default=0, description="IMAP port; 0 means 993 with ssl, 143 otherwise.")
    imap_user: str = Field(default="", description="IMAP user name.")
    imap_password: SecretStr = Field(default=SecretStr(""), description="IMAP password.")
    imap_folders: str = Field(default="INBOX", description="Comma-separated folders to poll.")
    imap_security: Literal["ssl", "starttls", "none"] = Field(default="ssl", description="IMAP transport.")
    imap_poll_seconds: float = Field(default=60.0, description="Seconds between IMAP polls.")
    response_sla_hours: float = Field(default=48.0, description="Complaints answered within this many hours.")
    log_format: Literal["text", "json"] = Field(default="text", description="'json' for one object per line.")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; "
        "empty: none (the peer address is the client, whatever the headers say).",
    )
    auth_disabled: bool = Field(
        default=False,
        description="Single-user mode without login: every request acts as a local admin. Never on a server.",
    )

    @model_validator(mode="after")
    def _credentials_out_of_the_url(self) -> Settings:
        """``https://user:secret@host`` works, but the credentials move to their own settings:
        the URL is printed in logs and errors, a password must never be."""
        urls = []
        for url in self.cluster_url.split(","):
            parts = urlsplit(url.strip())
            if parts.username is not None or parts.password is not None:
                if not self.cluster_username:
                    self.cluster_username = unquote(parts.username or "")
                if not self.cluster_password.get_secret_value():
                    self.cluster_password = SecretStr(unquote(parts.password or ""))
                host = parts.netloc.rsplit("@", 1)[1]
                url = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
            urls.append(url.strip())
        self.cluster_url = ",".join(urls)
        return self

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def inbox_dir(self) -> Path:
        return self.watch_dir or self.data_dir / "inbox"

    @property
    def resolved_catalog_url(self) -> str:
        return self.catalog_url or f"sqlite:///{self.data_dir / 'catalog.sqlite3'}"

    def ensure_dirs(self) -> None:
        for path in (self.data_dir, self.archive_dir, self.index_dir, self.inbox_dir):
            path.mkdir(parents=True, exist_ok=True)


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword arguments win (tests pass their own)."""
    return Settings(**overrides)  # type: ignore[arg-type]
