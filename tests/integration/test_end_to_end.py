#!/usr/bin/python3
"""The spine of ticketd against real servers (issue 2): a customer's mail in,
a ticket stored, an acknowledgement out to the customer's own mailbox, the
customer's reply threaded back onto the same ticket, no mail processed twice,
and an SMTP outage that loses nothing."""

import base64
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail, parse, wait_until


class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "wei"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)
        self.alice = self.servers.address("alice")

    def deliver_from_alice(self, subject, body, message_id, **kw):
        raw = customer_mail(f"Alice Martin <{self.alice}>", self.ticketd.support, subject, body, message_id, **kw)
        self.servers.deliver("support", raw)
        return raw

    def test_a_customer_mail_becomes_a_ticket_and_the_acknowledgement_reaches_the_customer(self):
        self.deliver_from_alice("Cannot log in", "Hello,\nmy password reset link does not work.\n",
                                "first@alice.example")
        self.ticketd.run_once()

        tickets = self.ticketd.tickets()
        self.assertEqual(len(tickets), 1)
        ticket = tickets[0]
        self.assertEqual(ticket["subject"], "Cannot log in")
        self.assertEqual(ticket["requester"]["address"], self.alice)
        self.assertEqual(ticket["status"], "new")

        acks = self.servers.wait_for_messages("alice", 1)
        self.assertEqual(len(acks), 1)
        ack = parse(acks[0])
        self.assertEqual(ack["Subject"], f"[#{ticket['number']}] Cannot log in")
        self.assertEqual(ack["In-Reply-To"], "<first@alice.example>")
        self.assertIn("<first@alice.example>", ack["References"])
        self.assertEqual(ack["Auto-Submitted"], "auto-replied")
        self.assertIn(self.ticketd.support, ack["From"])
        self.assertIn(f"#{ticket['number']}", ack.get_body(("plain",)).get_content())

        # The mail is marked processed on the server with our keyword.
        flags = self.servers.flags("support")
        self.assertTrue(all("$Ticketd" in f for f in flags.values()), flags)
        outbox = self.ticketd.outbox()
        self.assertEqual([m["state"] for m in outbox], ["sent"])

    def test_the_customers_reply_to_the_acknowledgement_lands_on_the_same_ticket(self):
        self.deliver_from_alice("Invoice question", "Where is my invoice?\n", "q1@alice.example")
        self.ticketd.run_once()
        ack = parse(self.servers.wait_for_messages("alice", 1)[0])
        number = self.ticketd.tickets()[0]["number"]

        # Alice's client answers the acknowledgement: Re: subject, In-Reply-To
        # and References pointing at our Message-ID.
        ack_id = ack["Message-ID"].strip("<>")
        self.deliver_from_alice("Re: " + ack["Subject"], "It is for order 4711.\n\n> Hello Alice\n",
                                "q2@alice.example", in_reply_to=ack_id,
                                references=["q1@alice.example", ack_id])
        self.ticketd.run_once()

        tickets = self.ticketd.tickets()
        self.assertEqual(len(tickets), 1, tickets)
        detail = self.ticketd.ticket(number)
        incoming = [m for m in detail["messages"] if m["direction"] == "in"]
        self.assertEqual([m["message_id"] for m in incoming], ["q1@alice.example", "q2@alice.example"])
        # A follow-up is not acknowledged again.
        self.assertEqual(len(self.servers.messages("alice")), 1)

    def test_a_reply_without_headers_but_with_the_subject_tag_is_threaded_for_a_participant_only(self):
        self.deliver_from_alice("Broken printer", "It prints blank pages.\n", "p1@alice.example")
        self.ticketd.run_once()
        number = self.ticketd.tickets()[0]["number"]
        self.deliver_from_alice(f"Re: [#{number}] Broken printer", "Still broken.\n", "p2@alice.example")
        stranger = customer_mail(f"<{self.servers.address('wei')}>", self.ticketd.support,
                                 f"[#{number}] I guess a number", "Hi\n", "w1@wei.example")
        self.servers.deliver("support", stranger)
        self.ticketd.run_once()
        tickets = self.ticketd.tickets()
        self.assertEqual(len(tickets), 2, "the stranger's mail opens its own ticket")
        first = self.ticketd.ticket(number)
        self.assertEqual(len([m for m in first["messages"] if m["direction"] == "in"]), 2)

    def test_the_same_mail_fetched_twice_creates_no_second_ticket(self):
        self.deliver_from_alice("Double", "Once only please.\n", "dup@alice.example")
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 1)
        # Someone removes our keyword by hand: the mail looks unprocessed.
        for uid in self.servers.uids("support"):
            self.servers.store_flags("support", uid, "$Ticketd", add=False)
        # And the same mail arrives once more with a new UID.
        self.deliver_from_alice("Double", "Once only please.\n", "dup@alice.example")
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 1)
        self.assertEqual(len(self.servers.messages("alice")), 1, "one acknowledgement only")
        flags = self.servers.flags("support")
        self.assertTrue(all("$Ticketd" in f for f in flags.values()), flags)

    def test_with_the_smtp_server_down_the_acknowledgement_stays_queued_and_goes_out_later(self):
        self.servers.stop_smtp()
        self.deliver_from_alice("Outage", "Are you there?\n", "down@alice.example")
        result = self.ticketd.run_once(check=False)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn(b"retrying", result.stderr)
        self.assertEqual(len(self.ticketd.tickets()), 1)
        self.assertEqual([m["state"] for m in self.ticketd.outbox()], ["queued"])

        self.servers.start_smtp()
        sent = wait_until(lambda: (self.ticketd.run_once(check=False),
                                   self.ticketd.outbox()[0]["state"] == "sent")[1], timeout=30, interval=1)
        self.assertTrue(sent, self.ticketd.outbox())
        acks = self.servers.wait_for_messages("alice", 1)
        self.assertEqual(len(acks), 1)

    def test_a_chinese_mail_in_gbk_becomes_a_utf8_ticket_answered_in_simplified_chinese(self):
        name = base64.b64encode("李伟".encode("gbk")).decode()
        subject = base64.b64encode("退款失败".encode("gb2312")).decode()
        raw = customer_mail(f"=?GBK?B?{name}?= <{self.servers.address('wei')}>",
                            self.ticketd.support, f"=?GB2312?B?{subject}?=",
                            "你好，我的订单退款失败了，请帮忙查一下。\n", "gbk@wei.example", charset="gbk")
        self.servers.deliver("support", raw)
        self.ticketd.run_once()
        ticket = self.ticketd.tickets()[0]
        self.assertEqual(ticket["subject"], "退款失败")
        self.assertEqual(ticket["language"], "zh-CN")
        detail = self.ticketd.ticket(ticket["number"])
        self.assertIn("退款失败了", detail["messages"][0]["body"])
        ack = parse(self.servers.wait_for_messages("wei", 1)[0])
        self.assertEqual(ack["Subject"], f"[#{ticket['number']}] 退款失败")
        self.assertIn("工单", ack.get_body(("plain",)).get_content())

    def test_an_automatic_reply_from_the_customer_side_gets_no_answer(self):
        self.deliver_from_alice("Automatic reply: Out of office", "I am away until Monday.\n",
                                "ooo@alice.example", extra_headers="Auto-Submitted: auto-replied\r\n")
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 1, "still a ticket: no mail is lost")
        self.assertEqual(self.ticketd.outbox(), [])
        number = self.ticketd.tickets()[0]["number"]
        events = [e["what"] for e in self.ticketd.ticket(number)["events"]]
        self.assertIn("ack-suppressed", events)

    def test_a_mail_over_the_mailboxs_size_limit_becomes_a_ticket_from_its_header_and_stays_on_the_server(self):
        self.ticketd.add_mailbox_config("max_message_mb = 1")
        self.deliver_from_alice("Huge log file", "Log:\n" + "line of the log\n" * 100000, "big@alice.example")
        self.deliver_from_alice("Small question", "Where is my invoice?\n", "small@alice.example")
        run = self.ticketd.run_once()
        self.assertRegex(run.stderr.decode(), r"support: UID \d+ is over the size limit of 1048576 bytes")
        tickets = {t["subject"]: t for t in self.ticketd.tickets()}
        self.assertEqual(set(tickets), {"Huge log file", "Small question"})
        big = self.ticketd.ticket(tickets["Huge log file"]["number"])
        self.assertIn("too large", " ".join(m["body"] for m in big["messages"]))
        self.assertNotIn("line of the log", " ".join(m["body"] for m in big["messages"]))
        # Marked, so not fetched again, and kept whole on the server.
        self.assertEqual(len(self.servers.messages("support")), 2)
        self.assertTrue(all("$Ticketd" in f for f in self.servers.flags("support").values()))
        self.assertGreater(max(len(m) for m in self.servers.messages("support")), 1 << 20)


if __name__ == "__main__":
    unittest.main(verbosity=2)
