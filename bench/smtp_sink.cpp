// smtp_sink: an SMTP server that accepts every mail and drops it, for
// bench/run. ticketd sends ~2 mails per incoming mail; the sink must cost
// almost no CPU so the benchmark measures ticketd (the Python aiosmtpd sink
// it replaces took 5-6 s of CPU of a 19 s run on the same two cores).
//
//   smtp_sink
//
// Listens on 127.0.0.1, an ephemeral port, and prints "port N" (flushed) once
// listening. One thread, non-blocking sockets, poll(): any number of
// connections. Speaks what libcurl's SMTP client needs (RFC 5321): greeting,
// EHLO (PIPELINING, 8BITMIME, SMTPUTF8, SIZE), HELO, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT; anything else gets 500. Every MAIL and RCPT is accepted. The
// DATA body is never kept: it is scanned for the end-of-data line and
// dropped, so each connection holds at most one command line and its pending
// replies.
//
// Stops on SIGTERM (or SIGINT): prints "accepted N", the recipients of every
// DATA transaction that completed (250 sent), and exits 0.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

// Longer than RFC 5321 4.5.3.1.4's 512-octet command line, for SMTPUTF8
// addresses and MAIL parameters; a line longer than this is not SMTP.
constexpr size_t kMaxCommandLine = 4096;
// Stop reading a connection while this much reply text waits to be sent: a
// client that pipelines without reading cannot grow our buffers.
constexpr size_t kMaxPendingReplies = 64 * 1024;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// One client connection: the command line being assembled, the replies not
// yet sent, and where in the mail transaction it is.
struct Connection {
  explicit Connection(int socket) : fd(socket) {}

  Fd fd;
  std::string line;
  std::string replies = "220 sink ESMTP\r\n";
  bool in_data = false;
  // How much of "\r\n.\r\n" the DATA bytes seen so far end with. Starts at 2:
  // the DATA command's own CRLF counts, so a body that is just "." ends it.
  int end_matched = 0;
  uint64_t recipients = 0;  // RCPTs of the current transaction
  bool quitting = false;    // QUIT answered: close once replies are sent
  bool dead = false;
};

bool starts_with_verb(std::string_view line, std::string_view verb) {
  if (line.size() < verb.size()) return false;
  for (size_t i = 0; i < verb.size(); ++i) {
    char c = line[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != verb[i]) return false;
  }
  return line.size() == verb.size() || line[verb.size()] == ' ';
}

// One command line, without its line ending.
void handle_command(Connection* c, std::string_view line) {
  if (starts_with_verb(line, "EHLO")) {
    c->recipients = 0;  // RFC 5321 4.1.4: EHLO resets like RSET
    c->replies += "250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 104857600\r\n";
  } else if (starts_with_verb(line, "HELO")) {
    c->recipients = 0;
    c->replies += "250 sink\r\n";
  } else if (starts_with_verb(line, "MAIL")) {
    c->recipients = 0;
    c->replies += "250 OK\r\n";
  } else if (starts_with_verb(line, "RCPT")) {
    ++c->recipients;
    c->replies += "250 OK\r\n";
  } else if (starts_with_verb(line, "DATA")) {
    if (c->recipients == 0) {
      c->replies += "503 5.5.1 No recipients\r\n";  // RFC 5321 3.3
    } else {
      c->in_data = true;
      c->end_matched = 2;
      c->replies += "354 End data with <CR><LF>.<CR><LF>\r\n";
    }
  } else if (starts_with_verb(line, "RSET")) {
    c->recipients = 0;
    c->replies += "250 OK\r\n";
  } else if (starts_with_verb(line, "NOOP")) {
    c->replies += "250 OK\r\n";
  } else if (starts_with_verb(line, "QUIT")) {
    c->replies += "221 Bye\r\n";
    c->quitting = true;
  } else {
    c->replies += "500 Command not recognized\r\n";
  }
}

