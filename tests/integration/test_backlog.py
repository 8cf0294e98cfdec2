#!/usr/bin/python3
"""A backlog (issue 8, speed): when hundreds of mails wait, the first
customers are acknowledged while the rest is still being taken in (sending
runs beside intake, daemon/background_sender.h), the mails are fetched ahead
on a second IMAP connection (daemon/mail_prefetcher.h), and still every mail
is on one ticket and every new ticket's customer has exactly one
acknowledgement."""

import re
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail, parse

MAILS = 150
CUSTOMERS = [f"c{i:02d}" for i in range(30)]


class Backlog(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", *CUSTOMERS])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        # Five mails per customer within the hour: not a loop.
        self.ticketd.add_config("daemon", "auto_replies_per_hour = 1000")

    def test_the_first_customers_are_acknowledged_before_the_backlog_is_taken_in_and_none_twice(self):
        mails = []
        for i in range(MAILS):
            customer = self.servers.address(CUSTOMERS[i % len(CUSTOMERS)])
            # Some mails of 300 KB, so fetching takes a moment too.
            body = f"Order {i} has a problem.\n" + ("Details of the order.\n" * 15000 if i % 10 == 0 else "")
            mails.append(customer_mail(customer, self.ticketd.support, f"Order {i}", body, f"o{i}@customer.example"))
        self.servers.append_many("support", mails)

        run = self.ticketd.run_once()
        log = run.stderr.decode(errors="replace").splitlines()
        taken = [n for n, line in enumerate(log) if re.search(r"support: UID \d+: new ticket", line)]
        sent = [n for n, line in enumerate(log) if "sent outbox" in line]
        self.assertEqual(len(taken), MAILS, "every mail is a new ticket")
        self.assertTrue(sent, "acknowledgements were sent")
        # What an admin sees in the log, and customers in their mailboxes:
        # acknowledgements went out while mails were still being taken in.
        self.assertLess(sent[0], taken[len(taken) // 2],
                        "the first acknowledgement left before half the backlog was taken in")

        self.assertEqual(len(self.ticketd.tickets(limit=1000)), MAILS)
        for i, name in enumerate(CUSTOMERS):
            inbox = [parse(raw) for raw in self.servers.messages(name)]
            subjects = sorted(str(m["Subject"]) for m in inbox)
            expected = [f"Order {j}" for j in range(i, MAILS, len(CUSTOMERS))]
            self.assertEqual(len(inbox), len(expected), f"{name}: one acknowledgement per mail, none twice")
            for subject in expected:
                self.assertEqual(sum(1 for s in subjects if s.endswith(subject)), 1, f"{name}: {subject}")
        self.assertEqual({m["state"] for m in self.ticketd.outbox()}, {"sent"})


if __name__ == "__main__":
    unittest.main()
