#!/usr/bin/python3
"""The test harness itself: the real Dovecot and SMTP servers every other
integration test relies on deliver, refuse and stop the way we say they do."""

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
from mailservers import (MailServers, dovecot_processes, encode_mutf7, decode_mutf7,  # noqa: E402
                         _parent_death_signal)

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness", "mailservers.py")

CUSTOMER_MAIL = (
    "From: Alice <alice@example.test>\r\n"
    "To: support@example.test\r\n"
    "Subject: =?UTF-8?B?5omT5Y2w5py65Z2P5LqG?=\r\n"
    "Message-ID: <c1@example.test>\r\n"
    "\r\n"
    "The printer is broken.\r\n")


def send(servers, rcpts, data=CUSTOMER_MAIL, sender="alice@example.test"):
    with smtplib.SMTP("127.0.0.1", servers.smtp_port, timeout=30) as client:
        return client.sendmail(sender, rcpts, data)


class HarnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = MailServers(users=["support", "alice"])
        cls.servers.start()

    @classmethod
    def tearDownClass(cls):
        cls.servers.stop()

    def setUp(self):
        self.servers.clear_failures()
        self.servers.start_smtp()
        self.servers.start_imap()

    def test_mail_sent_by_smtp_is_readable_over_imap_in_the_recipients_mailbox(self):
        before = len(self.servers.messages("support"))
        send(self.servers, ["support+t0k3n@example.test"])
        got = self.servers.wait_for_messages("support", before + 1)[-1]
        self.assertIn(b"Subject: =?UTF-8?B?5omT5Y2w5py65Z2P5LqG?=", got)
        self.assertIn(b"Delivered-To: support+t0k3n@example.test", got)
        self.assertIn(b"The printer is broken.", got)
        # Reading with BODY.PEEK leaves the mail unread.
        self.assertNotIn("\\Seen", self.servers.flags("support")[max(self.servers.flags("support"))])

    def test_an_unknown_user_is_refused_with_550(self):
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
            send(self.servers, ["nobody@example.test"])
        code, message = caught.exception.recipients["nobody@example.test"]
        self.assertEqual(code, 550)
        self.assertIn(b"5.1.1", message)

    def test_a_recipient_can_be_made_to_fail_temporarily_or_permanently(self):
        self.servers.fail_recipient("alice@example.test", 451)
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
            send(self.servers, ["alice@example.test"], sender="support@example.test")
        self.assertEqual(caught.exception.recipients["alice@example.test"][0], 451)
        self.servers.fail_recipient("alice@example.test", 550)
        refused = send(self.servers, ["alice@example.test", "support@example.test"])
        self.assertEqual(refused["alice@example.test"][0], 550)
        self.servers.clear_failures()
        before = len(self.servers.messages("alice"))
        send(self.servers, ["alice@example.test"], sender="support@example.test")
        self.servers.wait_for_messages("alice", before + 1)

    def test_smtp_can_be_stopped_and_started_on_the_same_port(self):
        port = self.servers.smtp_port
        self.servers.stop_smtp()
        with self.assertRaises(OSError):
            send(self.servers, ["support@example.test"])
        self.servers.start_smtp()
        self.assertEqual(self.servers.smtp_port, port)
        before = len(self.servers.messages("support"))
        send(self.servers, ["support@example.test"])
        self.servers.wait_for_messages("support", before + 1)

    def test_imap_can_be_stopped_and_started_and_keeps_the_mail(self):
        self.servers.append("alice", b"Subject: kept\r\n\r\nstill here\r\n")
        self.servers.stop_imap()
        with self.assertRaises(OSError):
            self.servers.messages("alice")
        self.assertEqual(dovecot_processes(self.servers.instance_name), [])
        # Local delivery is down too: the SMTP server defers, as an MTA would.
        with self.assertRaises(smtplib.SMTPDataError) as caught:
            send(self.servers, ["alice@example.test"])
        self.assertEqual(caught.exception.smtp_code, 451)
        self.servers.start_imap()
        self.assertTrue(any(b"still here" in m for m in self.servers.messages("alice")))

    def test_smtp_connections_are_counted(self):
        before = self.servers.smtp_connections
        send(self.servers, ["support@example.test"])
        send(self.servers, ["support@example.test"])
        self.assertEqual(self.servers.smtp_connections, before + 2)

    def test_flags_and_folders_with_utf8_names(self):
        uid = self.servers.append("alice", b"Subject: f\r\n\r\nx\r\n")
        self.servers.store_flags("alice", uid, "$Ticketd")
        self.assertIn("$Ticketd", self.servers.flags("alice")[uid])
        self.servers.store_flags("alice", uid, "$Ticketd", add=False)
        self.assertNotIn("$Ticketd", self.servers.flags("alice")[uid])
        self.servers.create_folder("alice", "已处理")
        self.assertIn("已处理", self.servers.folders("alice"))
        self.servers.append("alice", b"Subject: done\r\n\r\nx\r\n", folder="已处理")
        self.assertEqual(len(self.servers.messages("alice", "已处理")), 1)

    def test_password_files_hold_the_password(self):
        with open(self.servers.password_file("support")) as f:
            self.assertEqual(f.read(), self.servers.password("support"))


