"""Delivery-to-acknowledgement latency of `ticketd run` in daemon mode, with
IMAP IDLE and with polling only (`idle = false`), in the same run (issue 8:
"latency under 1 s p50 in daemon mode"). Called by `bench/run --latency`.

For each mode, on fresh servers (tests/harness/mailservers.py: Dovecot, and
an SMTP server that delivers with dovecot-lda) and a fresh store:
  - starts `ticketd run` (daemon mode) with rules/examples, four agents in
    two groups, poll_seconds P (the same in both modes: only `idle` differs);
  - M times, one mail at a time: a customer mail over SMTP to support@ (a
    new SMTP connection per mail, as a customer's MTA); the clock starts
    when the SMTP server has answered the DATA (it answers after
    dovecot-lda stored the mail, so the mail is in support's INBOX); it
    stops when the acknowledgement is in the customer's INBOX, watched with
    STATUS every 10 ms over one IMAP connection (what a mail client would
    see); then a pause of 1 s plus a random 0-P seconds, so that the
    deliveries fall at random points of the poll cycle (the cycle that sent
    the acknowledgement has just ended). At least 1 s: Dovecot tells an IDLE
    client about a change 500 ms after it (NOTIFY_DELAY_MSECS in its
    mailbox-watch.c), and a delivery inside the window opened by our own
    flag change on the previous mail would ride on that notice and look
    faster than a mail arriving out of the blue;
  - prints p50, p90, p99, min and max.
"""

import imaplib
import os
import random
import shutil
import signal
import smtplib
import statistics
import subprocess
import tempfile
import textwrap
import time

from mailservers import MailServers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUSTOMER = "cust00"
AGENTS = ["wang.fang", "sarah.chen", "li.na", "alex.kim"]

AGENTS_TOML = textwrap.dedent("""
    [[agent]]
    name = "wang.fang"
    addresses = ["wang.fang@{d}"]
    groups = ["support", "billing"]
    skills = ["chinese", "product-cloudbox"]

    [[agent]]
    name = "sarah.chen"
    addresses = ["sarah.chen@{d}"]
    groups = ["support"]
    skills = ["product-netguard"]

    [[agent]]
    name = "li.na"
    addresses = ["li.na@{d}"]
    groups = ["billing"]

    [[agent]]
    name = "alex.kim"
    addresses = ["alex.kim@{d}"]
    groups = ["support"]
    skills = ["product-cloudbox"]

    [[group]]
    name = "support"
    lead = "sarah.chen"

    [[group]]
    name = "billing"
    lead = "li.na"
    """)

SUBJECTS = ["Order {n} has not arrived", "Refund for invoice {n}", "CloudBox sync error {n}",
            "NetGuard login fails ({n})", "订单 {n} 还没有收到", "Password reset does not work ({n})"]


