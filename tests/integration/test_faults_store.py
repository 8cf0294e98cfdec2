#!/usr/bin/python3
"""Store faults (issue 8, faults 3): the SQLite store on a full file system,
and a store the file system refuses to write, while `ticketd run` works a
mailbox. Nothing is marked processed ($Ticketd) on the IMAP server for a
mail whose ticket change did not commit; the daemon says so in its log,
keeps running and retries; once space (or write access) returns, every mail
becomes exactly one ticket and every customer gets one acknowledgement.

How the faults are made (printed when the test runs):
 - full: the store lives on a small tmpfs the test mounts, filled with a
   file until writes fail with ENOSPC; where mount is not permitted (a
   container without CAP_SYS_ADMIN), the daemon's RLIMIT_FSIZE is lowered
   with prlimit(2) to the size its files have (writes past it fail with
   EFBIG; SIGXFSZ is ignored as a file server would), and raised again.
 - read-only: `chattr +i` on the database and its WAL: writes through the
   daemon's open descriptors fail with EPERM, as after an emergency remount
   read-only (which Linux refuses to do on request while files are open for
   writing). Skipped where the file system has no immutable flag. The same
   flag on the database before the daemon starts stands for a store that
   is read-only at boot: the daemon waits for it instead of exiting.
"""

import os
import re
import resource
import signal
import subprocess
import unittest

from ticketd_env import MailServers, Ticketd, attachment_mail, wait_until

COUNT = 12
# What the admin reads: a mail's ticket change did not commit, or the
# mailbox's state could not be written before any mail was taken.
STORE_FAILED = (r"support: (UID \d+ not processed, will retry|"
                r"the ticket store failed, nothing marked processed): ")
NEXT_TRY = r"\(next try in \d+s\)$"


def try_mount_tmpfs(path, size):
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                            capture_output=True)
    return result.returncode == 0