// Bytes as read from the socket. Commands may arrive several to a read
// (RFC 2920 pipelining, including commands right after the end of DATA) and
// any line or the end-of-data mark may be split across reads.
void feed(Connection* c, const char* p, size_t n, uint64_t* accepted) {
  static constexpr std::string_view kEnd = "\r\n.\r\n";
  const char* end = p + n;
  while (p < end && !c->quitting && !c->dead) {
    if (c->in_data) {
      // Dot-stuffed lines ("\r\n..") never match kEnd, so no unstuffing is
      // needed to find the end. On a mismatch the only way back into kEnd is
      // its first byte: no other prefix of it recurs inside it.
      while (p < end && c->end_matched < static_cast<int>(kEnd.size())) {
        char ch = *p++;
        if (ch == kEnd[static_cast<size_t>(c->end_matched)]) {
          ++c->end_matched;
        } else {
          c->end_matched = ch == '\r' ? 1 : 0;
        }
      }
      if (c->end_matched == static_cast<int>(kEnd.size())) {
        c->in_data = false;
        *accepted += c->recipients;
        c->recipients = 0;
        c->replies += "250 OK\r\n";
      }
      continue;
    }
    const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
    size_t take = static_cast<size_t>((nl ? nl : end) - p);
    if (c->line.size() + take > kMaxCommandLine) {
      c->replies += "500 Line too long\r\n";
      c->quitting = true;
      break;
    }
    c->line.append(p, take);
    if (!nl) break;  // the rest of the line comes in a later read
    p = nl + 1;
    std::string_view line = c->line;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    handle_command(c, line);
    c->line.clear();
  }
}

void send_replies(Connection* c) {
  while (!c->replies.empty()) {
    ssize_t sent = send(c->fd.get(), c->replies.data(), c->replies.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c->dead = true;
      return;
    }
    c->replies.erase(0, static_cast<size_t>(sent));
  }
  if (c->quitting) c->dead = true;
}

void receive(Connection* c, uint64_t* accepted) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t got = recv(c->fd.get(), buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c->dead = true;
      return;
    }
    if (got == 0) {
      c->dead = true;  // client closed: an unfinished DATA is not accepted
      return;
    }
    feed(c, buf, static_cast<size_t>(got), accepted);
    // Answer between reads so a long pipeline cannot pile up replies.
    send_replies(c);
    if (c->dead || c->replies.size() > kMaxPendingReplies) return;
  }
}

bool listen_loopback(Fd* out, int* port) {
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // ephemeral: bench runs never fight over a port
  socklen_t len = sizeof addr;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd.get(), SOMAXCONN) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return false;
  }
  *port = ntohs(addr.sin_port);
  *out = std::move(fd);
  return true;
}

}  // namespace

int main() {
  // SIGTERM/SIGINT arrive as readable bytes on a signalfd, so stopping is
  // just another poll() event: no handler, no flag, no race with poll().
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    std::perror("smtp_sink: sigprocmask");
    return 1;
  }
  Fd stop(signalfd(-1, &stop_signals, SFD_CLOEXEC));
  Fd listener;
  int port = 0;
  if (stop.get() < 0 || !listen_loopback(&listener, &port)) {
    std::perror("smtp_sink: listen");
    return 1;
  }
  std::printf("port %d\n", port);
  std::fflush(stdout);

  uint64_t accepted = 0;
  std::vector<Connection> connections;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({stop.get(), POLLIN, 0});
    fds.push_back({listener.get(), POLLIN, 0});
    for (const Connection& c : connections) {
      short events = c.replies.size() > kMaxPendingReplies ? 0 : POLLIN;
      if (!c.replies.empty()) events |= POLLOUT;
      fds.push_back({c.fd.get(), events, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("smtp_sink: poll");
      return 1;
    }
    if (fds[0].revents) break;
    // Connections first: fds[2 + i] describes connections[i] only until
    // new connections are appended below.
    for (size_t i = 0; i < connections.size(); ++i) {
      Connection& c = connections[i];
      short revents = fds[2 + i].revents;
      if (revents & POLLOUT) send_replies(&c);
      if (!c.dead && (revents & (POLLIN | POLLHUP | POLLERR))) receive(&c, &accepted);
    }
    std::erase_if(connections, [](const Connection& c) { return c.dead; });
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int fd = accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;  // EAGAIN: no more waiting; others: the client gave up
        connections.emplace_back(fd);
        send_replies(&connections.back());
      }
    }
  }
  std::printf("accepted %llu\n", static_cast<unsigned long long>(accepted));
  std::fflush(stdout);
  return 0;
}