class ModifiedUtf7Test(unittest.TestCase):
    def test_folder_names_round_trip(self):
        self.assertEqual(encode_mutf7("已处理"), "&XfJZBHQG-")
        self.assertEqual(encode_mutf7("R&D"), "R&-D")
        self.assertEqual(decode_mutf7("&XfJZBHQG-"), "已处理")
        self.assertEqual(decode_mutf7("R&-D"), "R&D")


class PortTakenTest(unittest.TestCase):
    def test_the_smtp_server_moves_to_another_port_when_its_free_port_was_taken_meanwhile(self):
        # Another test's server or client can take the port between the
        # harness finding it free and binding it.
        import mailservers
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        real_free_port = mailservers._free_port
        # The IMAP port is asked for first, then the SMTP port: that one is
        # the port just taken.
        answers = [real_free_port(), taken.getsockname()[1]]

        def port_taken_meanwhile():
            return answers.pop(0) if answers else real_free_port()
        mailservers._free_port = port_taken_meanwhile
        try:
            with MailServers(users=["support"]) as servers:
                self.assertNotEqual(servers.smtp_port, taken.getsockname()[1])
                send(servers, ["support@example.test"])
                servers.wait_for_messages("support", 1)
        finally:
            mailservers._free_port = real_free_port
            taken.close()


class CleanupTest(unittest.TestCase):
    def test_no_dovecot_process_and_no_directory_remain_after_exit(self):
        with MailServers(users=["support"]) as servers:
            name, directory = servers.instance_name, servers.directory
            self.assertNotEqual(dovecot_processes(name), [])
            send(servers, ["support@example.test"])
            servers.wait_for_messages("support", 1)
        self.assertEqual(dovecot_processes(name), [])
        self.assertFalse(os.path.exists(directory))

    def test_servers_stop_when_the_test_fails(self):
        with self.assertRaises(RuntimeError):
            with MailServers(users=["support"]) as servers:
                name = servers.instance_name
                raise RuntimeError("a failing test")
        self.assertEqual(dovecot_processes(name), [])

    def test_sigterm_to_a_script_using_the_harness_stops_dovecot(self):
        with MailServersScript() as script:
            script.process.send_signal(signal.SIGTERM)
            script.process.wait(timeout=30)
            self.assertEqual(dovecot_processes(script.instance_name), [])

    def test_ctrl_c_stops_the_script_for_people(self):
        with MailServersScript() as script:
            script.process.send_signal(signal.SIGINT)
            self.assertEqual(script.process.wait(timeout=30), 0)
            self.assertEqual(dovecot_processes(script.instance_name), [])


class MailServersScript:
    """`mailservers.py --users ...` run as a person would, in the background."""

    def __enter__(self):
        # SIGTERM to the script if this test process dies (ctest's timeout
        # kills it): otherwise the script outlives it holding ctest's stderr,
        # and ctest waits for it past its own timeout (seen once, 2026-11-22).
        self.process = subprocess.Popen(
            [sys.executable, HARNESS, "--users", "support,alice"],
            stdout=subprocess.PIPE, text=True, preexec_fn=_parent_death_signal)
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(lines)
        self.instance_name = None
        for pid_line in text.splitlines():
            if pid_line.startswith("dovecot "):
                self.instance_name = pid_line.split()[1]
        assert self.instance_name, text
        assert dovecot_processes(self.instance_name), text
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        return False


if __name__ == "__main__":
    unittest.main(verbosity=2)
