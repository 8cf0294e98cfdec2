#!/usr/bin/python3
"""Agents working the desk from their own mail client (issue 6, points 1-5),
against real servers: the assignee is sent the ticket with a signed reply
address; the agent's reply (Thunderbird and Outlook formats, quoted history
and all) reaches the customer as only the new text, from the support
address, on the customer's thread; #note stays internal; #status changes the
status; a bad command changes nothing and is answered with an error mail; a
forged agent From without a token changes nothing and is recorded."""

import os
import smtplib
import textwrap
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail, parse, wait_until

RULES = """\
[[rule]]
name = "to-bob"
when = { field = "assigned", equals = false }
then = { group = "support", assign = "bob" }
"""


class AgentsByMail(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "bob", "wang", "carol"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        base = self.servers.directory
        rules = os.path.join(base, "rules")
        os.makedirs(rules, exist_ok=True)
        with open(os.path.join(rules, "10-assign.toml"), "w") as f:
            f.write(RULES)
        key = os.path.join(base, "reply.key")
        with open(key, "wb") as f:
            f.write(os.urandom(32).hex().encode() + b"\n")
        self.bob = self.servers.address("bob")
        self.wang = self.servers.address("wang")
        self.alice = self.servers.address("alice")
        agents = textwrap.dedent(f"""
            [security]
            secret_file = "{key}"

            [sla.normal]
            first_response_minutes = 240

            [[agent]]
            name = "bob"
            addresses = ["{self.bob}"]
            groups = ["support"]

            [[agent]]
            name = "wang"
            addresses = ["{self.wang}"]
            groups = ["support"]
            language = "zh-CN"

            [[group]]
            name = "support"
            lead = "bob"
            """)
        self.ticketd = Ticketd(self.servers, rules_dir=rules, agents=agents)

    # -- helpers

    def open_ticket(self, extra_headers=""):
        """Alice writes; returns (ticket number, bob's notification)."""
        raw = customer_mail(f"Alice Martin <{self.alice}>", self.ticketd.support, "Cannot log in",
                            "Hello,\nmy password reset link does not work.\n", "first@alice.example",
                            extra_headers=extra_headers)
        self.servers.deliver("support", raw)
        self.ticketd.run_once()
        number = self.ticketd.tickets()[0]["number"]
        notice = parse(self.servers.wait_for_messages("bob", 1)[0])
        self.servers.wait_for_messages("alice", 1)  # the acknowledgement
        return number, notice

    def send_as(self, sender, recipients, raw):
        """A mail client submitting over SMTP: the MTA records Delivered-To."""
        host, port = self.servers.smtp_url.rsplit("/", 1)[-1].rsplit(":", 1)
        with smtplib.SMTP(host, int(port), timeout=30) as smtp:
            smtp.sendmail(sender, recipients, raw)

    def thunderbird_reply(self, notice, body, message_id, to=None, in_reply_to=True):
        """Bob's Thunderbird answering `notice`: Reply-To honoured, > quotes."""
        to = to or notice["Reply-To"]
        notice_id = notice["Message-ID"].strip("<>")
        quoted = "".join("> " + line + "\n" for line in notice.get_body(("plain",)).get_content().splitlines())
        text = (body + "\n\nOn 16/11/2026 10:02, Example Support wrote:\n" + quoted)
        headers = [f"From: Bob <{self.bob}>", f"To: {to}", "Subject: Re: " + notice["Subject"],
                   "Date: Mon, 16 Nov 2026 10:05:00 +0800", f"Message-ID: <{message_id}>",
                   "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8; format=flowed",
                   "Content-Transfer-Encoding: 8bit", "User-Agent: Mozilla Thunderbird"]
        if in_reply_to:
            refs = (notice["References"] or "").split() + [f"<{notice_id}>"]
            headers += [f"In-Reply-To: <{notice_id}>", "References: " + " ".join(refs)]
        return ("\r\n".join(headers) + "\r\n\r\n" + text.replace("\n", "\r\n")).encode("utf-8")

    def outlook_reply(self, notice, body, message_id):
        """Bob's Outlook: no '>' quotes but an "-----Original Message-----"
        block with From:/Sent:/To:/Subject:, and no In-Reply-To."""
        original = notice.get_body(("plain",)).get_content()
        text = (body + "\n\n-----Original Message-----\n"
                f"From: Example Support <{notice['Reply-To']}>\n"
                "Sent: Monday, November 16, 2026 10:02 AM\n"
                f"To: Bob <{self.bob}>\n"
                f"Subject: {notice['Subject']}\n\n" + original)
        headers = [f"From: Bob <{self.bob}>", f"To: {notice['Reply-To']}", "Subject: RE: " + notice["Subject"],
                   "Date: Mon, 16 Nov 2026 10:06:00 +0800", f"Message-ID: <{message_id}>",
                   "Thread-Index: AQHZ1234567890abcdef==", "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
                   "X-Mailer: Microsoft Outlook 16.0"]
        return ("\r\n".join(headers) + "\r\n\r\n" + text.replace("\n", "\r\n")).encode("utf-8")

    def events(self, number):
        return self.ticketd.ticket(number)["events"]

    def assert_answer_to_alice(self, raw, number, new_text):
        answer = parse(raw)
        body = answer.get_body(("plain",)).get_content()
        self.assertIn(new_text, body)
        self.assertNotIn("> ", body, "no quoted history")
        self.assertNotIn("Original Message", body)
        self.assertNotIn("password reset link", body, "not even the customer's own words quoted back")
        self.assertNotIn(self.bob.encode(), raw, "the agent's address never reaches the customer")
        self.assertIn(self.ticketd.support, answer["From"])
        self.assertEqual(answer["Subject"], f"Re: [#{number}] Cannot log in")
        self.assertEqual(answer["In-Reply-To"], "<first@alice.example>")
        self.assertIn("<first@alice.example>", answer["References"])
        self.assertIsNone(answer["Auto-Submitted"], "a person's answer, not an automatic one")
        return answer

    # -- tests

    def test_the_assignee_gets_the_ticket_by_mail_with_a_signed_reply_address(self):
        number, notice = self.open_ticket()
        self.assertEqual(len(self.servers.messages("bob")), 1)
        self.assertEqual(self.servers.messages("wang"), [], "assigned to bob: only bob is told")
        self.assertIn(f"[#{number}]", notice["Subject"])
        self.assertTrue(notice["Reply-To"].split("<")[-1].startswith(f"support+a{number}-"), notice["Reply-To"])
        self.assertTrue(notice["Message-ID"].strip("<>").startswith(f"ticketd.{number}."))
        self.assertEqual(len(notice["Message-ID"].split("@")[0].split(".")), 4, "signed Message-ID")
        self.assertEqual(notice["Auto-Submitted"], "auto-generated")
        self.assertEqual(notice["In-Reply-To"], "<first@alice.example>")
        body = notice.get_body(("plain",)).get_content()
        self.assertIn("my password reset link does not work.", body)
        self.assertIn("normal", body)  # priority
        self.assertRegex(body, r"SLA due:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC")
        kinds = [m["kind"] for m in self.ticketd.outbox()]
        self.assertEqual(sorted(kinds), ["ack", "notify"])

    def test_a_thunderbird_reply_reaches_the_customer_with_only_the_new_text(self):
        number, notice = self.open_ticket()
        reply = self.thunderbird_reply(notice, "Hello Alice,\n\nthe reset link works again, please retry.\n\nBob",
                                       "tb1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        mails = self.servers.wait_for_messages("alice", 2)
        self.assert_answer_to_alice(mails[1], number, "the reset link works again, please retry.")
        ticket = self.ticketd.ticket(number)
        self.assertEqual(ticket["status"], "pending", "waiting on the customer now")
        self.assertIsNotNone(ticket["first_response_at"])
        out = [m for m in ticket["messages"] if m["direction"] == "out" and m["author"]["kind"] == "agent"]
        self.assertEqual(len(out), 1)
        self.assertEqual(out[0]["author"]["name"], "bob")
        self.assertTrue(any(e["actor"]["kind"] == "agent" and e["what"] == "status" for e in ticket["events"]))

        # Alice answers the agent's mail: it threads back onto her ticket.
        answer = parse(mails[1])
        answer_id = answer["Message-ID"].strip("<>")
        self.servers.deliver("support", customer_mail(f"Alice <{self.alice}>", self.ticketd.support,
                                                      "Re: " + answer["Subject"], "It works, thanks!\n",
                                                      "second@alice.example", in_reply_to=answer_id,
                                                      references=["first@alice.example", answer_id]))
        self.ticketd.run_once()
        self.assertEqual(len(self.ticketd.tickets()), 1)
        self.assertEqual(self.ticketd.ticket(number)["status"], "open")

    def test_an_outlook_reply_reaches_the_customer_with_only_the_new_text(self):
        number, notice = self.open_ticket()
        reply = self.outlook_reply(notice, "Hi Alice,\n\nI reset your account; you can log in now.\n\nBob",
                                   "ol1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        mails = self.servers.wait_for_messages("alice", 2)
        self.assert_answer_to_alice(mails[1], number, "I reset your account; you can log in now.")
        self.assertEqual(self.ticketd.ticket(number)["status"], "pending")

    def test_a_reply_to_the_plain_address_naming_our_signed_message_id_counts_and_reaches_the_cc(self):
        # The agent's client ignored Reply-To: only In-Reply-To/References
        # (our Message-ID signed for bob) prove the ticket. Carol was copied
        # on Alice's mail, so she gets the answer too; #canned adds a canned
        # answer from the templates.
        carol = self.servers.address("carol")
        number, notice = self.open_ticket(extra_headers=f"Cc: Carol <{carol}>\r\n")
        reply = self.thunderbird_reply(notice, "#canned refund-received\nHello Alice, see below.",
                                       "plain1@bob.example", to=self.ticketd.support)
        self.send_as(self.bob, [self.ticketd.support], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        answer = self.assert_answer_to_alice(self.servers.wait_for_messages("alice", 2)[1], number,
                                             "Hello Alice, see below.")
        body = answer.get_body(("plain",)).get_content()
        self.assertIn("We have received your refund request", body)
        self.assertNotIn("#canned", body)
        self.assertIn(carol, answer["Cc"])
        copy = parse(self.servers.wait_for_messages("carol", 1)[0])
        self.assertEqual(copy["Message-ID"], answer["Message-ID"])
        agent_mail = [e for e in self.events(number) if e["what"] == "agent-mail"]
        self.assertIn("signed In-Reply-To", agent_mail[0]["detail"])

    def test_a_note_reaches_no_customer(self):
        number, notice = self.open_ticket()
        reply = self.thunderbird_reply(notice, "#note\nShe called too; account locked by the fraud check.",
                                       "note1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        ticket = self.ticketd.ticket(number)
        notes = [m for m in ticket["messages"] if m["direction"] == "note"]
        self.assertEqual(len(notes), 1)
        self.assertIn("account locked by the fraud check", notes[0]["body"])
        self.assertNotIn("#note", notes[0]["body"])
        self.assertEqual(ticket["status"], "new", "a note changes no status")
        self.assertEqual(sorted(m["kind"] for m in self.ticketd.outbox()), ["ack", "notify"])
        self.assertEqual(len(self.servers.messages("alice")), 1, "only the acknowledgement")

    def test_status_resolved_from_the_mail_client_resolves_the_ticket(self):
        number, notice = self.open_ticket()
        reply = self.thunderbird_reply(notice, "#status resolved\n#tag password\n\nFixed on our side, Alice.",
                                       "res1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        ticket = self.ticketd.ticket(number)
        self.assertEqual(ticket["status"], "resolved")
        self.assertIn("password", ticket["tags"])
        status = [e for e in ticket["events"] if e["what"] == "status"]
        self.assertEqual(status[-1]["actor"], {"kind": "agent", "name": "bob"})
        self.assertIn("-> resolved", status[-1]["detail"])
        mails = self.servers.wait_for_messages("alice", 2)
        bodies = [parse(m).get_body(("plain",)).get_content() for m in mails[1:]]
        self.assertTrue(any("Fixed on our side, Alice." in b and "#status" not in b for b in bodies), bodies)

    def test_a_bad_command_changes_nothing_and_the_agent_gets_an_error_mail(self):
        number, notice = self.open_ticket()
        reply = self.thunderbird_reply(notice, "#status solved\n#assign nobody\n#priority high\n\nDone, Alice.",
                                       "bad1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        ticket = self.ticketd.ticket(number)
        self.assertEqual(ticket["status"], "new")
        self.assertEqual(ticket["priority"], "normal", "nothing half-applied: #priority high was fine but waits")
        self.assertEqual(ticket["assignee"], "bob")
        self.assertEqual(len(self.servers.messages("alice")), 1, "the customer got nothing")
        error = parse(self.servers.wait_for_messages("bob", 2)[1])
        body = error.get_body(("plain",)).get_content()
        self.assertIn("#status solved", body)
        self.assertIn("#assign nobody", body)
        self.assertIn("not applied", error["Subject"].lower())
        self.assertTrue(error["Reply-To"].split("<")[-1].startswith(f"support+a{number}-"),
                        "the agent can answer the error mail with corrected commands")
        self.assertIn("commands-refused", [e["what"] for e in ticket["events"]])

    def test_assigning_to_a_colleague_tells_the_colleague_in_their_language(self):
        number, notice = self.open_ticket()
        reply = self.thunderbird_reply(notice, "#assign wang\n#priority high", "as1@bob.example")
        self.send_as(self.bob, [notice["Reply-To"].split("<")[-1].strip(">")], reply)
        self.servers.wait_for_messages("support", 2)
        self.ticketd.run_once()
        ticket = self.ticketd.ticket(number)
        self.assertEqual(ticket["assignee"], "wang")
        self.assertEqual(ticket["priority"], "high")
        self.assertEqual(len(self.servers.messages("alice")), 1, "commands alone send the customer nothing")
        told = parse(self.servers.wait_for_messages("wang", 1)[0])
        self.assertIn("已分配给您", told["Subject"])
        self.assertIn("password reset link", told.get_body(("plain",)).get_content())

    def test_a_forged_agent_from_without_a_token_changes_nothing_and_is_recorded(self):
        number, notice = self.open_ticket()
        # Anyone can write "From: bob"; this one has no token, only the subject tag.
        forged = customer_mail(f"Bob <{self.bob}>", self.ticketd.support, f"Re: [#{number}] Cannot log in",
                               "#status closed\n#assign bob\n\nClosing this, send me the password.\n",
                               "forged@evil.example")
        self.servers.deliver("support", forged)
        # And one with a token whose signature was altered by one character.
        reply_to = notice["Reply-To"].split("<")[-1].strip(">")
        local, domain = reply_to.split("@")
        altered = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + domain
        tampered = self.thunderbird_reply(notice, "#status closed\nClosing.", "forged2@evil.example",
                                          to=altered, in_reply_to=False)
        self.send_as(self.bob, [altered], tampered)
        self.servers.wait_for_messages("support", 3)
        self.ticketd.run_once()

        ticket = self.ticketd.ticket(number)
        self.assertEqual(ticket["status"], "new")
        self.assertEqual(ticket["assignee"], "bob")
        self.assertFalse([m for m in ticket["messages"] if m["direction"] == "out" and m["author"]["kind"] == "agent"])
        self.assertEqual(len(self.servers.messages("alice")), 1, "the customer got nothing")
        reasons = []
        for t in self.ticketd.tickets():
            reasons += [e["detail"] for e in self.ticketd.ticket(t["number"])["events"] if e["what"] == "agent-refused"]
        self.assertIn("agent address without a valid reply token: treated as a customer", reasons)
        self.assertTrue(any("has no valid signature" in r for r in reasons), reasons)


if __name__ == "__main__":
    unittest.main(verbosity=2)
