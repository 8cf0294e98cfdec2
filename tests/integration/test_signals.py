#!/usr/bin/python3
"""The daemon under signals, the way systemd sends them (issue 7):
SIGTERM in the middle of a batch finishes the mail in hand and exits, and a
restart takes the rest, so every mail becomes exactly one ticket; SIGHUP
with a broken rule file keeps the running rules (and says so in the log),
and with a fixed one loads the new rules."""

import os
import signal
import textwrap
import time
import unittest

from ticketd_env import MailServers, RunningDaemon, Ticketd, customer_mail, wait_until


class Sigterm(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)

    def test_sigterm_during_a_batch_loses_no_mail_and_processes_none_twice(self):
        alice = self.servers.address("alice")
        count = 50
        for i in range(count):
            raw = customer_mail(f"Alice <{alice}>", self.ticketd.support, f"Question {i:02d}",
                                f"Question number {i}.\n", f"q{i}@alice.example")
            self.servers.append("support", raw)

        daemon = RunningDaemon(self.ticketd)
        self.addCleanup(daemon.kill)
        # SIGTERM as soon as the batch is under way.
        self.assertTrue(wait_until(lambda: "support: UID" in daemon.log(), timeout=60, interval=0.02),
                        daemon.log())
        started = time.monotonic()
        code = daemon.stop()
        stop_seconds = time.monotonic() - started
        self.assertEqual(code, 0, daemon.log())
        self.assertLess(stop_seconds, 10, "SIGTERM must stop the daemon within seconds")
        self.assertIn("ticketd stopping", daemon.log())
        first_run = len(self.ticketd.tickets())
        self.assertGreater(first_run, 0)
        self.assertLess(first_run, count, "the daemon should have been stopped mid-batch; "
                                          "make the batch bigger if this machine is fast")

        # Every mail that made a ticket is marked processed, none other.
        flags = self.servers.flags("support")
        marked = sum(1 for f in flags.values() if "$Ticketd" in f)
        self.assertEqual(marked, first_run)

        # A restart drains the rest.
        self.ticketd.run_once()
        tickets = self.ticketd.tickets()
        subjects = sorted(t["subject"] for t in tickets)
        self.assertEqual(subjects, [f"Question {i:02d}" for i in range(count)])
        flags = self.servers.flags("support")
        self.assertTrue(all("$Ticketd" in f for f in flags.values()), flags)
        # And a further cycle finds nothing new.
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), count)
        acks = [m for m in self.ticketd.outbox() if m.get("kind") == "ack"]
        acked_tickets = [m.get("ticket") for m in acks]
        self.assertEqual(len(acked_tickets), len(set(acked_tickets)), "no ticket acknowledged twice")


RULES_V1 = textwrap.dedent("""\
    [[rule]]
    name = "refunds"
    when = [{ field = "subject", contains = "refund" }]
    then = { add_tags = ["refund-v1"] }
    """)
RULES_BROKEN = textwrap.dedent("""\
    [[rule]]
    name = "refunds"
    when = [{ field = "subject", contain = "refund" }]
    then = { add_tagz = ["refund-v2"] }
    """)
RULES_V2 = RULES_V1.replace("refund-v1", "refund-v2")


class Sighup(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.rules_dir = os.path.join(self.servers.directory, "rules")
        os.makedirs(self.rules_dir)
        self.write_rules(RULES_V1)
        self.ticketd = Ticketd(self.servers, rules_dir=self.rules_dir)
        self.alice = self.servers.address("alice")

    def write_rules(self, text):
        with open(os.path.join(self.rules_dir, "10-refunds.toml"), "w", encoding="utf-8") as f:
            f.write(text)

    def mail_and_tags(self, daemon, n):
        raw = customer_mail(f"Alice <{self.alice}>", self.ticketd.support, f"refund please {n}",
                            "Please refund my order.\n", f"refund{n}@alice.example")
        self.servers.append("support", raw)
        ticket = wait_until(lambda: next((t for t in self.ticketd.tickets()
                                          if t["subject"] == f"refund please {n}"), None), timeout=30)
        self.assertIsNotNone(ticket, daemon.log())
        return ticket["tags"]

    def test_sighup_with_a_broken_rule_file_keeps_the_old_rules_and_a_fixed_one_loads_the_new(self):
        daemon = RunningDaemon(self.ticketd)
        self.addCleanup(daemon.kill)
        self.assertEqual(self.mail_and_tags(daemon, 1), ["refund-v1"])

        self.write_rules(RULES_BROKEN)
        daemon.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: "the previous rules stay in force" in daemon.log(), timeout=20),
                        daemon.log())
        self.assertIn("10-refunds.toml", daemon.log(), "the log names the broken file")
        self.assertEqual(self.mail_and_tags(daemon, 2), ["refund-v1"])
        self.assertIsNone(daemon.proc.poll(), "a broken rule file must not stop the daemon")

        self.write_rules(RULES_V2)
        daemon.proc.send_signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: daemon.log().count("loaded 1 rule(s)") >= 2, timeout=20), daemon.log())
        self.assertEqual(self.mail_and_tags(daemon, 3), ["refund-v2"])
        self.assertEqual(daemon.stop(), 0, daemon.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