def write_config(servers, folder, poll_seconds, idle):
    secret = os.path.join(folder, "reply.key")
    with open(secret, "w") as f:
        f.write("bench-secret-" + "0123456789abcdef" * 2 + "\n")
    config = textwrap.dedent(f"""\
        [store]
        path = "{os.path.join(folder, 'tickets.db')}"

        [daemon]
        poll_seconds = {poll_seconds}
        auto_replies_per_hour = 1000

        [templates]
        dir = "{os.path.join(ROOT, 'templates')}"

        [security]
        secret_file = "{secret}"

        [rules]
        dir = "{os.path.join(ROOT, 'rules', 'examples')}"

        [smtp]
        url = "{servers.smtp_url}"

        [[mailbox]]
        name = "support"
        url = "{servers.imap_url}"
        user = "support"
        password_file = "{servers.password_file('support')}"
        address = "support@{servers.domain}"
        display_name = "Example Support"
        idle = {"true" if idle else "false"}
        """) + AGENTS_TOML.replace("{d}", servers.domain)
    path = os.path.join(folder, "ticketd.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(config)
    return path


def customer_mail(servers, n):
    sender = f"{CUSTOMER}@{servers.domain}"
    subject = SUBJECTS[n % len(SUBJECTS)].format(n=n)
    from email.header import Header
    headers = [f"From: Customer {n} <{sender}>", f"To: support@{servers.domain}",
               f"Subject: {Header(subject, 'utf-8').encode()}", f"Message-ID: <lat{n}-{time.time_ns()}@customer.example>",
               "Date: " + time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    body = f"Hello,\n\nplease help with case {n}: it has not worked since yesterday.\n\nThanks\n"
    return sender, ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


class Inbox:
    """The customer's INBOX over one IMAP connection: STATUS (MESSAGES)."""

    def __init__(self, servers, user):
        self.conn = imaplib.IMAP4("127.0.0.1", servers.imap_port, timeout=30)
        self.conn.login(user, servers.password(user))

    def count(self):
        _, data = self.conn.status("INBOX", "(MESSAGES)")
        return int(data[0].split(b"MESSAGES ")[1].rstrip(b")"))

    def close(self):
        try:
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def wait_for_log(path, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, "rb") as f:
            if text.encode() in f.read():
                return True
        time.sleep(0.05)
    return False


def measure(ticketd, mode, mails, poll_seconds, seed, keep=None):
    """Latencies in seconds of `mails` deliveries with `mode` "idle" or "polling"."""
    rng = random.Random(seed)
    with MailServers(users=["support", CUSTOMER] + AGENTS) as servers:
        folder = tempfile.mkdtemp(prefix="ticketd_latency_")
        try:
            config = write_config(servers, folder, poll_seconds, mode == "idle")
            log_path = os.path.join(folder, "ticketd.log")
            with open(log_path, "wb") as log:
                daemon = subprocess.Popen([ticketd, "--config", config, "run"], stdout=subprocess.DEVNULL,
                                          stderr=log)
            inbox = None
            try:
                ready = "watching INBOX with IMAP IDLE" if mode == "idle" else "ticketd running"
                if not wait_for_log(log_path, ready, 30):
                    raise RuntimeError(f"ticketd did not start ({mode}): see {log_path}")
                time.sleep(0.5)  # the cycle that follows the IDLE start
                inbox = Inbox(servers, CUSTOMER)
                latencies = []
                for n in range(mails):
                    sender, raw = customer_mail(servers, n)
                    before = inbox.count()
                    with smtplib.SMTP("127.0.0.1", servers.smtp_port, timeout=60) as smtp:
                        smtp.sendmail(sender, [f"support@{servers.domain}"], raw)
                        delivered = time.perf_counter()
                    deadline = delivered + poll_seconds + 60
                    while inbox.count() <= before:
                        if time.perf_counter() > deadline:
                            raise RuntimeError(f"no acknowledgement for mail {n} ({mode}): see {log_path}")
                        time.sleep(0.01)
                    latencies.append(time.perf_counter() - delivered)
                    time.sleep(1.0 + rng.uniform(0, poll_seconds))
                return latencies
            finally:
                if inbox:
                    inbox.close()
                if daemon.poll() is None:
                    daemon.send_signal(signal.SIGTERM)
                    try:
                        daemon.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        daemon.kill()
                        daemon.wait()
                if keep:
                    shutil.copy(log_path, os.path.join(keep, f"ticketd-latency-{mode}.log"))
                    shutil.copy(config, os.path.join(keep, f"ticketd-latency-{mode}.toml"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def percentile(values, p):
    """The p-th percentile, linear between closest ranks (numpy's default)."""
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main(args, ticketd, machine):
    results = {}
    for mode in ("idle", "polling"):
        print(f"latency, {mode}: {args.latency_mails} mails one at a time, poll_seconds = "
              f"{args.latency_poll_seconds}", flush=True)
        t = time.perf_counter()
        results[mode] = measure(ticketd, mode, args.latency_mails, args.latency_poll_seconds, seed=42,
                                keep=args.keep)
        print(f"  {mode}: done in {time.perf_counter() - t:.0f} s", flush=True)

    print("\n== ticketd latency: SMTP delivery to support@ -> acknowledgement in the customer's INBOX ==")
    print(f"machine: {machine}")
    print(f"daemon mode (`ticketd run`), poll_seconds = {args.latency_poll_seconds} in both modes, "
          f"{args.latency_mails} mails one at a time")
    print(f"{'':28} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'min ms':>8} {'max ms':>8} {'mean ms':>8}")
    for mode, label in (("idle", "IMAP IDLE (idle = true)"), ("polling", "polling only (idle = false)")):
        v = results[mode]
        print(f"{label:28} {percentile(v, 50) * 1000:8.0f} {percentile(v, 90) * 1000:8.0f} "
              f"{percentile(v, 99) * 1000:8.0f} {min(v) * 1000:8.0f} {max(v) * 1000:8.0f} "
              f"{statistics.mean(v) * 1000:8.0f}")
    return 0