def fill(directory):
    """Writes a file in `directory` until the file system is full."""
    fd = os.open(os.path.join(directory, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:
                pass
    finally:
        os.close(fd)


def ignore_sigxfsz():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


class StoreFaults(unittest.TestCase):
    def setUp(self):
        self.servers = MailServers(users=["support", "alice", "bob"])
        self.servers.start()
        self.addCleanup(self.servers.stop)
        self.store_dir = os.path.join(self.servers.directory, "store")
        os.makedirs(self.store_dir)

    def make_ticketd(self):
        self.ticketd = Ticketd(self.servers, store_dir=self.store_dir)
        self.ticketd.add_config("daemon", "auto_replies_per_hour = 1000")

    def deliver_batch(self, tag):
        mails = []
        for i in range(COUNT):
            user = ("alice", "bob")[i % 2]
            address = self.servers.address(user)
            mails.append(attachment_mail(f"<{address}>", self.ticketd.support, f"{tag} {i}", "请看附件。\n",
                                         f"{tag}{i}@{user}.example", "gbk", "scan.pdf", os.urandom(60000)))
        self.servers.append_many("support", mails)
        return [f"{tag}{i}@{('alice', 'bob')[i % 2]}.example" for i in range(COUNT)]

    def assert_nothing_marked_without_its_ticket(self):
        # Flags first, then the store: a mail is flagged only after its commit,
        # so anything flagged must already be in the store when read second.
        flags = self.servers.flags("support")
        raws = self.servers.messages("support")  # in UID order, like sorted(flags)
        flagged = {re.search(rb"Message-ID: <([^>]+)>", raw).group(1).decode()
                   for uid, raw in zip(sorted(flags), raws) if "$Ticketd" in flags[uid]}
        stored = set(self.ticketd.incoming_by_message_id())
        self.assertEqual(flagged - stored, set(), "marked processed without its ticket")

    def assert_recovers(self, daemon, message_ids):
        def done():
            flags = self.servers.flags("support")
            outbox = self.ticketd.outbox()
            return (len(flags) == COUNT and all("$Ticketd" in f for f in flags.values())
                    and len(outbox) == COUNT and all(m["state"] == "sent" for m in outbox))
        self.assertTrue(wait_until(done, timeout=60, interval=0.3), daemon.log()[-3000:])
        stored = self.ticketd.incoming_by_message_id()
        self.assertEqual(sorted(stored), sorted(message_ids))
        self.assertTrue(all(len(t) == 1 for t in stored.values()), stored)
        self.assertEqual(len(self.ticketd.tickets()), COUNT)
        acks = len(self.servers.messages("alice")) + len(self.servers.messages("bob"))
        self.assertEqual(acks, COUNT, "one acknowledgement per ticket")
        self.assertTrue(daemon.alive(), daemon.log()[-3000:])
        self.assertEqual(daemon.stop(), 0, daemon.log()[-3000:])

    def test_a_full_file_system_marks_nothing_keeps_the_daemon_retrying_and_recovers(self):
        # TICKETD_FAULT_NO_MOUNT=1 takes the fallback where mount would work.
        mounted = (os.geteuid() == 0 and not os.environ.get("TICKETD_FAULT_NO_MOUNT")
                   and try_mount_tmpfs(self.store_dir, "16m"))
        if mounted:
            self.addCleanup(subprocess.run, ["umount", "-l", self.store_dir])
        print(f"\nfull file system made with {'a 16 MB tmpfs' if mounted else 'RLIMIT_FSIZE (prlimit)'}", flush=True)
        self.make_ticketd()
        daemon = self.ticketd.daemon(preexec_fn=None if mounted else ignore_sigxfsz)
        self.addCleanup(daemon.kill)
        self.assertTrue(daemon.wait_for_log("ticketd running"), daemon.log())
        self.assertTrue(os.path.exists(self.ticketd.store_path))
        if mounted:
            fill(self.store_dir)
        else:
            limit = max(os.path.getsize(os.path.join(self.store_dir, f)) for f in os.listdir(self.store_dir))
            resource.prlimit(daemon.proc.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

        message_ids = self.deliver_batch("full")
        failure = re.compile(STORE_FAILED + r".*tickets\.db: .*(disk is full|disk I/O error|too large).*"
                             + NEXT_TRY, re.M)
        self.assertTrue(wait_until(lambda: len(failure.findall(daemon.log())) >= 2, timeout=30),
                        daemon.log()[-3000:])
        self.assertTrue(daemon.alive(), daemon.log()[-3000:])
        self.assert_nothing_marked_without_its_ticket()

        if mounted:
            os.remove(os.path.join(self.store_dir, "filler"))
        else:
            resource.prlimit(daemon.proc.pid, resource.RLIMIT_FSIZE,
                             (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        self.assert_recovers(daemon, message_ids)

    def test_a_store_the_file_system_refuses_to_write_marks_nothing_and_recovers(self):
        self.make_ticketd()
        daemon = self.ticketd.daemon()
        self.addCleanup(daemon.kill)
        self.assertTrue(daemon.wait_for_log("ticketd running"), daemon.log())
        files = [self.ticketd.store_path, self.ticketd.store_path + "-wal"]
        self.assertTrue(wait_until(lambda: all(os.path.exists(f) for f in files)), os.listdir(self.store_dir))
        result = subprocess.run(["chattr", "+i", *files], capture_output=True)
        if result.returncode != 0:
            self.skipTest(f"no immutable flag here: {result.stderr.decode(errors='replace').strip()}")
        self.addCleanup(subprocess.run, ["chattr", "-i", *files], capture_output=True)
        print("\nread-only store made with chattr +i", flush=True)

        message_ids = self.deliver_batch("ro")
        failure = re.compile(STORE_FAILED + r".*tickets\.db: .*" + NEXT_TRY, re.M)
        self.assertTrue(wait_until(lambda: len(failure.findall(daemon.log())) >= 2, timeout=30),
                        daemon.log()[-3000:])
        self.assertTrue(daemon.alive(), daemon.log()[-3000:])
        self.assert_nothing_marked_without_its_ticket()
        self.assertEqual(self.ticketd.incoming_by_message_id(), {})

        subprocess.run(["chattr", "-i", *files], check=True)
        self.assert_recovers(daemon, message_ids)

    def test_a_daemon_started_on_a_store_it_cannot_write_waits_for_it_and_then_takes_the_mail(self):
        self.make_ticketd()
        self.ticketd.run_once()  # the store exists, as after an earlier run
        message_ids = self.deliver_batch("boot")
        files = [self.ticketd.store_path]
        result = subprocess.run(["chattr", "+i", *files], capture_output=True)
        if result.returncode != 0:
            self.skipTest(f"no immutable flag here: {result.stderr.decode(errors='replace').strip()}")
        self.addCleanup(subprocess.run, ["chattr", "-i", *files], capture_output=True)

        daemon = self.ticketd.daemon()
        self.addCleanup(daemon.kill)
        # Before, SQLite opened the file read-only without a word and every
        # write failed until a restart, even after write access came back.
        self.assertTrue(daemon.wait_for_log("no mail is taken until it can (next try in", count=2, timeout=30),
                        daemon.log())
        self.assertIn("tickets.db: cannot open the ticket store: it cannot be written", daemon.log())
        self.assertTrue(daemon.alive(), daemon.log())
        self.assertFalse(any("$Ticketd" in f for f in self.servers.flags("support").values()))

        subprocess.run(["chattr", "-i", *files], check=True)
        self.assert_recovers(daemon, message_ids)


if __name__ == "__main__":
    unittest.main(verbosity=2)
