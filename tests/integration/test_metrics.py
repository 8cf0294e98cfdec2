#!/usr/bin/python3
"""The Prometheus metrics file (issue 7): `[metrics] file` is rewritten
after every cycle with what node_exporter's textfile collector reads."""

import os
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail


def samples(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, value = line.split()
            values[name] = float(value)
    return values


class Metrics(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.metrics = os.path.join(self.servers.directory, "textfile", "ticketd.prom")
        os.makedirs(os.path.dirname(self.metrics))
        self.ticketd = Ticketd(self.servers, extra_config=f'\n[metrics]\nfile = "{self.metrics}"\n')
        self.alice = self.servers.address("alice")

    def mail(self, n, extra_headers=""):
        raw = customer_mail(f"Alice <{self.alice}>", self.ticketd.support, f"Question {n}", "Hello?\n",
                            f"m{n}@alice.example", extra_headers=extra_headers)
        self.servers.append("support", raw)

    def test_each_cycle_rewrites_the_counters_and_gauges(self):
        self.mail(1)
        self.mail(2, extra_headers="Auto-Submitted: auto-replied\r\n")  # an out-of-office: no acknowledgement
        self.ticketd.run_once()
        m = samples(self.metrics)
        self.assertEqual(m["ticketd_tickets_created_total"], 2)
        self.assertEqual(m["ticketd_mails_processed_total"], 2)
        self.assertEqual(m["ticketd_mails_fetched_this_run_total"], 2)
        self.assertEqual(m["ticketd_mails_sent_total"], 1)
        self.assertEqual(m["ticketd_loop_suppressions_total"], 1)
        self.assertEqual(m["ticketd_outbox_depth"], 0)
        self.assertEqual(m["ticketd_outbox_oldest_unsent_age_seconds"], 0)
        self.assertEqual(m["ticketd_send_failures_total"], 0)
        self.assertEqual(os.listdir(os.path.dirname(self.metrics)), ["ticketd.prom"], "no temporary file left")

        # With the SMTP server down the acknowledgement waits in the outbox.
        self.servers.stop_smtp()
        self.mail(3)
        self.ticketd.run_once(check=False)
        m = samples(self.metrics)
        self.assertEqual(m["ticketd_tickets_created_total"], 3)
        self.assertEqual(m["ticketd_outbox_depth"], 1)
        self.assertGreaterEqual(m["ticketd_outbox_oldest_unsent_age_seconds"], 0)
        self.assertEqual(m["ticketd_server_failures_this_run_total"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
