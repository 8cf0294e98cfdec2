#!/usr/bin/python3
"""The ticketd demo (see demo.sh): real servers, sample mails in, tickets and
answers out. Everything lives in a temporary directory, removed at the end
unless --keep is given."""

import argparse
import email
import json
import email.policy
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "harness"))
from mailservers import MailServers  # noqa: E402

CUSTOMERS = ["alice", "wei", "mei", "vip.customer", "bob"]
AGENTS = """
[[agent]]
name = "wang.fang"
addresses = ["wang.fang@example.test"]
groups = ["support", "billing"]
skills = ["chinese", "product-cloudbox"]

[[agent]]
name = "sarah.chen"
addresses = ["sarah.chen@example.test"]
groups = ["support"]
skills = ["product-netguard"]

[[agent]]
name = "li.na"
addresses = ["li.na@example.test"]
groups = ["billing"]

[[agent]]
name = "tom.baker"
addresses = ["tom.baker@example.test"]
groups = ["sales"]

[[agent]]
name = "alex.kim"
addresses = ["alex.kim@example.test"]
groups = ["support"]
skills = ["product-cloudbox"]

[[group]]
name = "support"
lead = "sarah.chen"

[[group]]
name = "billing"
lead = "li.na"
"""


def banner(text):
    print("\n" + "=" * 78 + "\n" + text + "\n" + "=" * 78, flush=True)


def agent_reply_demo(servers, run, agent_users):
    """The first agent who got a notification replies to it the way
    Thunderbird does (quoted history below an attribution line); ticketd sends
    the customer only the new text, from the support address."""
    for agent in agent_users:
        notices = servers.messages(agent)
        if not notices:
            continue
        notice = email.message_from_bytes(notices[0], policy=email.policy.default)
        print(f"--- {agent}@ got: {notice['Subject']}\n    Reply-To: {notice['Reply-To']}")
        reply_to = notice["Reply-To"].split("<")[-1].strip(">")
        quoted = "".join("> " + line + "\n" for line in notice.get_body(("plain",)).get_content().splitlines())
        body = ("#priority high\n\nHello,\n\nthank you, we are looking into it and will write again today.\n\n"
                f"On Mon, 16 Nov 2026 10:02, Example Support wrote:\n{quoted}")
        raw = (f"From: {agent} <{servers.address(agent)}>\r\nTo: {reply_to}\r\n"
               f"Subject: Re: {notice['Subject']}\r\nMessage-ID: <demo-reply@{servers.domain}>\r\n"
               f"In-Reply-To: {notice['Message-ID']}\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               + body.replace("\n", "\r\n")).encode("utf-8")
        servers.deliver("support", raw)
        print(f"--- {agent} replied with '#priority high' and two lines of text; `ticketd run --once`")
        run("run", "--once")
        number = notice["X-Ticketd-Ticket"]
        customer = json.loads(run("tickets", "show", number, "--json", show=False).stdout)["requester"]["address"]
        answer = email.message_from_bytes(servers.messages(customer.split("@")[0])[-1], policy=email.policy.default)
        print(f"--- the customer {customer} got: {answer['Subject']}\n    From: {answer['From']}   "
              f"In-Reply-To: {answer['In-Reply-To']}")
        for line in answer.get_body(("plain",)).get_content().strip().splitlines():
            print("    | " + line)
        return
    print("(no agent was notified)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticketd", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the demo directory")
    args = parser.parse_args()
    ticketd = os.path.abspath(args.ticketd)

    agent_users = ["wang.fang", "sarah.chen", "li.na", "tom.baker", "alex.kim"]
    with MailServers(users=["support"] + CUSTOMERS + agent_users, keep=args.keep) as servers:
        work = os.path.join(servers.directory, "demo")
        rules = os.path.join(work, "rules")
        shutil.copytree(os.path.join(ROOT, "rules", "examples"), rules)
        with open(os.path.join(rules, "vip-customers.txt"), "a") as f:
            f.write(servers.address("vip.customer") + "\n")
        config = os.path.join(work, "ticketd.toml")
        # The key signing agents' reply addresses (issue 6): random, made by the admin.
        secret = os.path.join(work, "reply.key")
        with open(secret, "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        with open(config, "w") as f:
            f.write(f"""[store]
path = "{work}/tickets.db"

[templates]
dir = "{ROOT}/templates"

[rules]
dir = "{rules}"

[smtp]
url = "{servers.smtp_url}"

[security]
secret_file = "{secret}"

[[mailbox]]
name = "support"
url = "{servers.imap_url}"
user = "support"
password_file = "{servers.password_file('support')}"
address = "{servers.address('support')}"
display_name = "Example Support"
""" + AGENTS)

        def run(*argv, show=True):
            result = subprocess.run([ticketd, "--config", config, *argv], capture_output=True, text=True)
            if show:
                sys.stdout.write(result.stdout)
                sys.stderr.write(result.stderr)
            return result

        banner(f"Real servers up: Dovecot {servers.imap_url}, SMTP {servers.smtp_url}")
        print(run("check", show=False).stdout, end="")

        mails = sorted(os.listdir(os.path.join(HERE, "demo-mails")))
        for name in mails:
            with open(os.path.join(HERE, "demo-mails", name), "rb") as f:
                raw = f.read().replace(b"@example.test", b"@" + servers.domain.encode())
            servers.deliver("support", raw)
        banner(f"{len(mails)} customer mails delivered to support@; running `ticketd run --once`")
        run("run", "--once")

        banner("ticketd tickets list")
        run("tickets", "list")
        listed = run("tickets", "list", "--json", show=False).stdout
        numbers = sorted(t["number"] for t in __import__("json").loads(listed))
        if numbers:
            banner(f"ticketd tickets show {numbers[1] if len(numbers) > 1 else numbers[0]}")
            run("tickets", "show", str(numbers[1] if len(numbers) > 1 else numbers[0]))

        banner("What reached the customers' own mailboxes (read back over IMAP)")
        for customer in CUSTOMERS:
            for raw in servers.messages(customer):
                msg = email.message_from_bytes(raw, policy=email.policy.default)
                print(f"--- to {customer}@: {msg['Subject']}")
                print(f"    From: {msg['From']}   In-Reply-To: {msg['In-Reply-To']}   "
                      f"Auto-Submitted: {msg['Auto-Submitted']}")
                body = msg.get_body(("plain",)).get_content().strip().splitlines()
                for line in body[:6]:
                    print("    | " + line)
        banner("An agent answers from their own mail client (issue 6)")
        agent_reply_demo(servers, run, agent_users)

        banner("ticketd outbox list")
        run("outbox", "list")
        if args.keep:
            print(f"\nDemo directory kept: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
