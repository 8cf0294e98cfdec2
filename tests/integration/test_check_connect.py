#!/usr/bin/python3
"""`ticketd check --connect` (issue 7): an admin learns before starting
whether every IMAP mailbox and the SMTP server can be reached and accept the
login, one line each, exit 3 when any cannot."""

import os
import unittest

from ticketd_env import MailServers, Ticketd


class CheckConnect(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.ticketd = Ticketd(self.servers)

    def check(self):
        result = self.ticketd.run("check", "--connect", check=False, timeout=90)
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    def test_reachable_servers_are_reported_ok(self):
        code, out, err = self.check()
        self.assertEqual(code, 0, out + err)
        self.assertIn("mailbox support: ok (logged in as support, folder INBOX selected)", out)
        self.assertIn("mailbox support: IMAP IDLE offered: new mail is taken within about a second", out)
        self.assertIn(f"smtp: ok ({self.servers.smtp_url})", out)

    def test_a_mailbox_with_idle_off_is_reported_as_polled(self):
        self.ticketd.add_mailbox_config("idle = false")
        code, out, err = self.check()
        self.assertEqual(code, 0, out + err)
        self.assertIn("mailbox support: idle = false: new mail is polled every 1s", out)
        self.assertNotIn("IDLE offered", out)

    def test_a_stopped_imap_server_exits_3_and_names_the_mailbox(self):
        self.servers.stop_imap()
        code, out, err = self.check()
        self.assertEqual(code, 3, out + err)
        self.assertIn("mailbox support: FAILED:", err)
        self.assertIn("smtp: ok", out)

    def test_a_mailbox_that_requires_tls_is_never_logged_in_over_clear_text(self):
        # The harness's Dovecot offers no STARTTLS. With require_tls the
        # password must not go out in clear text: check --connect says so,
        # and the daemon takes no mail from that server.
        self.ticketd.add_mailbox_config("require_tls = true")
        code, out, err = self.check()
        self.assertEqual(code, 3, out + err)
        self.assertIn("mailbox support: FAILED:", err)
        self.assertIn("TLS", err)
        self.servers.append("support", b"From: a@example.test\r\nTo: support@example.test\r\n"
                                       b"Subject: hello\r\nMessage-ID: <tls1@example.test>\r\n\r\nHi.\r\n")
        run = self.ticketd.run("run", "--once", check=False)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("TLS", run.stderr.decode())
        self.assertEqual(self.ticketd.tickets(), [])
        self.assertTrue(all("$Ticketd" not in f for f in self.servers.flags("support").values()))

    def test_a_wrong_imap_password_exits_3_without_showing_the_password(self):
        with open(self.servers.password_file("support"), "w") as f:
            f.write("not-the-password-xyz\n")
        code, out, err = self.check()
        self.assertEqual(code, 3, out + err)
        self.assertIn("mailbox support: FAILED:", err)
        self.assertNotIn("not-the-password-xyz", out + err)

    def test_a_stopped_smtp_server_exits_3(self):
        self.servers.stop_smtp()
        code, out, err = self.check()
        self.assertEqual(code, 3, out + err)
        self.assertIn("smtp: FAILED:", err)
        self.assertIn("mailbox support: ok", out)

    def test_without_connect_no_server_is_contacted(self):
        self.servers.stop_imap()
        self.servers.stop_smtp()
        result = self.ticketd.run("check", check=False)
        self.assertEqual(result.returncode, 0, result.stderr.decode())

    def test_store_files_another_user_owns_are_named_as_a_warning(self):
        self.ticketd.run_once()  # the store, its mail log and WAL exist
        store = self.ticketd.store_path
        result = self.ticketd.run("check", check=False)
        self.assertIn(f"{store}: ok (the store's files can be written", result.stdout.decode())
        if os.geteuid() != 0:
            self.skipTest("not root: cannot give the database to another user")
        # The daemon's user owns the database; the admin left the sent
        # journal as root (nobody stands in for the daemon's user here).
        os.chown(store, 65534, 65534)
        with open(store + "-sent", "a"):
            pass
        result = self.ticketd.run("check", check=False)
        self.assertEqual(result.returncode, 0, result.stderr.decode())  # a warning: `run` waits for the store
        self.assertIn(f"warning: {store}-sent: belongs to root, the database to nobody", result.stderr.decode())
        self.assertIn(f"chown -R nobody:", result.stderr.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
