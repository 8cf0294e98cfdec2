#!/usr/bin/python3
"""The ticket lifecycle against real servers (issue 6 points 6-8, issue 5
point 6), with the daemon's clock set by TICKETD_TEST_NOW (test only):

- a resolved ticket sends the customer the resolution mail, threaded, and
  after the configured delay the satisfaction survey;
- clicking a rating link (sending the mailto: mail back through SMTP)
  records the rating on the right ticket, with no new ticket and no answer;
  an altered link is ignored; a plain reply with a number replaces it;
- an urgent ticket nobody answers reminds its assignee at 75% of the
  first-response target and escalates to the group's lead and escalation
  address at 100%, once each, although every step is a fresh process;
- a resolved ticket closes itself after N days and the customer is told.
"""

import os
import re
import smtplib
import textwrap
import time
import unittest
import urllib.parse

from ticketd_env import MailServers, Ticketd, customer_mail, parse, wait_until

MINUTE, HOUR, DAY = 60, 3600, 86400


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "carol", "alice", "lead", "boss"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        base = os.path.join(self.servers.directory, "desk")
        os.makedirs(os.path.join(base, "rules"), exist_ok=True)
        with open(os.path.join(base, "rules", "10-urgent.toml"), "w", encoding="utf-8") as f:
            f.write(textwrap.dedent("""\
                [[rule]]
                name = "urgent"
                when = { field = "subject", contains = "URGENT" }
                [rule.then]
                priority = "urgent"
                group = "support"
                assign = "alice"
                """))
        secret = os.path.join(base, "secret.key")
        with open(secret, "w") as f:
            f.write("integration-test-key-0123456789abcdef\n")
        extra = textwrap.dedent(f"""\
            [security]
            secret_file = "{secret}"

            [lifecycle]
            auto_close_resolved_days = 3
            reopen_window_days = 10

            [sla]
            reminder_share = 0.75

            [sla.urgent]
            first_response_minutes = 60

            [csat]
            delay_minutes = 30
            min_days_between = 0

            """)
        agents = textwrap.dedent(f"""
            [[agent]]
            name = "alice"
            addresses = ["{self.servers.address('alice')}"]
            groups = ["support"]

            [[agent]]
            name = "lead"
            addresses = ["{self.servers.address('lead')}"]
            groups = ["support"]

            [[group]]
            name = "support"
            lead = "lead"
            escalation = "{self.servers.address('boss')}"
            """)
        self.ticketd = Ticketd(self.servers, extra_config=extra, agents=agents,
                               rules_dir=os.path.join(base, "rules"))
        self.carol = self.servers.address("carol")
        self.t0 = int(time.time())

    # --- helpers -----------------------------------------------------------
    def at(self, moment, *args, check=True):
        """Runs ticketd with its clock at `moment` (TICKETD_TEST_NOW)."""
        os.environ["TICKETD_TEST_NOW"] = str(moment)
        try:
            return self.ticketd.run(*args, check=check)
        finally:
            del os.environ["TICKETD_TEST_NOW"]

    def cycle(self, moment):
        return self.at(moment, "run", "--once")

    def new_ticket(self, subject, message_id):
        raw = customer_mail(f"Carol Lin <{self.carol}>", self.ticketd.support, subject,
                            "Hello,\nthe export does not finish.\n", message_id)
        self.servers.deliver("support", raw)
        self.cycle(self.t0)
        tickets = [t for t in self.ticketd.tickets() if t["subject"] == subject]
        self.assertEqual(len(tickets), 1)
        self.servers.wait_for_messages("carol", len(self.servers.messages("carol")))
        return tickets[0]["number"]

    def mails(self, user):
        return [parse(raw) for raw in self.servers.messages(user)]

    def events(self, number, what):
        return [e for e in self.ticketd.ticket(number)["events"] if e["what"] == what]

    def send_smtp(self, to, subject, body, in_reply_to=None):
        host, port = re.match(r"smtp://([^:/]+):(\d+)", self.servers.smtp_url).groups()
        headers = [f"From: Carol Lin <{self.carol}>", f"To: {to}", f"Subject: {subject}",
                   f"Message-ID: <click.{time.time_ns()}@carol.example>", "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=utf-8"]
        if in_reply_to:
            headers.append(f"In-Reply-To: {in_reply_to}")
        data = ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("utf-8")
        with smtplib.SMTP(host, int(port)) as smtp:
            smtp.sendmail(self.carol, [to], data)

    # --- tests -------------------------------------------------------------
    def test_resolution_mail_then_survey_then_a_click_records_the_rating(self):
        number = self.new_ticket("Export never finishes", "export1@carol.example")
        before = len(self.servers.messages("carol"))
        out = self.at(self.t0 + MINUTE, "tickets", "update", str(number), "--status", "resolved")
        self.assertIn(b"-> resolved", out.stdout)
        status_events = self.events(number, "status")
        self.assertEqual(status_events[-1]["actor"]["kind"], "admin")
        self.cycle(self.t0 + MINUTE)
        mails = self.servers.wait_for_messages("carol", before + 1)
        resolved = parse(mails[-1])
        self.assertIn(f"[#{number}] Resolved", resolved["Subject"])
        self.assertEqual(resolved["In-Reply-To"], "<export1@carol.example>")
        self.assertEqual(resolved["Auto-Submitted"], "auto-generated")

        # The survey waits for its delay (30 minutes after resolving).
        self.cycle(self.t0 + MINUTE + 29 * MINUTE)
        time.sleep(0.5)
        self.assertEqual(len(self.servers.messages("carol")), before + 1)
        self.cycle(self.t0 + MINUTE + 30 * MINUTE)
        survey = parse(self.servers.wait_for_messages("carol", before + 2)[-1])
        self.assertIn("How did we do", survey["Subject"])
        text = survey.get_body(("plain",)).get_content()
        links = re.findall(r"(\d) - [^:\n]+: mailto:(\S+)", text)
        self.assertEqual([r for r, _ in links], ["5", "4", "3", "2", "1"], text)
        html = survey.get_body(("html",)).get_content()
        self.assertIn('href="mailto:', html)

        # Carol clicks "4": her client opens a mail to the plus address with
        # the ready subject, she adds a comment and sends it.
        link = dict(links)["4"]
        address, query = link.split("?", 1)
        subject = urllib.parse.parse_qs(query)["subject"][0]
        self.assertIn(f"[#{number}]", subject)
        self.send_smtp(address, subject, "Quick help, thank you.\n")
        tickets_before = len(self.ticketd.tickets())
        self.cycle(self.t0 + 2 * HOUR)
        ratings = self.events(number, "csat-rating")
        self.assertEqual(len(ratings), 1, self.ticketd.ticket(number)["events"])
        self.assertIn("rated 4 of 5", ratings[0]["detail"])
        self.assertIn("Quick help, thank you.", ratings[0]["detail"])
        csat = self.ticketd.ticket(number)["csat"]
        self.assertEqual((csat["rating"], csat["comment"], csat["agent"]), (4, "Quick help, thank you.", ""))
        self.assertEqual(len(self.ticketd.tickets()), tickets_before)  # no new ticket
        self.assertEqual(self.ticketd.ticket(number)["status"], "resolved")  # not reopened
        time.sleep(0.5)
        self.assertEqual(len(self.servers.messages("carol")), before + 2)  # no answer to a rating

        # An edited link (4 -> 5, same signature) is ignored and says so.
        forged = re.sub(r"\+csat-(\d+)-4-", r"+csat-\1-5-", address)
        self.send_smtp(forged, subject, "")
        self.cycle(self.t0 + 3 * HOUR)
        self.assertEqual(len(self.events(number, "csat-forged")), 1)
        self.assertEqual(len(self.events(number, "csat-rating")), 1)

        # A plain reply to the survey with a number replaces the rating.
        self.send_smtp(self.ticketd.support, "Re: " + survey["Subject"], "5 - actually it was great\n",
                       in_reply_to=survey["Message-ID"])
        self.cycle(self.t0 + 4 * HOUR)
        ratings = self.events(number, "csat-rating")
        self.assertEqual(len(ratings), 2)
        self.assertIn("rated 5 of 5", ratings[1]["detail"])
        self.assertIn("replacing 4 of 5", ratings[1]["detail"])
        csat = self.ticketd.ticket(number)["csat"]
        self.assertEqual((csat["rating"], csat["comment"]), (5, "actually it was great"))
        self.assertEqual(self.ticketd.ticket(number)["status"], "resolved")

    def test_an_unanswered_urgent_ticket_reminds_then_escalates_once_each_across_restarts(self):
        number = self.new_ticket("URGENT: production is down", "down1@carol.example")
        detail = self.ticketd.ticket(number)
        self.assertEqual(detail["priority"], "urgent")
        self.assertEqual([c["kind"] for c in detail["sla"]], ["first_response"])
        # Agents also get assignment notifications (issue 6 point 2): only
        # the SLA mails are counted here.
        sla = lambda user: [m for m in self.mails(user) if "SLA" in m["Subject"]]
        self.cycle(self.t0 + 44 * MINUTE)
        time.sleep(0.5)
        self.assertEqual(sla("alice"), [])

        self.cycle(self.t0 + 45 * MINUTE)
        reminders = wait_until(lambda: sla("alice"))
        self.assertEqual(len(reminders), 1)
        self.assertIn(f"[#{number}] SLA reminder", reminders[0]["Subject"])
        self.assertEqual(reminders[0]["Auto-Submitted"], "auto-generated")
        self.assertEqual(sla("lead"), [])

        self.cycle(self.t0 + 50 * MINUTE)  # a new process: nothing is resent
        self.cycle(self.t0 + 60 * MINUTE)
        lead = wait_until(lambda: sla("lead"))
        boss = wait_until(lambda: sla("boss"))
        self.assertIn(f"[#{number}] SLA breached", lead[0]["Subject"])
        self.assertIn(f"[#{number}] SLA breached", boss[0]["Subject"])

        self.cycle(self.t0 + 90 * MINUTE)
        self.cycle(self.t0 + 2 * DAY)
        time.sleep(0.5)
        self.assertEqual(len(sla("alice")), 1)
        self.assertEqual(len(sla("lead")), 1)
        self.assertEqual(len(sla("boss")), 1)
        self.assertEqual(len(self.events(number, "sla-reminder")), 1)
        self.assertEqual(len(self.events(number, "sla-breach")), 1)

    def test_a_resolved_ticket_closes_itself_after_three_days(self):
        number = self.new_ticket("Password reset", "reset1@carol.example")
        self.at(self.t0, "tickets", "update", str(number), "--status", "resolved")
        self.cycle(self.t0 + 3 * DAY - MINUTE)
        self.assertEqual(self.ticketd.ticket(number)["status"], "resolved")
        self.cycle(self.t0 + 3 * DAY)
        self.assertEqual(self.ticketd.ticket(number)["status"], "closed")
        closed = wait_until(lambda: [m for m in self.mails("carol") if "Closed" in m["Subject"]])
        self.assertEqual(len(closed), 1)
        self.assertEqual(closed[0]["In-Reply-To"], "<reset1@carol.example>")
        last = self.events(number, "status")[-1]
        self.assertEqual(last["actor"]["kind"], "system")
        self.assertIn("resolved -> closed", last["detail"])

    def test_a_reply_reopens_a_closed_ticket_within_the_window_and_opens_a_linked_one_after(self):
        number = self.new_ticket("Cannot print invoices", "print1@carol.example")
        self.at(self.t0, "tickets", "update", str(number), "--status", "closed")
        self.servers.deliver("support", customer_mail(
            f"Carol Lin <{self.carol}>", self.ticketd.support, f"Re: [#{number}] Cannot print invoices",
            "It happens again.\n", "print2@carol.example", in_reply_to="print1@carol.example"))
        self.cycle(self.t0 + 9 * DAY)
        detail = self.ticketd.ticket(number)
        self.assertEqual(detail["status"], "open")
        self.assertEqual(len(self.events(number, "reopened")), 1)
        reopened = wait_until(lambda: [m for m in self.mails("carol") if "Reopened" in m["Subject"]])
        self.assertEqual(reopened[0]["In-Reply-To"], "<print2@carol.example>")

        self.at(self.t0 + 9 * DAY, "tickets", "update", str(number), "--status", "closed")
        self.servers.deliver("support", customer_mail(
            f"Carol Lin <{self.carol}>", self.ticketd.support, f"Re: [#{number}] Cannot print invoices",
            "And once more, weeks later.\n", "print3@carol.example", in_reply_to="print2@carol.example"))
        self.cycle(self.t0 + 20 * DAY)
        self.assertEqual(self.ticketd.ticket(number)["status"], "closed")
        newer = [t for t in self.ticketd.tickets() if t["number"] != number]
        self.assertEqual(len(newer), 1)
        self.assertEqual(self.ticketd.ticket(newer[0]["number"])["follows_ticket"], number)


if __name__ == "__main__":
    unittest.main(verbosity=2)
