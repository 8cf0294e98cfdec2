// Composed mail, read back by our own parser and by Python's email package
// (a reference no one here wrote): what we put in is exactly what a client
// shows, in Chinese too, and nothing a customer types can add a header.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "parser/encoded_words.h"
#include "parser/header_fields.h"
#include "parser/mail_composer.h"
#include "parser/mail_parser.h"

using ticketd::Address;
using ticketd::Attachment;
using ticketd::compose_mail;
using ticketd::OutgoingMail;

namespace {

OutgoingMail chinese_reply() {
  OutgoingMail m;
  m.from = {"客服中心 Support", "support@example.com"};
  m.to = {{"张三", "zhangsan@example.cn"}};
  m.cc = {{"Doe, Jane", "jane@example.com"}, {"", "li@xn--fiqs8s"}};
  m.reply_to = Address{"客服中心 Support", "support+t1234@example.com"};
  m.subject = "回复：[#1234] 关于订单 20240001 的退款申请（第二次）——请尽快处理，谢谢！";
  m.text =
      "张三您好，\n\n您的退款申请已经受理，款项将在 3-5 个工作日内退回。\n"
      "详情请见 https://example.com/orders/20240001?lang=zh 。\n\n"
      "-- \n客服中心";
  m.message_id = "ticketd.1234.abcdef@example.com";
  m.in_reply_to = "CAF=abc123@mail.gmail.com";
  m.references = {"root@example.cn", "CAF=abc123@mail.gmail.com"};
  m.auto_submitted = "auto-replied";
  m.date_utc = 1598322153;  // Tue, 25 Aug 2020 02:22:33 +0000
  return m;
}

std::string hex_decode(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Python's reading of a mail: field name -> list of UTF-8 values.
using PythonView = std::map<std::string, std::vector<std::string>>;

// Writes the mail to a temporary file and reads it with Debian's python3,
// email.policy.default (what a modern, standards-minded client would show).
PythonView read_with_python(const std::string& mail) {
  char path[] = "/tmp/ticketd-compose-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, mail.data(), mail.size()) == static_cast<ssize_t>(mail.size()));
  close(fd);
  const std::string script = R"PY(
import sys, email, email.policy
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
def out(key, value):
    print(key, str(value).encode('utf-8').hex())
out('subject', msg['subject'])
for field in ('from', 'to', 'cc', 'reply-to'):
    for a in (msg[field].addresses if msg[field] is not None else ()):
        out(field + '.name', a.display_name)
        out(field + '.address', a.addr_spec)
out('message-id', msg['message-id'])
out('in-reply-to', msg['in-reply-to'])
out('references', msg['references'])
out('auto-submitted', msg['auto-submitted'])
out('date', msg['date'].datetime.isoformat())
for name, value in msg.items():
    out('header-name', name)
out('defects', len(msg.defects))
plain = msg.get_body(preferencelist=('plain',))
out('text', plain.get_content().replace('\r\n', '\n'))
out('text.cte', plain['content-transfer-encoding'])
html = msg.get_body(preferencelist=('html',))
out('html', html.get_content())
for part in msg.iter_attachments():
    out('attachment.name', part.get_filename())
    out('attachment.size', len(part.get_content() if part.get_content_maintype() != 'text' else part.get_payload(decode=True)))
    out('attachment.type', part.get_content_type())
for part in msg.walk():
    out('part.defects', len(part.defects))
)PY";
  char script_path[] = "/tmp/ticketd-compose-XXXXXX";
  int script_fd = mkstemp(script_path);
  REQUIRE(script_fd >= 0);
  REQUIRE(write(script_fd, script.data(), script.size()) == static_cast<ssize_t>(script.size()));
  close(script_fd);
  std::string command = std::string("/usr/bin/python3 ") + script_path + " " + path;
  PythonView view;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = pclose(pipe);
  std::remove(path);
  std::remove(script_path);
  REQUIRE(status == 0);
  std::istringstream lines(output);
  std::string key, hex;
  while (lines >> key) {
    std::getline(lines, hex);
    if (!hex.empty() && hex.front() == ' ') hex.erase(0, 1);
    view[key].push_back(hex_decode(hex));
  }
  return view;
}

std::vector<std::string> header_lines(const std::string& mail) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    std::size_t end = mail.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    lines.push_back(mail.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

}  // namespace

TEST_CASE("a Chinese reply reads back exactly in Python's email package", "[composer]") {
  OutgoingMail m = chinese_reply();
  PythonView py = read_with_python(compose_mail(m));
  CHECK(py["subject"] == std::vector<std::string>{m.subject});
  CHECK(py["from.name"] == std::vector<std::string>{"客服中心 Support"});
  CHECK(py["from.address"] == std::vector<std::string>{"support@example.com"});
  CHECK(py["to.name"] == std::vector<std::string>{"张三"});
  CHECK(py["to.address"] == std::vector<std::string>{"zhangsan@example.cn"});
  CHECK(py["cc.name"] == std::vector<std::string>{"Doe, Jane", ""});
  CHECK(py["cc.address"] == std::vector<std::string>{"jane@example.com", "li@xn--fiqs8s"});
  CHECK(py["reply-to.address"] == std::vector<std::string>{"support+t1234@example.com"});
  CHECK(py["message-id"] == std::vector<std::string>{"<ticketd.1234.abcdef@example.com>"});
  CHECK(py["in-reply-to"] == std::vector<std::string>{"<CAF=abc123@mail.gmail.com>"});
  CHECK(py["references"] == std::vector<std::string>{"<root@example.cn> <CAF=abc123@mail.gmail.com>"});
  CHECK(py["auto-submitted"] == std::vector<std::string>{"auto-replied"});
  CHECK(py["date"] == std::vector<std::string>{"2020-08-25T02:22:33+00:00"});
  CHECK(py["text"] == std::vector<std::string>{m.text});
  CHECK(py["text.cte"] == std::vector<std::string>{"base64"});
  REQUIRE(py["html"].size() == 1);
  CHECK(py["html"][0].find("<p>张三您好，</p>") != std::string::npos);
  CHECK(py["html"][0].find("<a href=\"https://example.com/orders/20240001?lang=zh\">") != std::string::npos);
  CHECK(py["defects"] == std::vector<std::string>{"0"});
  for (const std::string& d : py["part.defects"]) CHECK(d == "0");
}

TEST_CASE("a composed Chinese reply reads back exactly with our own parser", "[composer]") {
  OutgoingMail m = chinese_reply();
  ticketd::Message msg = ticketd::parse_mail(compose_mail(m), 0);
  CHECK(msg.subject == m.subject);
  CHECK(msg.from == m.from);
  CHECK(msg.to == m.to);
  CHECK(msg.cc == std::vector<Address>{{"Doe, Jane", "jane@example.com"}, {"", "li@中国"}});
  CHECK(msg.reply_to == std::vector<Address>{*m.reply_to});
  CHECK(msg.message_id == m.message_id);
  CHECK(msg.in_reply_to == m.in_reply_to);
  CHECK(msg.references == m.references);
  CHECK(msg.date_utc == m.date_utc);
  CHECK(msg.date_from_header);
  CHECK(msg.body.find("您的退款申请已经受理，款项将在 3-5 个工作日内退回。") != std::string::npos);
  CHECK(msg.auto_generated.has_value());  // our own auto-reply is recognised as automatic
}

TEST_CASE("an English notification goes out quoted-printable or 7bit and reads back", "[composer]") {
  OutgoingMail m;
  m.from = {"ACME Support", "support@acme.test"};
  m.to = {{"Jane O'Neil", "jane@example.com"}};
  m.subject = "[#42] Your ticket was resolved – thank you";
  m.text = "Hello Jane,\n\nyour ticket #42 is resolved. A very long line follows that is longer than seventy-six "
           "characters, so it has to be wrapped with soft line breaks.\nCafé 5 €\n";
  m.message_id = "ticketd.42.x@acme.test";
  m.auto_submitted = "auto-generated";
  m.date_utc = 0;
  PythonView py = read_with_python(compose_mail(m));
  CHECK(py["subject"] == std::vector<std::string>{m.subject});
  CHECK(py["to.name"] == std::vector<std::string>{"Jane O'Neil"});
  CHECK(py["text"] == std::vector<std::string>{m.text});
  CHECK(py["text.cte"] == std::vector<std::string>{"quoted-printable"});
  CHECK(py["date"] == std::vector<std::string>{"1970-01-01T00:00:00+00:00"});
  CHECK(py["in-reply-to"] == std::vector<std::string>{"None"});

  m.text = "Plain ASCII only.\n";
  PythonView ascii = read_with_python(compose_mail(m));
  CHECK(ascii["text"] == std::vector<std::string>{"Plain ASCII only.\n"});
  CHECK(ascii["text.cte"] == std::vector<std::string>{"7bit"});
}

TEST_CASE("every header line is ASCII, CRLF-ended and folded under 78 columns", "[composer]") {
  OutgoingMail m = chinese_reply();
  m.subject = std::string(30, 'x') + " " + m.subject + " " + m.subject;
  for (int i = 0; i < 8; ++i) m.to.push_back({"收件人 " + std::to_string(i) + " 号", "user" + std::to_string(i) + "@example.cn"});
  std::string mail = compose_mail(m);
  for (unsigned char c : mail) REQUIRE(c < 0x80);
  for (std::size_t i = 0; i < mail.size(); ++i) {
    if (mail[i] == '\n') REQUIRE((i > 0 && mail[i - 1] == '\r'));
    if (mail[i] == '\r') REQUIRE((i + 1 < mail.size() && mail[i + 1] == '\n'));
  }
  for (const std::string& line : header_lines(mail)) CHECK(line.size() <= 78);
  // Encoded words are at most 75 characters (RFC 2047 section 2).
  std::size_t pos = 0;
  while ((pos = mail.find("=?UTF-8?B?", pos)) != std::string::npos) {
    std::size_t end = mail.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    CHECK(end + 2 - pos <= 75);
    pos = end + 2;
  }
  PythonView py = read_with_python(mail);
  CHECK(py["subject"] == std::vector<std::string>{m.subject});
  CHECK(py["to.name"].size() == 9);
  CHECK(py["to.name"].back() == "收件人 7 号");
}

TEST_CASE("encoded words never split a character", "[composer]") {
  OutgoingMail m = chinese_reply();
  m.subject = "😀" + std::string("退款") + "😀😀😀😀😀😀😀😀😀😀😀😀😀😀";
  std::string mail = compose_mail(m);
  std::size_t pos = 0;
  while ((pos = mail.find("=?UTF-8?B?", pos)) != std::string::npos) {
    std::size_t end = mail.find("?=", pos + 10);
    // Each word decodes on its own to valid UTF-8.
    std::string one = ticketd::decode_header_text(mail.substr(pos, end + 2 - pos));
    CHECK(one.find("\xEF\xBF\xBD") == std::string::npos);
    pos = end + 2;
  }
  CHECK(read_with_python(mail)["subject"] == std::vector<std::string>{m.subject});
}

TEST_CASE("a long thread keeps the first reference and the last nine", "[composer]") {
  OutgoingMail m = chinese_reply();
  m.references.clear();
  for (int i = 0; i < 25; ++i) m.references.push_back("id" + std::to_string(i) + "@example.com");
  ticketd::Message msg = ticketd::parse_mail(compose_mail(m), 0);
  std::vector<std::string> expected = {"id0@example.com"};
  for (int i = 16; i < 25; ++i) expected.push_back("id" + std::to_string(i) + "@example.com");
  CHECK(msg.references == expected);
}

TEST_CASE("header injection through subject, names, ids and extra headers fails", "[composer]") {
  OutgoingMail m = chinese_reply();
  m.subject = "Hello\r\nBcc: victim@example.org\r\n\r\nInjected body";
  m.to = {{"Eve\r\nBcc: victim@example.org", "eve@example.com\r\nBcc: victim@example.org"}};
  m.from.name = std::string("Support\0\nX-Evil: 1", 19);
  m.message_id = "id@x>\r\nX-Evil: 1";
  m.in_reply_to = "parent@x\nX-Evil: 2";
  m.references = {"a@x\r\nX-Evil: 3"};
  m.auto_submitted = "auto-replied\r\nX-Evil: 4";
  m.extra_headers = {{"X-Ticket\r\nX-Evil", "5\r\nX-Evil: 5"}, {"Content-Type", "text/evil"}, {"Bcc", "victim@example.org"}};
  std::string mail = compose_mail(m);
  for (const std::string& line : header_lines(mail)) {
    CHECK(line.rfind("Bcc", 0) != 0);
    CHECK(line.rfind("X-Evil", 0) != 0);
    CHECK(line.find("text/evil") == std::string::npos);
  }
  CHECK(mail.find('\0') == std::string::npos);
  PythonView py = read_with_python(mail);
  CHECK(py["subject"] == std::vector<std::string>{"Hello Bcc: victim@example.org Injected body"});
  for (const std::string& name : py["header-name"]) {
    CHECK(name != "Bcc");
    CHECK(name.rfind("X-Evil", 0) != 0);
  }
  CHECK(py["to.name"] == std::vector<std::string>{"Eve Bcc: victim@example.org"});
  CHECK(py["text"] == std::vector<std::string>{m.text});
}

TEST_CASE("attachments from an agent's reply are passed on with their names", "[composer]") {
  OutgoingMail m = chinese_reply();
  Attachment pdf;
  pdf.filename = "发票 2024年第一季度（含税）详细清单-最终版本.pdf";
  pdf.content_type = "application/pdf";
  pdf.data = std::string(100000, '\x01') + "%PDF";
  pdf.size = pdf.data.size();
  Attachment txt;
  txt.filename = "../../etc/passwd";
  txt.content_type = "text/plain\r\nX-Evil: 1";
  txt.data = "line\n";
  txt.size = txt.data.size();
  m.attachments = {pdf, txt};
  std::string mail = compose_mail(m);
  for (const std::string& line : header_lines(mail)) CHECK(line.size() <= 78);
  PythonView py = read_with_python(mail);
  CHECK(py["attachment.name"] == std::vector<std::string>{pdf.filename, "passwd"});
  CHECK(py["attachment.size"] == std::vector<std::string>{std::to_string(pdf.data.size()), "5"});
  CHECK(py["attachment.type"] == std::vector<std::string>{"application/pdf", "application/octet-stream"});
  CHECK(py["text"] == std::vector<std::string>{m.text});
  for (const std::string& d : py["part.defects"]) CHECK(d == "0");

  ticketd::Message msg = ticketd::parse_mail(mail, 0);
  REQUIRE(msg.attachments.size() == 2);
  CHECK(msg.attachments[0].filename == pdf.filename);
  CHECK(msg.attachments[0].data == pdf.data);
  CHECK(msg.attachments[1].filename == "passwd");
}

TEST_CASE("the HTML alternative escapes the text and links URLs", "[composer]") {
  OutgoingMail m = chinese_reply();
  m.text = "Quote: <script>alert('x')</script> & \"more\"\nsee www.example.com/a_(b), or mail "
           "mailto:support+csat-5@example.com?subject=5.\n\nNew paragraph";
  PythonView py = read_with_python(compose_mail(m));
  REQUIRE(py["html"].size() == 1);
  const std::string& html = py["html"][0];
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;<br>") != std::string::npos);
  CHECK(html.find("<a href=\"http://www.example.com/a_(b)\">www.example.com/a_(b)</a>,") != std::string::npos);
  CHECK(html.find("<a href=\"mailto:support+csat-5@example.com?subject=5\">") != std::string::npos);
  CHECK(html.find("</p>\n<p>New paragraph</p>") != std::string::npos);
}
