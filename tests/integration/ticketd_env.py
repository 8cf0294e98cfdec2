"""A ticketd installation for integration tests: a config file pointing at
the harness's real Dovecot and SMTP servers, a store in a temporary
directory, and helpers to run the `ticketd` binary and read its tickets.

Used by the test_*.py files here; the binary comes from $TICKETD_BIN (set by
ctest), the source tree from $TICKETD_SOURCE_DIR.

Also: `RunningDaemon` (`ticketd run` in the background with its log, kill,
stop, peak RSS), `Ticketd.add_config()` and `add_mailbox_config()`, `Ticketd.incoming_by_message_id()`,
and `customer_batch()`, the mixed customer mails (corpus charsets,
attachments, replies to earlier mails) of the fault tests.
"""

import email
import email.policy
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
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
                 processed_folder="", agents="", folder="", store_dir=None):
        self.servers = servers
        self.dir = os.path.join(servers.directory, "ticketd")
        os.makedirs(self.dir, exist_ok=True)
        self.config_path = os.path.join(self.dir, "ticketd.toml")
        self.store_path = os.path.join(store_dir or self.dir, "tickets.db")
        self.support = servers.address(mailbox_user)
        rules = f'[rules]\ndir = "{rules_dir}"\n' if rules_dir else ""
        processed = f'processed_folder = "{processed_folder}"\n' if processed_folder else ""
        if folder:
            processed += f'folder = "{folder}"\n'
        self.folder = folder or "INBOX"
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

    def tickets(self, limit=None):
        extra = ["--limit", str(limit)] if limit else []
        return json.loads(self.run("tickets", "list", "--json", *extra).stdout)

    def ticket(self, number):
        return json.loads(self.run("tickets", "show", str(number), "--json").stdout)

    def outbox(self, limit=100000):
        return json.loads(self.run("outbox", "list", "--json", "--limit", str(limit)).stdout)

    def add_config(self, table, lines):
        """Adds `lines` (TOML key = value text) to an existing single table
        such as "daemon" or "outbox", or appends the table when missing."""
        with open(self.config_path, encoding="utf-8") as f:
            text = f.read()
        head = f"[{table}]\n"
        if head in text:
            text = text.replace(head, head + lines.rstrip("\n") + "\n", 1)
        else:
            text += f"\n{head}{lines.rstrip(chr(10))}\n"
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(text)

    def add_mailbox_config(self, lines):
        """Adds `lines` (TOML key = value text) to the [[mailbox]] table."""
        with open(self.config_path, encoding="utf-8") as f:
            text = f.read()
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(text.replace("[[mailbox]]\n", "[[mailbox]]\n" + lines.rstrip("\n") + "\n", 1))

    def incoming_by_message_id(self):
        """{Message-ID: [ticket number, ...]} of every customer mail stored,
        read straight from the SQLite store (one query instead of a
        `tickets show` per ticket, which for hundreds of tickets under ASan
        would take most of a test's time budget)."""
        db = sqlite3.connect(f"file:{self.store_path}?mode=ro", uri=True, timeout=30)
        try:
            rows = db.execute("SELECT m.message_id, t.number FROM messages m JOIN tickets t ON t.id = m.ticket_id "
                              "WHERE m.direction = 'in' ORDER BY m.id").fetchall()
        finally:
            db.close()
        result = {}
        for message_id, number in rows:
            result.setdefault(message_id, []).append(number)
        return result

    def daemon(self, **kwargs):
        """`ticketd run` in the background (see RunningDaemon)."""
        return RunningDaemon(self, **kwargs)


