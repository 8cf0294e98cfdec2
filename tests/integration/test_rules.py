#!/usr/bin/python3
"""The example rule set at work against real servers (issue 4): a Chinese
billing mail goes to billing with priority high, a VIP's mail to the senior
set as urgent, a mail naming a product to the agent with that skill, plain
tickets are spread round-robin over the group; a broken edit of a rule file
is refused and the running rules stay in force."""

import base64
import os
import shutil
import textwrap
import time
import unittest

from ticketd_env import SOURCE_DIR, MailServers, Ticketd, customer_mail

CUSTOMERS = ["wei", "vip", "carol", "c1", "c2", "c3", "c4", "c5"]

AGENTS = """
[[agent]]
name = "wang.fang"
addresses = ["wang.fang@example.test"]
groups = ["support", "billing"]
skills = ["chinese"]

[[agent]]
name = "sarah.chen"
addresses = ["sarah.chen@example.test"]
groups = ["support"]
skills = ["product-netguard"]

[[agent]]
name = "alex.kim"
addresses = ["alex.kim@example.test"]
groups = ["support"]
skills = ["product-cloudbox"]

[[agent]]
name = "li.na"
addresses = ["li.na@example.test"]
groups = ["billing"]

[[agent]]
name = "tom.baker"
addresses = ["tom.baker@example.test"]
groups = ["sales"]
"""


class ExampleRules(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support"] + CUSTOMERS)
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.rules = os.path.join(self.servers.directory, "rules")
        shutil.copytree(os.path.join(SOURCE_DIR, "rules", "examples"), self.rules)
        with open(os.path.join(self.rules, "vip-customers.txt"), "a") as f:
            f.write(self.servers.address("vip") + "\n")
        key = os.path.join(self.servers.directory, "signing.key")
        with open(key, "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        security = f'[security]\nsecret_file = "{key}"\n'
        self.ticketd = Ticketd(self.servers, rules_dir=self.rules, agents=security + AGENTS)

    def deliver(self, user, subject, body, message_id, charset="utf-8"):
        raw = customer_mail(f"<{self.servers.address(user)}>", self.ticketd.support, subject, body,
                            message_id, charset=charset)
        self.servers.deliver("support", raw)

    def ticket_of(self, user):
        address = self.servers.address(user)
        found = [t for t in self.ticketd.tickets() if t["requester"]["address"] == address]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def test_the_example_rules_route_billing_vip_and_product_mail(self):
        subject = base64.b64encode("申请退款：重复扣费".encode("gbk")).decode()
        self.deliver("wei", f"=?GBK?B?{subject}?=", "您好，我的订单被重复扣费，请退款。\n", "w1@x", charset="gbk")
        self.deliver("vip", "Everything is down", "Nobody in our office can log in.\n", "v1@x")
        self.deliver("carol", "NetGuard blocks my printer", "Since the update NetGuard blocks it.\n", "n1@x")
        self.ticketd.run_once()

        billing = self.ticket_of("wei")
        self.assertEqual((billing["group"], billing["priority"]), ("billing", "high"))
        self.assertIn("billing", billing["tags"])
        self.assertIn(billing["assignee"], ("wang.fang", "li.na"))

        vip = self.ticket_of("vip")
        self.assertEqual(vip["priority"], "urgent")
        self.assertIn(vip["assignee"], ("wang.fang", "sarah.chen"))
        self.assertIn("vip", vip["tags"])

        product = self.ticket_of("carol")
        self.assertIn("product-netguard", product["tags"])
        self.assertEqual(product["assignee"], "sarah.chen")

        # Every rule action is an event with the rule as its actor.
        events = self.ticketd.ticket(billing["number"])["events"]
        rule_events = {(e["actor"]["name"], e["what"]) for e in events if e["actor"]["kind"] == "rule"}
        self.assertIn(("billing", "priority"), rule_events)
        self.assertIn(("billing", "group"), rule_events)

    def test_five_plain_tickets_in_a_row_are_spread_round_robin_over_the_group(self):
        for i, user in enumerate(["c1", "c2", "c3", "c4", "c5"]):
            self.deliver(user, f"Question {i}", "How do I change my e-mail address?\n", f"rr{i}@x")
            self.ticketd.run_once()
        assignees = [self.ticket_of(u)["assignee"] for u in ["c1", "c2", "c3", "c4", "c5"]]
        support = ["wang.fang", "sarah.chen", "alex.kim"]
        self.assertEqual(set(assignees), set(support), assignees)
        # Round-robin: no agent gets a second ticket before every other had one.
        self.assertEqual(assignees[3], assignees[0])
        self.assertEqual(assignees[4], assignees[1])

    def test_a_broken_rule_edit_is_refused_and_the_running_rules_stay(self):
        with open(os.path.join(self.rules, "30-billing.toml"), "a") as f:
            f.write("\n[[rule]]\nname = \"typo\"\nthen = { tagg = [\"x\"] }\n")
        check = self.ticketd.run("check", check=False)
        self.assertEqual(check.returncode, 1)
        self.assertIn(b"30-billing.toml:", check.stderr)
        self.assertIn(b"tagg", check.stderr)
        run = self.ticketd.run_once(check=False)
        self.assertIn(b"rules in", run.stderr)
        self.assertIn(b"refused", run.stderr)
        # Nothing to keep at start: the daemon runs without rules and says so;
        # the dry run names the error too.
        test = self.ticketd.run("rules", "test", os.path.join(SOURCE_DIR, "scripts", "demo-mails",
                                                              "02-gbk-refund.eml"), check=False)
        self.assertEqual(test.returncode, 1)
        self.assertIn(b"tagg", test.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
