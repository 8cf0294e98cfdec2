#!/usr/bin/python3
"""Servers going away (issue 8, faults 2), with `ticketd run` as a daemon:
Dovecot stopped in the middle of a batch and started again; the SMTP server
down across several retry attempts; an SMTP server answering 451 (retried,
delivered once it clears) and 550 (failed at once, visible in `ticketd
outbox list`). The daemon keeps running, says what is wrong in its log, and
catches up with every mail on one ticket and every acknowledgement
delivered exactly once.

The daemon backs off a server that is down by poll_seconds * 2^(failures-1)
(1 s here), and retries a mail after [outbox] first_retry_seconds doubling up
to max_retry_seconds (1 and 2 s here), so an outage spanning several
attempts takes seconds, not the minute of a real one."""

import re
import signal
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail, wait_until


class ServersGoingAway(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "bob", "carol"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        self.ticketd.add_config("daemon", "auto_replies_per_hour = 1000")
        self.daemon = None

    def start_daemon(self):
        self.daemon = self.ticketd.daemon()
        self.addCleanup(self.daemon.kill)
        return self.daemon

    def mails(self, user, count, tag, padding_bytes=0):
        address = self.servers.address(user)
        padding = ("Log line of the customer's device, for the ticket's record.\n" * (padding_bytes // 60 + 1)
                   if padding_bytes else "")
        return [customer_mail(f"<{address}>", self.ticketd.support, f"{tag} question {i}",
                              f"Question {i}.\n" + padding, f"{tag}{i}@{user}.example") for i in range(count)]

    def assert_alive(self):
        self.assertTrue(self.daemon.alive(), "the daemon must keep running:\n" + self.daemon.log()[-3000:])

    def acks_to(self, user):
        """{In-Reply-To: copies} of the mail in the user's mailbox."""
        counts = {}
        for raw in self.servers.messages(user):
            m = re.search(rb"^In-Reply-To:\s*<([^>]+)>", raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0],
                          re.M | re.I)
            if m:
                counts[m.group(1).decode()] = counts.get(m.group(1).decode(), 0) + 1
        return counts

    def sent_all(self, count):
        outbox = self.ticketd.outbox()
        return len(outbox) == count and all(m["state"] == "sent" for m in outbox)

    def test_dovecot_stopped_mid_batch_and_started_again_loses_and_doubles_nothing(self):
        count = 30
        # 1 MB each, 30 MB in all: more than the daemon fetches ahead (an
        # 8 MiB budget), so the batch cannot all be in memory, committed and
        # waiting only for its marks, before Dovecot goes away.
        self.servers.append_many("support", self.mails("alice", count, "imap", padding_bytes=1 << 20))
        daemon = self.start_daemon()
        # The daemon takes a mail in a few milliseconds, faster than Dovecot
        # stops; freezing it (SIGSTOP) while Dovecot goes away makes "in the
        # middle of the batch" certain instead of a race.
        # Early in the batch: the acknowledgements queued so far meet the
        # outage too (dovecot-lda answers 451 after about a second each).
        self.assertTrue(daemon.wait_for_log("support: UID", count=2, timeout=60), daemon.log())
        daemon.proc.send_signal(signal.SIGSTOP)
        self.servers.stop_imap()
        daemon.proc.send_signal(signal.SIGCONT)
        # The admin reads which mailbox failed, why, and when it is tried again.
        self.assertTrue(wait_until(lambda: len(re.findall(r"support: imap://\S+ \(support\): select INBOX: cannot "
                                                          r"connect: .*\(next try in \d+s\)", daemon.log())) >= 2,
                                   timeout=30), daemon.log()[-3000:])
        self.assert_alive()
        self.assertLess(len(self.ticketd.tickets(limit=1000)), count, "stopped mid-batch: make the batch bigger")
        self.servers.start_imap()

        self.assertTrue(wait_until(lambda: self.sent_all(count), timeout=60, interval=0.5), daemon.log()[-3000:])
        self.assert_alive()
        flags = self.servers.flags("support")
        self.assertEqual(len(flags), count)
        self.assertTrue(all("$Ticketd" in f for f in flags.values()))
        stored = self.ticketd.incoming_by_message_id()
        self.assertEqual(sorted(stored), sorted(f"imap{i}@alice.example" for i in range(count)))
        self.assertTrue(all(len(t) == 1 for t in stored.values()), "no mail stored twice")
        self.assertEqual(len(self.ticketd.tickets(limit=1000)), count)
        # Acknowledgements that met the outage (dovecot-lda answered 451) were
        # retried: each arrived, once.
        acks = wait_until(lambda: (lambda a: a if len(a) == count else None)(self.acks_to("alice")), timeout=20)
        self.assertEqual(acks, {f"imap{i}@alice.example": 1 for i in range(count)})
        self.assertEqual(daemon.stop(), 0)

    def test_an_smtp_outage_across_several_retries_delivers_every_queued_mail_exactly_once(self):
        self.servers.stop_smtp()
        count = 20
        self.servers.append_many("support", self.mails("bob", count, "smtp"))
        daemon = self.start_daemon()
        self.assertTrue(wait_until(lambda: len(self.ticketd.tickets()) == count, timeout=30), daemon.log())
        # Several attempts fail while it is down, each logged with the reason.
        self.assertTrue(wait_until(lambda: len(re.findall(r"outbox #\d+ to \S+ not sent \(attempt \d+\), retrying in",
                                                          daemon.log())) >= 3, timeout=30), daemon.log())
        self.assertIn("Couldn't connect", daemon.log())
        self.assertRegex(daemon.log(), rf"outbox: the SMTP server {re.escape(self.servers.smtp_url)} cannot be "
                                       r"reached; queued mail waits \(next try in \d+s\)")
        self.assertEqual({m["state"] for m in self.ticketd.outbox()}, {"queued"})
        self.assertEqual(self.acks_to("bob"), {})
        self.assert_alive()
        self.servers.start_smtp()

        self.assertTrue(wait_until(lambda: self.sent_all(count), timeout=60, interval=0.5), daemon.log()[-3000:])
        acks = wait_until(lambda: (lambda a: a if len(a) == count else None)(self.acks_to("bob")), timeout=20)
        self.assertEqual(acks, {f"smtp{i}@bob.example": 1 for i in range(count)})
        self.assert_alive()
        self.assertEqual(daemon.stop(), 0)

    def test_451_is_retried_until_it_clears_and_550_fails_at_once_into_the_outbox_failed_state(self):
        bob, carol = self.servers.address("bob"), self.servers.address("carol")
        self.servers.fail_recipient(bob, 451)
        self.servers.fail_recipient(carol, 550)
        self.servers.append_many("support", self.mails("alice", 1, "a") + self.mails("bob", 1, "b")
                                 + self.mails("carol", 1, "c"))
        daemon = self.start_daemon()
        self.assertTrue(wait_until(lambda: self.acks_to("alice"), timeout=30), daemon.log())
        # 550: failed on the first attempt, logged, listed as failed with the server's answer.
        self.assertTrue(daemon.wait_for_log(f"to {carol} failed permanently: ", timeout=30), daemon.log())
        listing = self.ticketd.run("outbox", "list", "--state", "failed").stdout.decode()
        self.assertIn(carol, listing)
        self.assertIn("550", listing)
        carol_row = next(m for m in self.ticketd.outbox() if carol in m["recipients"])
        self.assertEqual((carol_row["state"], carol_row["attempts"]), ("failed", 1))
        # 451: retried, still queued, while the server keeps deferring.
        self.assertTrue(daemon.wait_for_log(f"to {bob} not sent (attempt 3)", timeout=30), daemon.log())
        bob_row = next(m for m in self.ticketd.outbox() if bob in m["recipients"])
        self.assertEqual(bob_row["state"], "queued")
        self.assertIn("451", bob_row["last_error"])
        self.assert_alive()

        self.servers.clear_failures()
        self.assertTrue(wait_until(lambda: self.acks_to("bob"), timeout=30), daemon.log()[-3000:])
        self.assertEqual(self.acks_to("bob"), {"b0@bob.example": 1})
        self.assertEqual(self.acks_to("carol"), {}, "a 550 is not retried")
        states = {m["recipients"][0]: m["state"] for m in self.ticketd.outbox()}
        self.assertEqual(states, {self.servers.address("alice"): "sent", bob: "sent", carol: "failed"})
        self.assert_alive()
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
