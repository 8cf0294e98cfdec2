#!/usr/bin/python3
"""Real mail servers for ticketd's tests: Dovecot (IMAP) and an SMTP server
that delivers into Dovecot mailboxes, both on free loopback ports, in a
temporary directory, stopped afterwards whatever happens.

Contract
--------
``MailServers`` is a context manager.  Entering it starts

* Dovecot (``/usr/sbin/dovecot -F``) with its own config, base_dir, state_dir,
  logs and maildir storage under the directory, IMAP without TLS on
  ``127.0.0.1:<free port>`` with plaintext authentication allowed, users in a
  passwd-file (plaintext passwords).  Several instances can run at once:
  nothing is shared with the system Dovecot (whose service must not run).
* an SMTP server (aiosmtpd) on ``127.0.0.1:<free port>`` that hands every
  accepted message, once per recipient, to
  ``dovecot-lda -c CONF -d USER -a RCPT -f FROM`` the way an MTA's local
  delivery would.  ``user+detail@domain`` is delivered to ``user``; the
  message keeps its headers, and a ``Delivered-To: <rcpt as written>`` header
  is prepended (as Postfix does) so the plus address stays visible over IMAP.
  Unknown users get ``550 5.1.1``.  AUTH is off unless ``smtp_auth=True``
  (then users log in with their IMAP password; plaintext allowed, no TLS).
  EHLO offers PIPELINING (RFC 2920), as Postfix does, unless
  ``smtp_pipelining`` is set to False (an attribute; the next EHLO obeys);
  ``pipelined_groups`` counts the MAIL commands that arrived with the
  client's next command already behind them, i.e. pipelined.

Leaving it (also on an exception, on SIGTERM/SIGINT and at interpreter exit)
stops both servers; the Dovecot master is sent SIGTERM, its children are
checked by process title (``dovecot-<instance_name>/...``) and killed if left over.
If the test process is killed with SIGKILL, Dovecot still gets SIGTERM
through PR_SET_PDEATHSIG.

Running as root (the usual case in CI and containers): Dovecot's own
processes run as ``dovecot``/``dovenull`` (``default_internal_user`` and
``default_login_user``) and mail is stored as the ``mail`` user (uid 8).
Running as a normal user: every Dovecot process and the mail run as that
user, without chroot.

Faults for tests: ``stop_smtp()``/``start_smtp()`` (same port; open
connections are dropped), ``fail_recipient(addr, code)`` (RCPT answers that
code, e.g. 451 or 550), ``clear_failures()``, ``stop_imap()``/
``start_imap()`` (the whole Dovecot instance: while it is down SMTP delivery
answers ``451 4.3.0`` at DATA, as a real MTA whose local delivery is down
would defer), ``delete_folder()`` (a folder recreated later gets a new
UIDVALIDITY), ``uidvalidity()``; ``append_many()`` loads hundreds of mails
over one IMAP connection.

Run as a script for a person (``--dir DIR --users support,alice``): starts
both, prints the URLs, users and password files, and waits for Ctrl-C.
"""

import argparse
import atexit
import ctypes
import errno
import grp
import imaplib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref

import logging
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DOVECOT = "/usr/sbin/dovecot"
DOVECOT_LDA = "/usr/lib/dovecot/dovecot-lda"

# AUTH without TLS is what the loopback test server is for; keep its
# warnings out of the test output.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
logging.getLogger("mail.log").setLevel(logging.ERROR)

# sysexits.h codes dovecot-lda exits with.
EX_NOUSER = 67
EX_TEMPFAIL = 75


# --- IMAP modified UTF-7 (RFC 3501 section 5.1.3), for folder names --------

def _b64_mod(data):
    import base64
    return base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",")


