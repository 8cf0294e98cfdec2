#!/usr/bin/python3
"""ticketd's IMAP and SMTP clients (daemon/imap_session, daemon/smtp_session)
against the real servers: starts the harness, passes the servers'
coordinates in the environment and runs the `[live]` Catch2 cases of
daemon_tests (TICKETD_DAEMON_TESTS), then checks from the server side what
the clients did."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
from mailservers import MailServers, _free_port  # noqa: E402

# Dovecot 2.3's post-login capabilities without MOVE and IDLE: an older
# server, for the COPY/EXPUNGE fallback and for polling without IDLE.
NO_MOVE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES "
           "THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
           "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES "
           "WITHIN CONTEXT=SEARCH LIST-STATUS BINARY SPECIAL-USE")


class TransportTest(unittest.TestCase):
    def test_imap_and_smtp_clients_against_real_servers(self):
        binary = os.environ.get("TICKETD_DAEMON_TESTS")
        self.assertTrue(binary and os.path.exists(binary), "TICKETD_DAEMON_TESTS must name daemon_tests")
        with MailServers(users=["support", "alice"]) as main, \
                MailServers(imap_capability=NO_MOVE, smtp_auth=True) as other:
            # Same users and passwords on the second server (no MOVE, SMTP AUTH).
            for user in ("support", "alice"):
                other.add_user(user, main.password(user))
            main.fail_recipient("busy@example.test", 451)
            down_port = _free_port()  # nothing listens there
            env = dict(os.environ,
                       TICKETD_LIVE_IMAP_URL=main.imap_url,
                       TICKETD_LIVE_SMTP_URL=main.smtp_url,
                       TICKETD_LIVE_DOMAIN=main.domain,
                       TICKETD_LIVE_USER="support",
                       TICKETD_LIVE_PASSWORD=main.password("support"),
                       TICKETD_LIVE_PEER="alice",
                       TICKETD_LIVE_PEER_PASSWORD=main.password("alice"),
                       TICKETD_LIVE_DEFERRED_RCPT="busy@example.test",
                       TICKETD_LIVE_DOWN_IMAP_URL=f"imap://127.0.0.1:{down_port}",
                       TICKETD_LIVE_DOWN_SMTP_URL=f"smtp://127.0.0.1:{down_port}",
                       TICKETD_LIVE_NOMOVE_IMAP_URL=other.imap_url,
                       TICKETD_LIVE_AUTH_SMTP_URL=other.smtp_url)
            run = subprocess.run([binary, "[live]"], env=env, capture_output=True, text=True, timeout=600)
            sys.stdout.write(run.stdout[-8000:])
            sys.stderr.write(run.stderr[-3000:])
            self.assertEqual(run.returncode, 0, "[live] cases of daemon_tests failed")

            # Seen from the server: what SmtpSession sent arrived in alice's
            # mailbox with the envelope recipient, each SMTP case kept to its
            # own connection(s), and the commands came pipelined, since the
            # server offered PIPELINING.
            received = main.messages("alice")
            self.assertTrue(any(b"Subject: reuse-" in m for m in received))
            self.assertTrue(all(b"Delivered-To: alice@example.test" in m for m in received))
            self.assertLessEqual(main.smtp_connections, 10)
            self.assertGreaterEqual(main.pipelined_groups, 5)

            # The same SMTP cases against a server without PIPELINING: one
            # command at a time, and the same outcomes.
            main.smtp_pipelining = False
            main.pipelined_groups = 0
            run = subprocess.run([binary, "[live][smtp]"], env=env, capture_output=True, text=True, timeout=600)
            sys.stdout.write(run.stdout[-8000:])
            sys.stderr.write(run.stderr[-3000:])
            self.assertEqual(run.returncode, 0, "[live][smtp] cases of daemon_tests failed without PIPELINING")
            self.assertEqual(main.pipelined_groups, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
