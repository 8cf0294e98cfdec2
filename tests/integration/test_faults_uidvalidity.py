#!/usr/bin/python3
"""UIDVALIDITY change (issue 8, faults 4): the support folder is deleted
and recreated with the same mails (a restore from backup, a migration to
another server), so every UID is new, the folder has a new UIDVALIDITY and
none of the mails carries our $Ticketd keyword any more. No ticket is
created twice and no customer is acknowledged twice; a mail that is really
new still becomes its ticket; the log says what happened."""

import unittest

from ticketd_env import MailServers, Ticketd, customer_mail

FOLDER = "Support"


class UidvalidityChange(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.servers.create_folder("support", FOLDER)
        self.ticketd = Ticketd(self.servers, folder=FOLDER)
        self.ticketd.add_config("daemon", "auto_replies_per_hour = 1000")
        self.alice = self.servers.address("alice")

    def mail(self, i, message_id=True):
        raw = customer_mail(f"Alice <{self.alice}>", self.ticketd.support, f"Question {i}", f"Question {i}?\n",
                            f"q{i}@alice.example")
        if not message_id:  # some clients send none: dedupe falls back to the raw mail's hash
            raw = raw.replace(f"Message-ID: <q{i}@alice.example>\r\n".encode(), b"")
        return raw

    def test_a_recreated_folder_with_the_same_mails_creates_no_ticket_twice(self):
        mails = [self.mail(i, message_id=(i % 3 != 0)) for i in range(9)]
        self.servers.append_many("support", mails, folder=FOLDER)
        self.ticketd.run_once()
        before = sorted(t["number"] for t in self.ticketd.tickets())
        self.assertEqual(len(before), 9)
        self.assertEqual(len(self.servers.messages("alice")), 9)
        old_validity = self.servers.uidvalidity("support", FOLDER)

        # The folder is recreated: same mails, new UIDs, new UIDVALIDITY,
        # no $Ticketd; and one mail that is really new.
        saved = self.servers.messages("support", FOLDER)
        self.servers.delete_folder("support", FOLDER)
        self.servers.create_folder("support", FOLDER)
        self.servers.append_many("support", saved + [self.mail(9)], folder=FOLDER)
        new_validity = self.servers.uidvalidity("support", FOLDER)
        self.assertNotEqual(old_validity, new_validity)
        self.assertFalse(any("$Ticketd" in f for f in self.servers.flags("support", FOLDER).values()))

        result = self.ticketd.run_once()
        log = result.stderr.decode()
        self.assertIn(f"UIDVALIDITY of {FOLDER} changed from {old_validity} to {new_validity}", log)
        self.assertEqual(log.count("duplicate, skipped"), 9, log)
        after = sorted(t["number"] for t in self.ticketd.tickets())
        self.assertEqual(after[:9], before, "the old tickets are the same")
        self.assertEqual(len(after), 10, "only the new mail made a ticket")
        newest = self.ticketd.ticket(after[-1])
        self.assertEqual([m["message_id"] for m in newest["messages"] if m["direction"] == "in"],
                         ["q9@alice.example"])
        self.assertTrue(all("$Ticketd" in f for f in self.servers.flags("support", FOLDER).values()))
        self.assertEqual(len(self.servers.messages("alice")), 10, "no customer acknowledged twice")
        for number in before:
            incoming = [m for m in self.ticketd.ticket(number)["messages"] if m["direction"] == "in"]
            self.assertEqual(len(incoming), 1, f"ticket {number} got its mail again")

        # And the next cycle, on the new UIDVALIDITY, is quiet.
        log = self.ticketd.run_once().stderr.decode()
        self.assertNotIn("UIDVALIDITY", log)
        self.assertEqual(len(self.ticketd.tickets()), 10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
