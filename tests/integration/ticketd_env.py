"""A ticketd installation for integration tests: a config file pointing at
the harness's real Dovecot and SMTP servers, a store in a temporary
directory, and helpers to run the `ticketd` binary and read its tickets.

Used by the test_*.py files here; the binary comes from $TICKETD_BIN (set by
ctest), the source tree from $TICKETD_SOURCE_DIR.
"""

import email
import email.policy
import json
import os
import subprocess
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("TICKETD_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "harness"))

from mailservers import MailServers  # noqa: E402

TICKETD = os.environ.get("TICKETD_BIN", os.path.join(SOURCE_DIR, "build", "daemon", "ticketd"))


class Ticketd:
    """One ticketd installation (config + store) using `servers`."""

    def __init__(self, servers, mailbox_user="support", extra_config="", rules_dir=None,
                 processed_folder="", agents=""):
        self.servers = servers
        self.dir = os.path.join(servers.directory, "ticketd")
        os.makedirs(self.dir, exist_ok=True)
        self.config_path = os.path.join(self.dir, "ticketd.toml")
        self.store_path = os.path.join(self.dir, "tickets.db")
        self.support = servers.address(mailbox_user)
        rules = f'[rules]\ndir = "{rules_dir}"\n' if rules_dir else ""
        processed = f'processed_folder = "{processed_folder}"\n' if processed_folder else ""
        config = textwrap.dedent(f"""\
            [store]
            path = "{self.store_path}"

            [daemon]
            poll_seconds = 1

            [templates]
            dir = "{os.path.join(SOURCE_DIR, 'templates')}"

            [smtp]
            url = "{servers.smtp_url}"

            [outbox]
            first_retry_seconds = 1
            max_retry_seconds = 2

            [[mailbox]]
            name = "support"
            url = "{servers.imap_url}"
            user = "{mailbox_user}"
            password_file = "{servers.password_file(mailbox_user)}"
            address = "{self.support}"
            display_name = "Example Support"
            """) + processed + "\n" + rules + extra_config + agents
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(config)

    def run(self, *args, input=None, check=True, timeout=120):
        """Runs `ticketd --config CONF ARGS...`; returns the CompletedProcess."""
        result = subprocess.run([TICKETD, "--config", self.config_path, *args], input=input,
                                capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"ticketd {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout: {result.stdout.decode(errors='replace')}\n"
                                 f"stderr: {result.stderr.decode(errors='replace')}")
        return result

    def run_once(self, check=True):
        return self.run("run", "--once", check=check)

    def tickets(self):
        return json.loads(self.run("tickets", "list", "--json").stdout)

    def ticket(self, number):
        return json.loads(self.run("tickets", "show", str(number), "--json").stdout)

    def outbox(self):
        return json.loads(self.run("outbox", "list", "--json").stdout)


def parse(raw):
    """A received mail as Python's email package reads it (policy default)."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def customer_mail(sender, to, subject, body, message_id, in_reply_to=None, references=None,
                  charset="utf-8", extra_headers=""):
    """A mail as a customer's client writes it, as bytes with CRLF line ends."""
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
               "Date: Mon, 16 Nov 2026 09:30:00 +0800", f"Message-ID: <{message_id}>",
               "MIME-Version: 1.0", f"Content-Type: text/plain; charset={charset}",
               "Content-Transfer-Encoding: 8bit"]
    if in_reply_to:
        headers.append(f"In-Reply-To: <{in_reply_to}>")
    if references:
        headers.append("References: " + " ".join(f"<{r}>" for r in references))
    text = "\r\n".join(headers) + "\r\n" + extra_headers + "\r\n"
    return text.encode("ascii") + body.replace("\n", "\r\n").encode(charset)


def wait_until(predicate, timeout=20.0, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