class RunningDaemon:
    """`ticketd run` in the background, its stderr in a file we can read.
    `preexec_fn` runs in the child before exec (e.g. to set an rlimit)."""

    def __init__(self, ticketd, preexec_fn=None, args=()):
        self.log_file = tempfile.NamedTemporaryFile(mode="w+b", dir=ticketd.dir, suffix=".log", delete=False)
        self.proc = subprocess.Popen([TICKETD, "--config", ticketd.config_path, "run", *args],
                                     stdout=subprocess.DEVNULL, stderr=self.log_file, preexec_fn=preexec_fn)
        self.peak_rss_kib = 0

    def log(self):
        with open(self.log_file.name, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def wait_for_log(self, text, timeout=30, count=1):
        """True once `text` appears `count` times in the log."""
        return wait_until(lambda: self.log().count(text) >= count, timeout=timeout, interval=0.005)

    def sample_memory(self):
        """Reads VmHWM (the peak resident set so far) from /proc; keeps the
        highest seen, so a last sample just before the end covers the run."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
        except OSError:
            return self.peak_rss_kib
        if m:
            self.peak_rss_kib = max(self.peak_rss_kib, int(m.group(1)))
        return self.peak_rss_kib

    def stop(self, timeout=15):
        if self.proc.poll() is None:
            self.sample_memory()
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


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


# --- mail batches for the fault tests ----------------------------------------

# Corpus mails that a customer writes by hand: no automatic mail (their
# acknowledgement would be suppressed) and no "[#N]" subject tag (which could
# thread onto whatever ticket of that customer has number N).
CORPUS_CUSTOMER_MAILS = [
    "apple_mail_flowed", "big5_outlook", "broken_encodings", "forwarded_rfc822", "foxmail_gb2312",
    "html_only", "inline_image_related", "iso2022jp", "netease_attachment", "no_charset_gbk",
    "raw_gbk_filename", "shift_jis", "smime_encrypted", "thunderbird_rfc2231_signed", "tnef_winmail",
    "windows1252_mislabeled",
]

_SIMPLIFIED_LINES = ["您好，我的订单还没有发货，请帮忙查一下。", "退款什么时候到账？", "附件是保修卡的照片。"]
_TRADITIONAL_LINES = ["發票抬頭寫錯了，請重新開立。", "謝謝您的回覆，問題仍然存在。", "請問維修需要多久？"]


def with_headers(raw, replace):
    """`raw` with the top-level header fields named in `replace` (lower-case
    name -> new value, None to drop) replaced or dropped; new ones go first.
    Folded fields are handled; the body is untouched."""
    sep = raw.find(b"\r\n\r\n")
    nl = b"\r\n"
    if sep < 0 or (0 <= raw.find(b"\n\n") < sep):
        sep, nl = raw.find(b"\n\n"), b"\n"
    head, body = raw[:sep], raw[sep:]
    fields = []
    for line in head.split(nl):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += nl + line
        else:
            fields.append(line)
    kept = [f for f in fields if f.split(b":", 1)[0].strip().lower().decode("latin-1") not in replace]
    added = [f"{name.title() if name != 'message-id' else 'Message-ID'}: {value}".encode("utf-8")
             for name, value in replace.items() if value is not None]
    return nl.join(added + kept) + body


def attachment_mail(sender, to, subject, text, message_id, charset, filename, data):
    """A multipart/mixed customer mail: text in `charset`, one base64 attachment."""
    import base64
    boundary = "=_b" + message_id.replace("@", ".")
    encoded = base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")
    head = (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 16 Nov 2026 09:30:00 +0800\r\n"
            f"Message-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    part1 = (f"--{boundary}\r\nContent-Type: text/plain; charset={charset}\r\n"
             f"Content-Transfer-Encoding: 8bit\r\n\r\n").encode("ascii") + text.encode(charset) + b"\r\n"
    part2 = (f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
             f"Content-Disposition: attachment; filename=\"{filename}\"\r\n"
             f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}--{boundary}--\r\n").encode("utf-8")
    return head.encode("ascii") + part1 + part2


class BatchMail:
    def __init__(self, raw, message_id, customer, parent=None):
        self.raw, self.message_id, self.customer, self.parent = raw, message_id, customer, parent
        self.root = self  # the mail whose ticket this one belongs on


def customer_batch(rng, count, customers, support, tag="b", reply_share=0.3):
    """`count` customer mails (BatchMail) from the addresses `customers`, in
    delivery order: corpus mails with new From/Message-ID, generated GBK/Big5/
    UTF-8 mails with and without attachments, and replies (In-Reply-To and
    References) to mails earlier in the batch, from the same customer."""
    corpus = os.path.join(SOURCE_DIR, "tests", "corpus", "mail")
    templates = []
    for name in CORPUS_CUSTOMER_MAILS:
        with open(os.path.join(corpus, name + ".eml"), "rb") as f:
            templates.append(f.read())
    batch = []
    for i in range(count):
        message_id = f"{tag}{i}.{rng.randrange(1 << 30)}@customer.example"
        charset = rng.choice(["utf-8", "gbk", "big5"])
        lines = _TRADITIONAL_LINES if charset == "big5" else _SIMPLIFIED_LINES
        text = rng.choice(lines) + f"\n(mail {i})\n"
        if i >= 5 and rng.random() < reply_share:
            parent = batch[rng.randrange(len(batch))]
            refs = [parent.message_id] if parent.parent is None else [parent.root.message_id, parent.message_id]
            raw = customer_mail(parent.customer, support, f"Re: follow-up {i}", text, message_id,
                                in_reply_to=parent.message_id, references=refs, charset=charset)
            mail = BatchMail(raw, message_id, parent.customer, parent)
            mail.root = parent.root
        else:
            customer = rng.choice(customers)
            kind = rng.random()
            if kind < 0.5:
                raw = with_headers(rng.choice(templates), {
                    "from": f"Customer {customer.split('@')[0]} <{customer}>", "message-id": f"<{message_id}>",
                    "in-reply-to": None, "references": None})
            elif kind < 0.75:
                data = rng.randbytes(rng.randrange(2000, 40000))
                raw = attachment_mail(customer, support, f"Attachment {i}", text, message_id, charset,
                                      rng.choice(["photo.jpg", "发票.pdf", "log.zip"]), data)
            else:
                raw = customer_mail(customer, support, f"Question {i}", text, message_id, charset=charset)
            mail = BatchMail(raw, message_id, customer)
        batch.append(mail)
    return batch
