#!/usr/bin/python3
"""Hostile mail at volume (issue 8, faults 5): the fuzzer's corpus (the
parser's test mails and every regression input) and deliberately broken
mails (a 2 MB header block, 10,000 MIME parts, a 50 MB attachment, binary
garbage, 5,000 nested multiparts, 5,000 nested message/rfc822) delivered
to the support mailbox and taken in by `ticketd run`. Each becomes a ticket
with its raw mail kept, or, for the mail over the fetch limit, a ticket
made from its header saying so while the whole mail stays on the server;
a mail over [limits] max_mail_bytes is read in part with a note saying so;
none is left unprocessed, the daemon stays up, and its peak memory stays
bounded."""

import glob
import hashlib
import os
import random
import sqlite3
import unittest

from ticketd_env import SOURCE_DIR, TICKETD, MailServers, Ticketd, wait_until

FETCH_LIMIT = 64 << 20  # ImapAccount::max_message_bytes


def built_with_asan(binary):
    """CI builds under ASan in build-test/; look at the binary, not its path."""
    try:
        with open(binary, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


SANITIZED = built_with_asan(TICKETD)


def header_block(rng):
    # 2 MB of header fields: far over [limits] max_header_count (1000 per entity).
    fields = [f"X-Filler-{i}: {rng.randbytes(90).hex()}\r\n".encode() for i in range(11000)]
    return b"".join(fields)


def hostile_mails(rng):
    """(name, raw bytes) of the generated hostile mails."""
    def head(n, ctype):
        return (f"From: Mallory <mallory{n}@evil.example>\r\nTo: support@example.test\r\n"
                f"Subject: hostile {n}\r\nMessage-ID: <hostile-{n}@evil.example>\r\n"
                f"MIME-Version: 1.0\r\nContent-Type: {ctype}\r\n").encode()

    mails = []
    mails.append(("2 MB header block", head("headers", "text/plain") + header_block(rng) + b"\r\nbody\r\n"))

    parts = [b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(10000)]
    mails.append(("10,000 MIME parts", head("parts", 'multipart/mixed; boundary="p"') + b"\r\n"
                  + b"".join(parts) + b"--p--\r\n"))

    nested = b"".join(b'--n%d\r\nContent-Type: multipart/mixed; boundary="n%d"\r\n\r\n' % (i, i + 1)
                      for i in range(5000))
    mails.append(("5,000 nested multiparts", head("nested", 'multipart/mixed; boundary="n0"') + b"\r\n" + nested
                  + b"--n5000\r\nContent-Type: text/plain\r\n\r\ndeep\r\n"))

    rfc822 = b"".join(b"Content-Type: message/rfc822\r\n\r\nSubject: level %d\r\n" % i for i in range(5000))
    mails.append(("5,000 nested message/rfc822", head("rfc822", "message/rfc822") + b"\r\n" + rfc822
                  + b"Content-Type: text/plain\r\n\r\nbottom\r\n"))

    garbage = bytes(b if b not in (0, 13, 10) else 0x41 for b in rng.randbytes(1 << 20))
    mails.append(("binary garbage", b"\xff\xfe" + b"\r\n".join(garbage[i:i + 700] for i in range(0, len(garbage), 700))))

    # 50 MB attachment: 68 MB in base64, over the 64 MiB fetch limit.
    import base64
    data = base64.encodebytes(rng.randbytes(50 << 20)).replace(b"\n", b"\r\n")
    mails.append(("50 MB attachment", head("big", 'multipart/mixed; boundary="b"') + b"\r\n--b\r\n"
                  b"Content-Type: text/plain\r\n\r\nsee attachment\r\n--b\r\nContent-Type: application/zip\r\n"
                  b"Content-Disposition: attachment; filename=\"big.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  + data + b"--b--\r\n"))
    return mails


class HostileMail(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        # The parse limit: larger mail is read up to it, says so in a note,
        # and keeps its whole raw mail (fetching has its own 64 MiB limit).
        self.ticketd.add_config("limits", "max_mail_bytes = 1048576")

    def test_fuzz_corpus_and_broken_mails_each_become_a_ticket_the_daemon_stays_up_and_memory_is_bounded(self):
        rng = random.Random(8)
        corpus = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests", "corpus", "mail", "*.eml"))
                        + [p for p in glob.glob(os.path.join(SOURCE_DIR, "tests", "corpus", "regressions", "*"))
                           if not p.endswith("README")])
        mails = []
        for path in corpus:
            with open(path, "rb") as f:
                mails.append((os.path.basename(path), f.read()))
        mails += hostile_mails(rng)
        for name, raw in mails:
            # Through the MTA's local delivery, as mail arrives (binary too).
            self.servers.deliver("support", raw)
        # The mail over the 64 MiB fetch limit is never held in memory (only
        # its header is fetched), so the bound counts the largest mail taken.
        largest = max(len(raw) for _, raw in mails if len(raw) <= FETCH_LIMIT)

        daemon = self.ticketd.daemon()
        self.addCleanup(daemon.kill)

        def drained():
            daemon.sample_memory()
            flags = self.servers.flags("support")
            return len(flags) == len(mails) and all("$Ticketd" in f for f in flags.values())
        self.assertTrue(wait_until(drained, timeout=120, interval=0.5), daemon.log()[-4000:])
        self.assertTrue(daemon.alive(), daemon.log()[-4000:])
        peak_kib = daemon.sample_memory()
        log = daemon.log()
        self.assertEqual(daemon.stop(), 0, log[-4000:])

        # Every mail is a ticket (or a follow-up on one) with its raw mail.
        server_copies = self.servers.messages("support")
        self.assertEqual(len(server_copies), len(mails))
        db = sqlite3.connect(f"file:{self.ticketd.store_path}?mode=ro", uri=True)
        stored = db.execute("SELECT m.message_id, r.sha256 FROM messages m LEFT JOIN raw_mails r "
                            "ON r.id = m.raw_mail_id WHERE m.direction = 'in'").fetchall()
        db.close()
        self.assertEqual(len(stored), len(mails), log[-4000:])
        kept = {sha for _, sha in stored if sha}
        over_limit = [copy for copy in server_copies if len(copy) > FETCH_LIMIT]
        for copy in server_copies:
            if len(copy) <= FETCH_LIMIT:
                self.assertIn(hashlib.sha256(copy).hexdigest(), kept, copy[:200])
        # The one over the fetch limit: a ticket from its header, saying so; the
        # whole mail stays on the server (marked, so it is not fetched again).
        self.assertEqual(len(over_limit), 1)
        big = [t for t in self.ticketd.tickets(limit=1000) if t["subject"] == "hostile big"]
        self.assertEqual(len(big), 1)
        text = " ".join(m["body"] for m in self.ticketd.ticket(big[0]["number"])["messages"])
        self.assertIn("too large", text)
        self.assertRegex(log, r"support: UID \d+ is over the size limit of 67108864 bytes: its ticket is made from "
                              r"its header, the whole mail stays on the server")

        # Over [limits] max_mail_bytes: read in part, recorded as such.
        headers = next(t for t in self.ticketd.tickets(limit=1000) if t["subject"] == "hostile headers")
        notes = [e["detail"] for e in self.ticketd.ticket(headers["number"])["events"] if e["what"] == "parse-note"]
        self.assertIn("mail over 1048576 bytes: the rest not read", notes)

        # Memory: the daemon holds one mail at a time, its parse and its
        # store transaction: 64 MiB + 3x the largest mail (issue 8's target
        # is 64 MiB + 1x for realistic mail; hostile mail may cost more to
        # parse). Measured here: about 40 MiB; 127 MiB before search
        # indexing was capped (migration 8).
        limit_kib = (64 << 10) + 3 * largest // 1024
        if SANITIZED:
            # ASan's shadow memory, redzones and quarantine of freed blocks
            # inflate the resident set several times over; only a leak-sized
            # growth is caught there.
            limit_kib *= 4
        print(f"\npeak RSS {peak_kib // 1024} MiB (bound {limit_kib // 1024} MiB, largest mail taken "
              f"{largest / (1 << 20):.1f} MiB{', ASan' if SANITIZED else ''})", flush=True)
        self.assertLess(peak_kib, limit_kib)


if __name__ == "__main__":
    unittest.main(verbosity=2)
