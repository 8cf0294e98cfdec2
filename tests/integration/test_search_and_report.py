#!/usr/bin/python3
"""Search and reports from the command line on tickets made from real mail
(issue 7): `ticketd search` finds Chinese and English tickets, `ticketd
report` counts them in every format, and the HTML report renders its SVG
charts in headless Chromium (skipped, saying so, when Chromium is absent)."""

import csv
import email.header
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from ticketd_env import MailServers, Ticketd, customer_mail

MAILS = [
    ("alice", "Refund failed", "My refund failed twice, card ending 4242.\n", "utf-8"),
    ("wei", "退款问题", "您好，我的退款一直失败，请帮忙处理。\n", "gbk"),
    ("wei", "发票", "请开具增值税发票。\n", "utf-8"),
    ("alice", "Login trouble", "The password reset link does not work.\n", "utf-8"),
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class SearchAndReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = MailServers(users=["support", "alice", "wei"])
        cls.servers.start()
        try:
            cls.ticketd = Ticketd(cls.servers)
            for i, (who, subject, body, charset) in enumerate(MAILS):
                # Subjects in RFC 2047 encoded words, as mail clients write them.
                encoded = email.header.Header(subject, charset).encode()
                raw = customer_mail(f"{who} <{cls.servers.address(who)}>", cls.ticketd.support, encoded, body,
                                    f"m{i}@{who}.example", charset=charset)
                cls.servers.append("support", raw)
            cls.ticketd.run_once()
            cls.numbers = {t["subject"]: t["number"] for t in cls.ticketd.tickets()}
            # An admin resolves the login ticket: the report counts it.
            cls.ticketd.run("tickets", "update", str(cls.numbers["Login trouble"]), "--status", "resolved",
                            "--no-notify")
        except BaseException:
            cls.servers.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.servers.stop()

    def search(self, *query):
        return json.loads(self.ticketd.run("search", *query, "--json").stdout)

    def test_a_chinese_search_of_two_short_words_finds_the_gbk_mail(self):
        hits = self.search("退款 失败")
        self.assertEqual([h["number"] for h in hits], [self.numbers["退款问题"]])

    def test_an_english_search_finds_the_ticket_whatever_the_case(self):
        hits = self.search("REFUND failed")
        self.assertEqual([h["number"] for h in hits], [self.numbers["Refund failed"]])
        self.assertIn("[", hits[0]["excerpt"])

    def test_a_chinese_phrase_uses_the_index(self):
        hits = self.search("增值税发票")
        self.assertEqual([h["number"] for h in hits], [self.numbers["发票"]])

    def test_a_search_with_no_match_says_so(self):
        out = self.ticketd.run("search", "nothing-like-this").stdout.decode()
        self.assertIn("no ticket matches", out)

    def test_the_report_counts_the_tickets_in_json_and_csv(self):
        report = json.loads(self.ticketd.run("report", "--format", "json", "--by", "mailbox").stdout)
        self.assertEqual(report["total"]["created"], 4)
        self.assertEqual(report["total"]["resolved"], 1)
        self.assertEqual(report["total"]["backlog"], 3)
        self.assertEqual(report["total"]["resolution"]["count"], 1)
        self.assertIsNotNone(report["total"]["resolution"]["median_seconds"])
        self.assertIsNone(report["total"]["first_response"]["median_seconds"])  # nobody answered yet
        self.assertIsNone(report["total"]["csat"]["score"])  # no survey data: empty, not 0
        self.assertEqual([r["key"] for r in report["rows"]], ["support"])
        rows = list(csv.reader(io.StringIO(self.ticketd.run("report", "--format", "csv").stdout.decode())))
        self.assertEqual(rows[0][:4], ["period", "created", "resolved", "backlog"])
        self.assertEqual(rows[-1][:4], ["total", "4", "1", "3"])
        table = self.ticketd.run("report").stdout.decode()
        self.assertRegex(table, r"total\s+4\s+1\s+3")

    def test_a_bad_date_is_a_usage_error(self):
        result = self.ticketd.run("report", "--since", "16/11/2026", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("is not a date", result.stderr.decode())

    def test_the_html_report_renders_its_charts_in_headless_chromium(self):
        browser = chromium()
        if not browser:
            self.skipTest("chromium is not installed (Debian package: chromium); the HTML chart test is skipped")
        html = self.ticketd.run("report", "--format", "html", "--by", "tag").stdout
        with tempfile.TemporaryDirectory() as tmp:
            page = os.path.join(tmp, "report.html")
            with open(page, "wb") as f:
                f.write(html)
            shot = os.path.join(tmp, "report.png")
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     f"--user-data-dir={os.path.join(tmp, 'profile')}", "--window-size=1200,1600"]
            subprocess.run([browser, *flags, f"--screenshot={shot}", "file://" + page],
                           capture_output=True, timeout=120)
            self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 10000, "no screenshot")
            dom = subprocess.run([browser, *flags, "--dump-dom", "file://" + page],
                                 capture_output=True, timeout=120).stdout.decode()
        # The DOM Chromium built (not just our text) holds the three charts
        # with their bars and the backlog line.
        for chart in ("chart-daily", "chart-backlog", "chart-by"):
            self.assertIn(f'id="{chart}"', dom)
        self.assertIn('<polyline class="line backlog"', dom)
        self.assertGreaterEqual(dom.count('class="bar created"'), 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
