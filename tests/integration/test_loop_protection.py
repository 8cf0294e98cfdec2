#!/usr/bin/python3
"""Flood and bounce protection against real servers (issue 5, point 5):
fifty mails from one sender within an hour produce at most N automatic
answers (yet fifty tickets: nothing is lost), and an address whose mail was
refused permanently (550 5.1.1), at once or by a bounce that comes back
later, gets no more automatic mail."""

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

    def test_a_bounce_that_comes_back_later_is_recorded_on_the_ticket_and_blocks_the_address(self):
        # The customer's server took our acknowledgement, then found the
        # mailbox gone and sent a delivery status notification (RFC 3464).
        bob = self.servers.address("bob")
        self.servers.deliver("support", customer_mail(f"<{bob}>", self.ticketd.support, "Order", "Hi\n",
                                                      "o1@bob.example"))
        self.ticketd.run_once()
        [ack] = self.ticketd.outbox()
        self.assertEqual(ack["state"], "sent")
        self.servers.deliver("support", delivery_failure(self.ticketd.support, bob, ack["message_id"]))
        self.ticketd.run_once()
        tickets = self.ticketd.tickets()
        self.assertEqual(len(tickets), 1, "a bounce is never a ticket of its own")
        events = self.ticketd.ticket(tickets[0]["number"])["events"]
        bounce = [e["detail"] for e in events if e["what"] == "bounce"]
        self.assertEqual(len(bounce), 1, events)
        self.assertIn(f"refused for good by {bob} (5.1.1)", bounce[0])

        self.servers.deliver("support", customer_mail(f"<{bob}>", self.ticketd.support, "Another order", "Hi\n",
                                                      "o2@bob.example"))
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 2)
        self.assertEqual(len(self.ticketd.outbox()), 1, "no acknowledgement to a mailbox that bounced")
        self.assertEqual(len(self.servers.messages("bob")), 1)


def delivery_failure(to, recipient, our_message_id):
    """A Postfix-style bounce of our mail <our_message_id> to recipient."""
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.far.example>\r\n"
            f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: <bounce-{our_message_id}>\r\nAuto-Submitted: auto-replied\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
            f"--r\r\nContent-Type: text/plain\r\n\r\n<{recipient}>: host mx.far.example said:\r\n"
            f"    550 5.1.1 User unknown\r\n"
            f"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.far.example\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
            f"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {to}\r\nTo: {recipient}\r\n"
            f"Message-ID: <{our_message_id}>\r\n--r--\r\n").encode()


if __name__ == "__main__":
    unittest.main(verbosity=2)
