#!/usr/bin/python3
"""The admin's command line (issue 7): `ticketd tickets list` filters and
`ticketd tickets update` changes, each recorded as an event whose actor is
the admin ($SUDO_USER, else $USER)."""

import json
import os
import subprocess
import textwrap
import time
import unittest

from ticketd_env import TICKETD, MailServers, Ticketd, customer_mail


class AdminTickets(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "bob"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        key = os.path.join(self.servers.directory, "reply.key")
        with open(key, "wb") as f:
            f.write(os.urandom(32).hex().encode() + b"\n")
        agents = textwrap.dedent(f"""
            [security]
            secret_file = "{key}"

            [[agent]]
            name = "bob"
            addresses = ["{self.servers.address('bob')}"]
            groups = ["billing"]

            [[group]]
            name = "billing"
            lead = "bob"

            [sla.normal]
            first_response_minutes = 600

            [sla.high]
            first_response_minutes = 60
            """)
        self.ticketd = Ticketd(self.servers, agents=agents)
        alice = self.servers.address("alice")
        for i, subject in enumerate(["Invoice wrong", "Cannot log in"]):
            self.servers.append("support", customer_mail(f"Alice <{alice}>", self.ticketd.support, subject,
                                                         "Hello\n", f"a{i}@alice.example"))
        self.ticketd.run_once()
        self.numbers = {t["subject"]: t["number"] for t in self.ticketd.tickets()}

    def update(self, *args, user="root", sudo_user=None):
        env = dict(os.environ, USER=user)
        env.pop("SUDO_USER", None)
        if sudo_user:
            env["SUDO_USER"] = sudo_user
        return subprocess.run([TICKETD, "--config", self.ticketd.config_path, "tickets", "update", *args],
                              capture_output=True, env=env, timeout=60)

    def listed(self, *filters):
        out = self.ticketd.run("tickets", "list", *filters, "--json").stdout
        return sorted(t["number"] for t in json.loads(out))

    def test_an_admin_update_changes_the_ticket_and_records_who_did_it(self):
        n = self.numbers["Invoice wrong"]
        result = self.update(str(n), "--priority", "high", "--assign", "bob", "--group", "billing",
                             "--tag", "invoice", "--tag", "vip", "--status", "open", sudo_user="mei")
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertIn(f"ticket #{n}: priority normal -> high (by mei)", result.stdout.decode())
        ticket = self.ticketd.ticket(n)
        self.assertEqual((ticket["priority"], ticket["assignee"], ticket["group"], ticket["status"]),
                         ("high", "bob", "billing", "open"))
        self.assertEqual(sorted(ticket["tags"]), ["invoice", "vip"])
        admin_events = {e["what"]: e["detail"] for e in ticket["events"]
                        if e["actor"] == {"kind": "admin", "name": "mei"}}
        self.assertEqual(set(admin_events), {"priority", "assign", "group", "tag", "status"})
        self.assertTrue(admin_events["assign"].startswith("- -> bob"))

        result = self.update(str(n), "--untag", "vip", "--assign", "-", user="li")
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        ticket = self.ticketd.ticket(n)
        self.assertEqual(ticket["tags"], ["invoice"])
        self.assertEqual(ticket["assignee"], "")
        self.assertIn({"kind": "admin", "name": "li"}, [e["actor"] for e in ticket["events"]])

    def test_list_filters_by_priority_group_assignee_tag_and_requester(self):
        n = self.numbers["Invoice wrong"]
        self.assertEqual(self.update(str(n), "--priority", "high", "--assign", "bob", "--tag", "refund").returncode, 0)
        self.assertEqual(self.listed("--priority", "high"), [n])
        self.assertEqual(self.listed("--assignee", "bob"), [n])
        self.assertEqual(self.listed("--tag", "refund"), [n])
        self.assertEqual(self.listed("--requester", self.servers.address("alice")), sorted(self.numbers.values()))
        self.assertEqual(self.listed("--status", "closed"), [])
        # First answer due in 10 hours at normal priority, 1 hour at high:
        # raising the priority moves the running clock, so two hours on
        # (TICKETD_TEST_NOW, test only) only that ticket is overdue.
        self.assertEqual(self.listed("--overdue"), [])
        os.environ["TICKETD_TEST_NOW"] = str(int(time.time()) + 2 * 3600)
        try:
            later = self.listed("--overdue")
        finally:
            del os.environ["TICKETD_TEST_NOW"]
        self.assertEqual(later, [n])

    def test_a_typo_changes_nothing(self):
        n = self.numbers["Cannot log in"]
        result = self.update(str(n), "--priority", "hihg", "--tag", "x")
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown priority", result.stderr.decode())
        result = self.update(str(n), "--assign", "nobody")
        self.assertEqual(result.returncode, 1)
        self.assertIn('no [[agent]] named "nobody"', result.stderr.decode())
        ticket = self.ticketd.ticket(n)
        self.assertEqual((ticket["priority"], ticket["tags"]), ("normal", []))
        self.assertEqual(self.update(str(n)).returncode, 2)  # nothing asked


if __name__ == "__main__":
    unittest.main(verbosity=2)
