// CurlStream over a real loopback TCP connection: libcurl connects
// (CONNECT_ONLY on an http:// URL opens the socket and says nothing), and a
// peer thread plays the server's side from a script.
#include "daemon/curl_stream.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include "daemon/smtp_imap_curl.h"

namespace ticketd {
namespace {

using namespace std::chrono_literals;

// A listening socket on 127.0.0.1 whose first connection is handed to
// `script` on a thread of its own.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(std::function<void(int fd)> script) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 1) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      script(fd);
      ::close(fd);
    });
  }
  ~ScriptedPeer() {
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

void send_text(int fd, const std::string& text) { REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size())); }

// Reads from the client until `marker` has arrived; returns all it read.
std::string receive_until(int fd, const std::string& marker) {
  std::string got;
  char chunk[65536];
  while (got.find(marker) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    got.append(chunk, static_cast<std::size_t>(n));
  }
  return got;
}

void connect(CurlStream& stream, const ScriptedPeer& peer) {
  const std::string url = peer.url();
  curl_easy_setopt(stream.handle(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(stream.handle(), CURLOPT_ERRORBUFFER, stream.error_buffer());
  const CURLcode rc = stream.connect();
  INFO(describe_curl_failure(rc, stream.error_buffer()));
  REQUIRE(rc == CURLE_OK);
  REQUIRE(stream.connected());
}

CurlStream::Clock::time_point in(std::chrono::milliseconds ms) { return CurlStream::Clock::now() + ms; }

TEST_CASE("lines come back one by one, however the server's writes split them", "[curl_stream]") {
  ScriptedPeer peer([](int fd) {
    send_text(fd, "250-first\r\n25");
    receive_until(fd, "more\r\n");
    send_text(fd, "0 second\r\n354 third\r\n");
    receive_until(fd, "bye\r\n");
  });
  CurlStream stream;
  connect(stream, peer);
  std::string line, err;
  REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
  CHECK(line == "250-first");
  REQUIRE(stream.send_all("more\r\n", 5000ms, &err));
  REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
  CHECK(line == "250 second");
  stream.unread("put back\r\n");
  REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
  CHECK(line == "put back");
  REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
  CHECK(line == "354 third");
  REQUIRE(stream.send_all("bye\r\n", 5000ms, &err));
}

TEST_CASE("a silent server is a timeout, and the connection stays usable", "[curl_stream]") {
  ScriptedPeer peer([](int fd) {
    receive_until(fd, "go\r\n");
    send_text(fd, "ok\r\n");
    receive_until(fd, "bye\r\n");
  });
  CurlStream stream;
  connect(stream, peer);
  std::string line, err;
  const auto before = CurlStream::Clock::now();
  CHECK(stream.read_line(in(150ms), &line, &err) == CurlStream::Read::timeout);
  CHECK(CurlStream::Clock::now() - before >= 140ms);
  CHECK_FALSE(stream.spoke_unasked());
  REQUIRE(stream.send_all("go\r\n", 5000ms, &err));
  REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
  CHECK(line == "ok");
  REQUIRE(stream.send_all("bye\r\n", 5000ms, &err));
}

TEST_CASE("what a server says unasked, or its closing, shows before the next exchange", "[curl_stream]") {
  SECTION("an idle timeout's 421") {
    ScriptedPeer peer([](int fd) {
      send_text(fd, "421 4.4.2 idle too long, closing\r\n");
      receive_until(fd, "bye\r\n");
    });
    CurlStream stream;
    connect(stream, peer);
    std::string line, err;
    for (int i = 0; i < 500 && !stream.spoke_unasked(); ++i) std::this_thread::sleep_for(10ms);
    CHECK(stream.spoke_unasked());
    // The words are kept, not lost, for whoever reads next.
    REQUIRE(stream.read_line(in(5s), &line, &err) == CurlStream::Read::line);
    CHECK(line == "421 4.4.2 idle too long, closing");
    REQUIRE(stream.send_all("bye\r\n", 5000ms, &err));
  }
  SECTION("a closed connection") {
    ScriptedPeer peer([](int) {});
    CurlStream stream;
    connect(stream, peer);
    for (int i = 0; i < 500 && !stream.spoke_unasked(); ++i) std::this_thread::sleep_for(10ms);
    CHECK(stream.spoke_unasked());
    std::string line, err;
    CHECK(stream.read_line(in(5s), &line, &err) == CurlStream::Read::failed);
    CHECK(err == "connection closed by the server");
  }
}

TEST_CASE("a line longer than 1 MB fails instead of growing without bound", "[curl_stream]") {
  ScriptedPeer peer([](int fd) {
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 20; ++i) {
      if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) return;
    }
  });
  CurlStream stream;
  connect(stream, peer);
  std::string line, err;
  CHECK(stream.read_line(in(10s), &line, &err) == CurlStream::Read::failed);
  CHECK(err == "server line longer than 1 MB");
  stream.abandon();
}

TEST_CASE("send_all delivers every byte of a large write to a slow reader", "[curl_stream]") {
  std::string received;
  std::string data;
  for (int i = 0; data.size() < 8 * 1024 * 1024; ++i) data += "line " + std::to_string(i) + "\r\n";
  data += ".\r\n";
  {
    ScriptedPeer peer([&received](int fd) {
      std::this_thread::sleep_for(200ms);  // the socket buffers fill first
      received = receive_until(fd, "\r\n.\r\n");
      send_text(fd, "250 ok\r\n");
    });
    CurlStream stream;
    connect(stream, peer);
    std::string err, line;
    REQUIRE(stream.send_all(data, 5000ms, &err));
    REQUIRE(stream.read_line(in(10s), &line, &err) == CurlStream::Read::line);
    CHECK(line == "250 ok");
  }
  CHECK(received == data);
}

}  // namespace
}  // namespace ticketd