def encode_mutf7(name):
    """UTF-8 folder name -> IMAP modified UTF-7."""
    out, run = [], []

    def flush():
        if run:
            out.append("&" + _b64_mod("".join(run).encode("utf-16-be")) + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def decode_mutf7(name):
    """IMAP modified UTF-7 -> UTF-8 folder name."""
    import base64

    def repl(m):
        body = m.group(1)
        if body == "":
            return "&"
        body = body.replace(",", "/")
        body += "=" * (-len(body) % 4)
        return base64.b64decode(body).decode("utf-16-be")

    return re.sub(r"&([^-]*)-", repl, name)


def _imap_quote(name):
    return '"' + encode_mutf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- process hygiene ---------------------------------------------------------

_live = weakref.WeakSet()
_handlers_installed = False
_handlers_lock = threading.Lock()


def _stop_all_live():
    for servers in list(_live):
        try:
            servers.stop()
        except Exception as error:  # keep stopping the others
            print(f"mailservers: stopping {servers.directory}: {error}", file=sys.stderr)


def _install_handlers():
    """atexit plus SIGTERM/SIGINT handlers that stop every live instance, then
    behave as the signal would have (exit 143 / KeyboardInterrupt), chaining to
    a handler someone else installed before us."""
    global _handlers_installed
    with _handlers_lock:
        if _handlers_installed:
            return
        _handlers_installed = True
    atexit.register(_stop_all_live)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)

        def handler(num, frame, previous=previous):
            _stop_all_live()
            if callable(previous) and previous not in (signal.default_int_handler,):
                previous(num, frame)
                return
            if num == signal.SIGINT:
                raise KeyboardInterrupt
            raise SystemExit(128 + num)

        signal.signal(signum, handler)


