#!/usr/bin/python3
"""A backlog (issue 8, speed): when hundreds of mails wait, the first
customers are acknowledged while the rest is still being taken in (sending
runs beside intake, daemon/background_sender.h), the mails are fetched ahead
on a second IMAP connection (daemon/mail_prefetcher.h), and still every mail
is on one ticket and every new ticket's customer has exactly one
acknowledgement; and a queue longer than one batch goes out at once, not a
batch per poll interval."""

import re
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail, parse, wait_until

MAILS = 300
CUSTOMERS = [f"c{i:02d}" for i in range(30)]


class Backlog(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", *CUSTOMERS])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        # Ten mails per customer within the hour: not a loop.
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
        # The whole backlog came over the second connection: nothing made
        # fetching ahead give up (a size query of 300 mails once did).
        self.assertFalse([line for line in log if "fetching ahead stopped" in line], "\n".join(log[:20]))
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

    def test_a_queue_longer_than_a_batch_is_sent_at_once_not_a_batch_per_poll_interval(self):
        # 40 acknowledgements queued by `ticketd deliver` (which never
        # sends), batches of 5, and a minute between polls: the daemon must
        # not wait a poll interval per batch or two.
        with open(self.ticketd.config_path, encoding="utf-8") as f:
            config = f.read()
        with open(self.ticketd.config_path, "w", encoding="utf-8") as f:
            f.write(config.replace("poll_seconds = 1\n", "poll_seconds = 60\n", 1))
        self.ticketd.add_config("outbox", "batch = 5")
        queued = 40
        for i in range(queued):
            customer = self.servers.address(CUSTOMERS[i % len(CUSTOMERS)])
            mail = customer_mail(customer, self.ticketd.support, f"Queued {i}", "Hello.\n", f"q{i}@customer.example")
            self.ticketd.run("deliver", "--mailbox", "support", input=mail)
        self.assertEqual(len(self.ticketd.outbox()), queued)
        daemon = self.ticketd.daemon()
        self.addCleanup(daemon.kill)
        delivered = lambda: sum(1 for name in CUSTOMERS for _ in self.servers.messages(name))
        self.assertTrue(wait_until(lambda: delivered() == queued, timeout=30),
                        f"{delivered()} of {queued} delivered:\n" + daemon.log()[-3000:])
        self.assertEqual({m["state"] for m in self.ticketd.outbox()}, {"sent"})
        self.assertTrue(daemon.alive())
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
