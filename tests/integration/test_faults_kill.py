#!/usr/bin/python3
"""kill -9 at random moments (issue 8, faults 1): 300 customer mails (corpus
mails in GBK, Big5, Shift_JIS..., attachments, and replies to tickets made
from earlier mails of the same batch) are drained by `ticketd run` while it
is SIGKILLed at random points at least 15 times and restarted each time.
Afterwards every mail is on exactly one ticket (none lost, none doubled,
replies on their ticket), every acknowledgement reached its customer's
mailbox, and there are no more duplicate acknowledgements than kills.

The randomness is seeded; the seed is printed, and TICKETD_FAULT_SEED=N
replays a run. TICKETD_FAULT_MAILS=N changes the batch size (default 300).
"""

import os
import random
import re
import signal
import time
import unittest

from ticketd_env import MailServers, Ticketd, customer_batch, wait_until

MAILS = int(os.environ.get("TICKETD_FAULT_MAILS", "300"))
MIN_KILLS = 15
CUSTOMERS = [f"c{i:02d}" for i in range(12)]


class KillNine(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("TICKETD_FAULT_SEED") or random.SystemRandom().randrange(1 << 32))
        print(f"\nkill -9 test: seed {self.seed} (TICKETD_FAULT_SEED={self.seed} replays it), {MAILS} mails",
              flush=True)
        self.rng = random.Random(self.seed)
        self.servers = MailServers(users=["support", *CUSTOMERS])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        # A customer writing 20 mails in an hour is what this test does, not
        # a mail loop: the flood limit (DESIGN.md invariant 4) is not under test.
        self.ticketd.add_config("daemon", "auto_replies_per_hour = 1000")

    def drained(self):
        """Every mail marked processed on the server and nothing left to send."""
        flags = self.servers.flags("support")
        if len(flags) != MAILS or not all("$Ticketd" in f for f in flags.values()):
            return False
        return not any(m["state"] == "queued" for m in self.ticketd.outbox())

    def test_random_sigkills_lose_no_mail_double_no_ticket_and_every_customer_is_acknowledged(self):
        customers = [self.servers.address(c) for c in CUSTOMERS]
        batch = customer_batch(self.rng, MAILS, customers, self.ticketd.support)
        self.servers.append_many("support", [m.raw for m in batch])
        roots = [m for m in batch if m.parent is None]

        # New work the daemon logs: a mail that became a ticket or a
        # follow-up, a mail sent. (Not "duplicate, skipped": committed mails
        # are flagged on the server in batches of up to 100, so after a kill
        # a restart first re-reads up to 99 of them as duplicates.) Each run
        # is killed after a random amount of new work, plus a random few
        # milliseconds to land inside the next step (a commit, the IMAP
        # flag, an SMTP transaction), or at a random moment of its start-up.
        progress = re.compile(r"support: UID \d+: (new ticket|follow-up)|sent outbox #")
        kills = 0
        started = time.monotonic()
        while True:
            daemon = self.ticketd.daemon()
            self.addCleanup(daemon.kill)
            if self.rng.random() < 0.15:
                time.sleep(self.rng.uniform(0.0, 0.3))
            else:
                wanted = self.rng.randint(1, 25)
                busy = wait_until(lambda: len(progress.findall(daemon.log())) >= wanted or not daemon.alive(),
                                  timeout=15, interval=0.005)
                if not busy and daemon.alive() and self.drained():
                    daemon.kill()  # nothing left to interrupt
                    break
                time.sleep(self.rng.uniform(0.0, 0.03))
            self.assertTrue(daemon.alive(), f"ticketd died by itself:\n{daemon.log()[-3000:]}")
            daemon.proc.send_signal(signal.SIGKILL)
            daemon.proc.wait()
            kills += 1
            self.assertLess(kills, 200, "the mailbox never drained")
        print(f"{kills} kills in {time.monotonic() - started:.1f}s", flush=True)
        self.assertGreaterEqual(kills, MIN_KILLS, "the batch drained before enough kills: make it bigger")

        # A last run drains whatever is left and stops cleanly.
        daemon = self.ticketd.daemon()
        self.addCleanup(daemon.kill)
        self.assertTrue(wait_until(self.drained, timeout=60, interval=0.3), daemon.log()[-3000:])
        self.assertEqual(daemon.stop(), 0, daemon.log()[-3000:])

        # Every mail on exactly one ticket, replies on their root's ticket.
        stored = self.ticketd.incoming_by_message_id()
        lost = [m.message_id for m in batch if m.message_id not in stored]
        self.assertEqual(lost, [], f"mails lost (seed {self.seed})")
        doubled = {m.message_id: stored[m.message_id] for m in batch if len(stored[m.message_id]) != 1}
        self.assertEqual(doubled, {}, f"mails stored more than once (seed {self.seed})")
        ticket_of = {mid: numbers[0] for mid, numbers in stored.items()}
        misthreaded = [(m.message_id, ticket_of[m.message_id], ticket_of[m.root.message_id])
                       for m in batch if ticket_of[m.message_id] != ticket_of[m.root.message_id]]
        self.assertEqual(misthreaded, [], f"replies on the wrong ticket (seed {self.seed})")
        tickets = self.ticketd.tickets(limit=10 * MAILS)
        self.assertEqual(len(tickets), len(roots), "one ticket per first mail, none more")
        self.assertEqual(len({ticket_of[m.message_id] for m in roots}), len(roots))

        # Every acknowledgement reached its customer, duplicates bounded by the kills.
        acks = {}
        for user in CUSTOMERS:
            for raw in self.servers.messages(user):
                head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
                m = re.search(rb"^In-Reply-To:\s*<([^>]+)>", head, re.M | re.I)
                if m:
                    key = (user, m.group(1).decode())
                    acks[key] = acks.get(key, 0) + 1
        missing = [m.message_id for m in roots
                   if (m.customer.split("@")[0], m.message_id) not in acks]
        self.assertEqual(missing, [], f"acknowledgements that never arrived (seed {self.seed})")
        duplicates = sum(n - 1 for n in acks.values())
        print(f"{len(roots)} tickets, {len(batch) - len(roots)} replies, {duplicates} duplicate "
              f"acknowledgement(s) after {kills} kills", flush=True)
        self.assertLessEqual(duplicates, kills)
        outbox = [m for m in self.ticketd.outbox() if m["kind"] == "ack"]
        self.assertEqual(len(outbox), len(roots), "one acknowledgement queued per ticket")
        self.assertEqual({m["state"] for m in outbox}, {"sent"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