def _parent_death_signal():
    """preexec_fn: SIGTERM the child when the process that started it dies,
    so a SIGKILLed test run does not leave Dovecot behind."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def dovecot_processes(instance_name):
    """PIDs of one Dovecot instance's children, found by process title: they
    call themselves 'dovecot-<instance_name>/<service>' (or
    '<instance_name>/<service>')."""
    prefixes = (f"dovecot-{instance_name}/", f"{instance_name}/")
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if cmdline.startswith(prefixes):
            pids.append(int(entry))
    return pids


# --- the SMTP side -----------------------------------------------------------

class _SmtpHandler:
    """aiosmtpd handler: RCPT checks the user and injected faults, DATA hands
    the message to dovecot-lda once per recipient."""

    def __init__(self, servers):
        self.servers = servers

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # aiosmtpd leaves this to the hook
        if self.servers.smtp_pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # aiosmtpd reads one line at a time: RCPT already waiting in its
        # buffer while MAIL is handled means the client did not wait.
        waiting = bytes(getattr(server._reader, "_buffer", b""))
        if waiting.upper().startswith(b"RCPT"):
            with self.servers._lock:
                self.servers.pipelined_groups += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        failure = self.servers._failure_for(address)
        if failure:
            return failure
        if self.servers._local_user(address) is None:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        loop = asyncio.get_running_loop()
        # RFC 5321 4.5.2 transparency is undone by aiosmtpd; an MTA stores LF.
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        raw = raw.replace(b"\r\n", b"\n")
        worst = "250 2.0.0 OK: delivered"
        if not self.servers.imap_running:
            # dovecot-lda would take about a second per message to find
            # Dovecot's auth socket gone and exit 75; answer the same at once.
            for rcpt in envelope.rcpt_tos:
                self.servers._record(envelope.mail_from, rcpt, raw, EX_TEMPFAIL)
            return "451 4.3.0 local delivery deferred (Dovecot is down)"
        for rcpt in envelope.rcpt_tos:
            user = self.servers._local_user(rcpt)
            code, detail = await loop.run_in_executor(
                None, self.servers._lda, user, raw, envelope.mail_from, rcpt)
            self.servers._record(envelope.mail_from, rcpt, raw, code)
            if code == 0:
                continue
            if code == EX_NOUSER:
                worst = f"550 5.1.1 <{rcpt}>: User unknown ({detail})"
            elif not worst.startswith("550"):
                worst = f"451 4.3.0 <{rcpt}>: local delivery deferred ({detail})"
        return worst


class _CountingController(Controller):
    """A Controller that counts the connections it accepts, so tests can check
    that a client reuses one connection."""

    def __init__(self, servers, *args, **kwargs):
        self._servers = servers
        super().__init__(*args, **kwargs)

    def factory(self):
        self._servers._smtp_connections += 1
        # unittest resets warning filters; AUTH without TLS is intended here.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        return SMTP(self.handler, **self.SMTP_kwargs)


# --- the servers --------------------------------------------------------------

class MailServers:
    """Dovecot + SMTP for one test (see the module docstring)."""

    def __init__(self, directory=None, domain="example.test", users=(),
                 smtp_auth=False, imap_capability=None, keep=False):
        self.domain = domain
        self.smtp_auth = smtp_auth
        self.imap_capability = imap_capability
        self._given_dir = directory
        self._keep = keep or directory is not None or bool(os.environ.get("TICKETD_KEEP_MAIL_DIR"))
        self.directory = None
        self._base_dir = None
        self._users = {}
        self._initial_users = list(users)
        self._failures = {}
        self._lock = threading.Lock()
        self._dovecot = None
        self._controller = None
        self._smtp_connections = 0
        self.smtp_pipelining = True
        self.pipelined_groups = 0
        self.smtp_log = []  # (mail_from, rcpt, size, lda exit code)
        self.imap_port = None
        self.smtp_port = None
        self.instance_name = "tkd" + secrets.token_hex(4)
        self._running = False
        self._as_root = os.geteuid() == 0

    # -- lifecycle

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if self._running:
            return
        _install_handlers()
        if self._given_dir:
            self.directory = os.path.abspath(self._given_dir)
            os.makedirs(self.directory, exist_ok=True)
        else:
            self.directory = tempfile.mkdtemp(prefix="ticketd-mail-")
        self._running = True
        _live.add(self)
        try:
            self._prepare_dirs()
            self.imap_port = _free_port()
            self.smtp_port = _free_port()
            for name in self._initial_users:
                self.add_user(name)
            self._write_dovecot_conf()
            self.start_imap()
            for attempt in range(5):
                try:
                    self.start_smtp()
                    break
                except OSError as e:
                    # The free port was taken between _free_port() and the
                    # bind (by a test running beside this one, or a
                    # client's ephemeral port): ctest -j2 failed on it once.
                    if e.errno != errno.EADDRINUSE or attempt == 4:
                        raise
                    self.smtp_port = _free_port()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if not self._running:
            return
        self._running = False
        try:
            self.stop_smtp()
        finally:
            try:
                self.stop_imap()
            finally:
                _live.discard(self)
                if not self._keep and self.directory:
                    shutil.rmtree(self.directory, ignore_errors=True)
                if self._base_dir and self._base_dir.startswith("/tmp/tkd-run-"):
                    shutil.rmtree(self._base_dir, ignore_errors=True)

    # -- layout and config

    def _path(self, *parts):
        return os.path.join(self.directory, *parts)

    def _mail_ids(self):
        if self._as_root:
            try:
                entry = pwd.getpwnam("mail")
            except KeyError:
                entry = pwd.getpwnam("nobody")
            return entry.pw_uid, entry.pw_gid
        return os.getuid(), os.getgid()

    def _prepare_dirs(self):
        for sub in ("mail", "state", "log", "passwords"):
            os.makedirs(self._path(sub), exist_ok=True)
        # Unix sockets live in base_dir; sun_path holds 108 bytes, and
        # Dovecot's longest socket name adds ~30, so long --dir paths get a
        # short base_dir of their own in /tmp.
        run = self._path("run")
        if len(run) > 60:
            run = tempfile.mkdtemp(prefix="tkd-run-", dir="/tmp")
        os.makedirs(run, exist_ok=True)
        self._base_dir = run
        uid, gid = self._mail_ids()
        if self._as_root:
            # Dovecot's unprivileged processes and the mail uid must reach the
            # users file, the maildirs and the logs.
            os.chmod(self.directory, 0o755)
            os.chown(self._path("mail"), uid, gid)
        for log in ("dovecot.log", "lda.log"):
            path = self._path("log", log)
            open(path, "a").close()
            os.chmod(path, 0o666)  # dovecot-lda writes as the mail uid
        os.chmod(self._path("passwords"), 0o700)

    def _write_users(self):
        uid, gid = self._mail_ids()
        lines = []
        for name, password in sorted(self._users.items()):
            home = self._path("mail", name)
            lines.append(f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{home}::\n")
        path = self._path("users")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.writelines(lines)
        if self._as_root:
            os.chown(tmp, 0, pwd.getpwnam("dovecot").pw_gid)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)

    def _write_dovecot_conf(self):
        uid, _ = self._mail_ids()
        if self._as_root:
            internal_user, login_user, chroot = "dovecot", "dovenull", None
            internal_group = ""
        else:
            me = pwd.getpwuid(os.getuid()).pw_name
            internal_user, login_user, chroot = me, me, ""
            # Unix listeners are chowned to this group: it must be ours.
            internal_group = f"default_internal_group = {grp.getgrgid(os.getgid()).gr_name}\n"
        chroot_line = "" if chroot is None else f"  chroot = {chroot}\n"
        capability = f"imap_capability = {self.imap_capability}\n" if self.imap_capability else ""
        conf = f"""# Written by tests/harness/mailservers.py for one test run.
