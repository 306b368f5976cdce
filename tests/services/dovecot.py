"""A real Dovecot IMAP server on 127.0.0.1 for tests, with its own config in a temp folder.

Debian's ``dovecot-imapd`` (installed by ``scripts/setup.sh --test``) runs in the
foreground (``dovecot -F -c <config>``) with everything under `folder`: one
user from a static passwd-file, Maildir storage, plaintext login on loopback,
no SSL, a free port::

    with DovecotServer(tmp_path, user="mario", password="secret") as server:
        imaplib.IMAP4(server.host, server.port).login("mario", "secret")

As root, mail is owned by the ``dovecot`` system user (Dovecot refuses uid 0
for mail) and, since pytest's temp folders are private to root, the server's
files live in a folder of their own under the system temp dir, removed on stop.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.processes import free_port

__all__ = ["DovecotServer", "DovecotUnavailable", "dovecot_binary", "free_port"]

START_TIMEOUT = 30.0


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or did not start."""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


class DovecotServer:
    """A foreground Dovecot with a generated configuration; a context manager."""

    def __init__(self, folder: Path, user: str = "faldone", password: str = "secret") -> None:
        self._own_folder = os.geteuid() == 0
        if self._own_folder:  # the dovecot user must be able to reach its files
            folder = Path(tempfile.mkdtemp(prefix="faldone-dovecot-"))
            folder.chmod(0o755)
        self.folder = folder
        self.user = user
        self.password = password
        self.host = "127.0.0.1"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        if os.geteuid() == 0:
            account = pwd.getpwnam("dovecot")
            self.uid, self.gid, self.service_user = account.pw_uid, account.pw_gid, "dovecot"
        else:
            account = pwd.getpwuid(os.geteuid())
            self.uid, self.gid, self.service_user = account.pw_uid, account.pw_gid, account.pw_name

    @property
    def maildir(self) -> Path:
        return self.folder / "mail" / self.user / "Maildir"

    def _config(self) -> Path:
        run, state, mail = self.folder / "run", self.folder / "state", self.folder / "mail"
        for path in (run, state, mail):
            path.mkdir(parents=True, exist_ok=True)
        users = self.folder / "users"
        home = mail / self.user
        users.write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{self.uid}:{self.gid}::{home}::\n", encoding="utf-8"
        )
        config = self.folder / "dovecot.conf"
        config.write_text(
            f"""
base_dir = {run}
state_dir = {state}
log_path = {self.folder / "dovecot.log"}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = {min(self.uid, 1)}
first_valid_gid = {min(self.gid, 1)}
default_login_user = {self.service_user if os.geteuid() != 0 else "dovenull"}
default_internal_user = {self.service_user}
default_internal_group = {grp.getgrgid(self.gid).gr_name}
passdb {{
  driver = passwd-file
  args = {users}
}}
userdb {{
  driver = passwd-file
  args = {users}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""",
            encoding="utf-8",
        )
        if os.geteuid() == 0:  # the mail processes run as the dovecot user
            os.chown(mail, self.uid, self.gid)
            os.chmod(self.folder, 0o755)
            os.chmod(users, 0o644)
        return config

    def start(self) -> DovecotServer:
        binary = dovecot_binary()
        if binary is None:
            raise DovecotUnavailable("dovecot is not installed (apt-get install dovecot-imapd)")
        config = self._config()
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DovecotUnavailable(f"dovecot exited: {self._errors()}")
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client = imaplib.IMAP4(self.host, self.port, timeout=5)
                try:
                    client.login(self.user, self.password)
                    return self
                finally:
                    with contextlib.suppress(OSError, imaplib.IMAP4.error):
                        client.logout()  # closes the socket, logged in or not
            time.sleep(0.2)
        errors = self._errors()
        self.stop()
        raise DovecotUnavailable(f"dovecot did not answer on port {self.port}: {errors}")

    def _errors(self) -> str:
        log = self.folder / "dovecot.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        if self.process is not None and self.process.stderr is not None and self.process.poll() is not None:
            text += self.process.stderr.read().decode(errors="replace")
        return text[-2000:]

    def deliver(self, message: bytes, folder: str = "INBOX") -> None:
        """APPEND a message to `folder` (created when missing), as a mail server would deliver it."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            client.login(self.user, self.password)
            if folder != "INBOX":
                client.create(folder)
            status, data = client.append(folder, "", imaplib.Time2Internaldate(time.time()), message)
            if status != "OK":
                raise DovecotUnavailable(f"APPEND failed: {data!r}")
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
