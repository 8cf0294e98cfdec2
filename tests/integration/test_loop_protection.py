#!/usr/bin/python3
"""Flood and bounce protection against real servers (issue 5, point 5):
fifty mails from one sender within an hour produce at most N automatic
answers (yet fifty tickets: nothing is lost), and an address whose mail was
refused permanently (550 5.1.1) gets no more automatic mail."""

import unittest

from ticketd_env import MailServers, Ticketd, customer_mail


class LoopProtection(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "bob"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        # The config's [daemon] table is written by Ticketd; add the limit to it.
        with open(self.ticketd.config_path, encoding="utf-8") as f:
            text = f.read()
        with open(self.ticketd.config_path, "w", encoding="utf-8") as f:
            f.write(text.replace("[daemon]\n", "[daemon]\nauto_replies_per_hour = 3\n", 1))

    def test_fifty_mails_from_one_sender_get_at_most_the_hourly_limit_of_answers(self):
        alice = self.servers.address("alice")
        for i in range(50):
            raw = customer_mail(f"<{alice}>", self.ticketd.support, f"Question number {i}", "Hello?\n",
                                f"flood{i}@alice.example")
            self.servers.deliver("support", raw)
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 50, "every mail is a ticket")
        acks = [m for m in self.ticketd.outbox() if m["kind"] == "ack"]
        self.assertEqual(len(acks), 3)
        self.assertEqual(len(self.servers.messages("alice")), 3)

    def test_after_a_permanent_refusal_the_address_gets_no_more_automatic_mail(self):
        bob = self.servers.address("bob")
        self.servers.fail_recipient(bob, 550)
        self.servers.deliver("support", customer_mail(f"<{bob}>", self.ticketd.support, "First", "Hi\n",
                                                      "b1@bob.example"))
        self.ticketd.run_once(check=False)
        self.assertEqual([m["state"] for m in self.ticketd.outbox()], ["failed"])
        listing = self.ticketd.run("outbox", "list").stdout
        self.assertIn(b"failed", listing)

        self.servers.clear_failures()
        self.servers.deliver("support", customer_mail(f"<{bob}>", self.ticketd.support, "Second", "Hi again\n",
                                                      "b2@bob.example"))
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.outbox()), 1, "no second acknowledgement to a refusing address")
        newest = max(self.ticketd.tickets(), key=lambda t: t["number"])
        details = [e["detail"] for e in self.ticketd.ticket(newest["number"])["events"]
                   if e["what"] == "ack-suppressed"]
        self.assertTrue(any("failed permanently" in d for d in details), details)


if __name__ == "__main__":
    unittest.main(verbosity=2)