instance_name = {self.instance_name}
base_dir = {self._base_dir}
state_dir = {self._path("state")}
log_path = {self._path("log", "dovecot.log")}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
{internal_group}first_valid_uid = {min(uid, 500) if uid else 1}
mail_location = maildir:~/Maildir
postmaster_address = postmaster@{self.domain}
hostname = mail.{self.domain}
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {self._path("users")}
}}
userdb {{
  driver = passwd-file
  args = username_format=%n {self._path("users")}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
{chroot_line}}}
service anvil {{
{chroot_line}}}
service ipc {{
{chroot_line}}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol lda {{
  log_path = {self._path("log", "lda.log")}
  lda_mailbox_autocreate = yes
}}
"""
        with open(self._path("dovecot.conf"), "w") as f:
            f.write(conf)
        os.chmod(self._path("dovecot.conf"), 0o644)

    @property
    def dovecot_config(self):
        return self._path("dovecot.conf")

    # -- IMAP (Dovecot)

    def start_imap(self):
        if self._dovecot is not None and self._dovecot.poll() is None:
            return
        stderr = open(self._path("log", "dovecot.stderr"), "ab")
        self._dovecot = subprocess.Popen(
            [DOVECOT, "-F", "-c", self.dovecot_config],
            stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
            preexec_fn=_parent_death_signal, close_fds=True)
        stderr.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._dovecot.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self._dovecot.returncode}:\n{self._log_tail()}")
            if _port_open(self.imap_port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on 127.0.0.1:{self.imap_port}:\n{self._log_tail()}")

    @property
    def imap_running(self):
        return self._dovecot is not None and self._dovecot.poll() is None

    def stop_imap(self):
        proc, self._dovecot = self._dovecot, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # The master SIGTERMs its children when it exits; make sure.
        deadline = time.monotonic() + 5
        while True:
            left = dovecot_processes(self.instance_name)
            if not left:
                break
            if time.monotonic() > deadline:
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                break
            time.sleep(0.05)

    def _log_tail(self):
        text = []
        for log in ("dovecot.stderr", "dovecot.log"):
            try:
                with open(self._path("log", log), errors="replace") as f:
                    text.append(f"--- {log}\n" + "".join(f.readlines()[-20:]))
            except OSError:
                pass
        return "\n".join(text)

    @property
    def imap_url(self):
        return f"imap://127.0.0.1:{self.imap_port}"

    # -- SMTP (aiosmtpd -> dovecot-lda)

    def start_smtp(self):
        if self._controller is not None:
            return
        kwargs = {}
        if self.smtp_auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=False)
        controller = _CountingController(
            self, _SmtpHandler(self), hostname="127.0.0.1", port=self.smtp_port,
            server_hostname=f"mail.{self.domain}", data_size_limit=64 * 1024 * 1024,
            **kwargs)
        before = self._smtp_connections
        controller.start()
        # Controller.start() connects once to wake the server; not a client.
        self._smtp_connections = before
        self._controller = controller

    def stop_smtp(self):
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def smtp_url(self):
        return f"smtp://127.0.0.1:{self.smtp_port}"

    @property
    def smtp_connections(self):
        """Connections the SMTP server accepted from clients so far."""
        return self._smtp_connections

    def fail_recipient(self, address, code, message=None):
        """Answer RCPT TO:<address> (case-insensitive) with code, e.g. 451 or 550."""
        code = int(code)
        if message is None:
            message = ("4.3.0 Temporary failure, try again later (test fault)"
                       if code < 500 else "5.1.1 Recipient rejected (test fault)")
        with self._lock:
            self._failures[address.lower()] = f"{code} {message}"

    def clear_failures(self):
        with self._lock:
            self._failures.clear()

    def _failure_for(self, address):
        with self._lock:
            return self._failures.get(address.lower())

    def _local_user(self, address):
        """'user+detail@domain' -> 'user' if that user exists, else None."""
        local, _, domain = address.rpartition("@")
        if not local or domain.lower() != self.domain.lower():
            return None
        user = local.split("+", 1)[0]
        return user if user in self._users else None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password.decode("utf-8", "replace")
            user = login.split("@", 1)[0]
            if self._users.get(user) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def _lda(self, user, raw, mail_from, rcpt):
        header = f"Delivered-To: {rcpt}\n".encode("utf-8")
        if mail_from is not None:
            header = f"Return-Path: <{mail_from}>\n".encode("utf-8") + header
        cmd = [DOVECOT_LDA, "-c", self.dovecot_config, "-d", user, "-a", rcpt]
        if mail_from:
            cmd += ["-f", mail_from]
        proc = subprocess.run(cmd, input=header + raw, capture_output=True, timeout=60)
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return proc.returncode, (detail[-1] if detail else f"exit {proc.returncode}")

    def _record(self, mail_from, rcpt, raw, code):
        with self._lock:
            self.smtp_log.append((mail_from, rcpt, len(raw), code))

    # -- users

    def address(self, name):
        return f"{name}@{self.domain}"

    def add_user(self, name, password=None):
        """Create (or re-password) a mailbox user; returns the password."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
            raise ValueError(f"bad user name {name!r}")
        if password is None:
            password = "pw-" + secrets.token_hex(8)
        self._users[name] = password
        with open(self.password_file(name), "w") as f:
            f.write(password)  # no trailing newline
        os.chmod(self.password_file(name), 0o600)
        if self.directory and os.path.isdir(self._path("mail")):
            self._write_users()
        return password

    def password(self, name):
        return self._users[name]

    def password_file(self, name):
        """A file holding the user's password (no trailing newline, mode 0600)."""
        return self._path("passwords", f"{name}.password")

    @property
    def users(self):
        return sorted(self._users)

    # -- helpers for tests

    def deliver(self, user, raw, folder=None):
        """Deliver raw bytes to user the way an MTA would (dovecot-lda)."""
        cmd = [DOVECOT_LDA, "-c", self.dovecot_config, "-d", user]
        if folder:
            cmd += ["-m", encode_mutf7(folder)]
        proc = subprocess.run(cmd, input=raw, capture_output=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(f"dovecot-lda for {user} exited {proc.returncode}: "
                               f"{proc.stderr.decode('utf-8', 'replace')}")

    def imap(self, user):
        """A logged-in imaplib connection (caller logs out)."""
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=30)
        conn.login(user, self._users[user])
        return conn

    def _with_folder(self, user, folder, fn, readonly=True):
        conn = self.imap(user)
        try:
            typ, data = conn.select(_imap_quote(folder), readonly=readonly)
            if typ != "OK":
                raise RuntimeError(f"SELECT {folder} for {user}: {data}")
            return fn(conn)
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

    def append(self, user, raw, folder="INBOX", flags=""):
        """IMAP APPEND raw bytes to user's folder; returns the new UID."""
        conn = self.imap(user)
        try:
            typ, data = conn.append(_imap_quote(folder), flags, None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND to {folder} for {user}: {data}")
            m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            return int(m.group(1)) if m else None
        finally:
            conn.logout()

    def append_many(self, user, raws, folder="INBOX"):
        """IMAP APPEND each of `raws` in order over one connection (hundreds of
        mails in a second or two); returns the new UIDs."""
        conn = self.imap(user)
        uids = []
        try:
            for raw in raws:
                typ, data = conn.append(_imap_quote(folder), "", None, raw)
                if typ != "OK":
                    raise RuntimeError(f"APPEND to {folder} for {user}: {data}")
                m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
                uids.append(int(m.group(1)) if m else None)
        finally:
            conn.logout()
        return uids

    def delete_folder(self, user, folder):
        """IMAP DELETE: the folder and its mail are gone; a folder created
        later under the same name gets a new UIDVALIDITY (RFC 3501 2.3.1.1)."""
        conn = self.imap(user)
        try:
            typ, data = conn.delete(_imap_quote(folder))
            if typ != "OK":
                raise RuntimeError(f"DELETE {folder} for {user}: {data}")
        finally:
            conn.logout()

    def uidvalidity(self, user, folder="INBOX"):
        conn = self.imap(user)
        try:
            typ, data = conn.status(_imap_quote(folder), "(UIDVALIDITY)")
            return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
        finally:
            conn.logout()

    def create_folder(self, user, folder):
        conn = self.imap(user)
        try:
            conn.create(_imap_quote(folder))
        finally:
            conn.logout()

    def folders(self, user):
        """The user's folder names, in UTF-8."""
        conn = self.imap(user)
        try:
            typ, data = conn.list()
        finally:
            conn.logout()
        names = []
        for line in data:
            m = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.*)$', line)
            if m:
                name = m.group(1).decode("ascii")
                if name.startswith('"'):
                    name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                names.append(decode_mutf7(name))
        return names

    def uids(self, user, folder="INBOX"):
        def fn(conn):
            typ, data = conn.uid("SEARCH", None, "ALL")
            return [int(x) for x in data[0].split()]
        return self._with_folder(user, folder, fn)

    def messages(self, user, folder="INBOX"):
        """Raw bytes of every message in the folder, in UID order, read with
        BODY.PEEK[] so flags are untouched."""
        def fn(conn):
            typ, data = conn.uid("SEARCH", None, "ALL")
            result = []
            for uid in data[0].split():
                typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                for part in parts:
                    if isinstance(part, tuple):
                        result.append(part[1])
                        break
            return result
        return self._with_folder(user, folder, fn)

    def flags(self, user, folder="INBOX"):
        """{uid: set of flag strings} for the folder (without \\Recent)."""
        def fn(conn):
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
            result = {}
            for line in data:
                if not isinstance(line, bytes):
                    continue
                m = re.search(rb"UID (\d+)", line)
                f = re.search(rb"FLAGS \(([^)]*)\)", line)
                if m and f:
                    # \\Recent belongs to one session (RFC 3501 2.3.2): noise here.
                    result[int(m.group(1))] = set(f.group(1).decode().split()) - {"\\Recent"}
            return result
        return self._with_folder(user, folder, fn)

    def store_flags(self, user, uid, flags, add=True, folder="INBOX"):
        """Add (or remove) flags/keywords on a message, as a person in a mail
        client would (e.g. removing $Ticketd by hand)."""
        def fn(conn):
            conn.uid("STORE", str(uid), "+FLAGS" if add else "-FLAGS", f"({flags})")
        return self._with_folder(user, folder, fn, readonly=False)

    def wait_for_messages(self, user, count, timeout=10.0, folder="INBOX"):
        """Wait until the folder holds at least count messages; returns them.
        Raises AssertionError with what arrived when the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(user, folder)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{user}/{folder}: {len(found)} of {count} messages after {timeout}s")
            time.sleep(0.1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", help="directory for config, mail and logs (kept)")
    parser.add_argument("--users", default="support,alice", help="comma-separated users")
    parser.add_argument("--domain", default="example.test")
    parser.add_argument("--smtp-auth", action="store_true")
    args = parser.parse_args(argv)
    users = [u for u in args.users.split(",") if u]
    # Ctrl-C may land at any moment once the servers are up, even inside the
    # print that tells people they may press it; the handler has already
    # stopped the servers, so any KeyboardInterrupt here is a clean exit.
    try:
        with MailServers(args.dir, domain=args.domain, users=users,
                         smtp_auth=args.smtp_auth) as servers:
            print(f"IMAP  {servers.imap_url}")
            print(f"SMTP  {servers.smtp_url}")
            print(f"dir   {servers.directory}")
            print(f"dovecot {servers.instance_name} (config {servers.dovecot_config})")
            for user in servers.users:
                print(f"user  {servers.address(user)}  password file {servers.password_file(user)}")
            print("Ctrl-C to stop.", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
