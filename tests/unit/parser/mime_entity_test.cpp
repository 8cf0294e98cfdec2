#include "parser/mime_entity.h"

#include <catch2/catch.hpp>

#include <string>

using ticketd::MimeEntity;
using ticketd::MimeReport;
using ticketd::parse_mime;
using ticketd::ParseLimits;

TEST_CASE("RFC 2231 file names with continuations and a charset are joined and decoded", "[mime_entity]") {
  std::string raw =
      "Content-Type: application/pdf\n"
      "Content-Disposition: attachment;\n"
      " filename*0*=UTF-8''%E6%8A%A5%E4%BB%B7;\n"
      " filename*1*=%E5%8D%95;\n"
      " filename*2=\".pdf\"\n\ndata";
  MimeReport report;
  MimeEntity e = parse_mime(raw, ParseLimits{}, &report);
  CHECK(e.disposition == "attachment");
  CHECK(e.disposition_param("filename") == "报价单.pdf");
  CHECK(e.body == "data");
}

TEST_CASE("an Outlook file name written as an RFC 2047 word in a quoted parameter is decoded", "[mime_entity]") {
  std::string raw = "Content-Type: application/octet-stream; name=\"=?gb2312?B?sai827WlLnhsc3g=?=\"\n\nx";
  MimeReport report;
  MimeEntity e = parse_mime(raw, ParseLimits{}, &report);
  CHECK(e.type_param("name") == "报价单.xlsx");
}

TEST_CASE("unquoted file names keep their spaces and parentheses", "[mime_entity]") {
  MimeReport report;
  MimeEntity e = parse_mime("Content-Type: image/png; name=scan (1).png\n\nx", ParseLimits{}, &report);
  CHECK(e.mime_type() == "image/png");
  CHECK(e.type_param("name") == "scan (1).png");
}

TEST_CASE("a multipart with a missing closing boundary still yields its parts", "[mime_entity]") {
  std::string raw = "Content-Type: multipart/mixed; boundary=\"=_b\"\n\npreamble\n--=_b\n\none\n--=_b  \n"
                    "Content-Type: text/html\n\n<p>two</p>\n";
  MimeReport report;
  MimeEntity e = parse_mime(raw, ParseLimits{}, &report);
  REQUIRE(e.children.size() == 2);
  CHECK(e.children[0].body == "one");
  CHECK(e.children[1].subtype == "html");
  CHECK(e.children[1].body == "<p>two</p>");
  CHECK_FALSE(report.over_limits);
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0] == "multipart closing boundary missing");
}

TEST_CASE("a missing Content-Type or a broken one reads as text/plain", "[mime_entity]") {
  MimeReport report;
  CHECK(parse_mime("Subject: x\n\nhi", ParseLimits{}, &report).mime_type() == "text/plain");
  CHECK(parse_mime("Content-Type: garbage\n\nhi", ParseLimits{}, &report).mime_type() == "text/plain");
  CHECK(parse_mime("Content-Type: TEXT/HTML (comment); charset=\"UTF-8\"\n\nhi", ParseLimits{}, &report).mime_type() ==
        "text/html");
}

TEST_CASE("MIME nesting and part count are bounded by the limits, and say so", "[mime_entity]") {
  std::string raw;
  for (int i = 0; i < 50; ++i) raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" + std::to_string(i) + "\n";
  raw += "\ndeep\n";
  ParseLimits limits;
  limits.max_mime_depth = 10;
  MimeReport report;
  MimeEntity e = parse_mime(raw, limits, &report);
  CHECK(report.over_limits);
  int depth = 0;
  for (const MimeEntity* p = &e; !p->children.empty(); p = &p->children.front()) ++depth;
  CHECK(depth == 10);

  std::string many = "Content-Type: multipart/mixed; boundary=z\n\n";
  for (int i = 0; i < 100; ++i) many += "--z\n\npart\n";
  many += "--z--\n";
  limits.max_mime_parts = 20;
  MimeReport report2;
  MimeEntity m = parse_mime(many, limits, &report2);
  CHECK(m.children.size() == 19);  // the root counts as a part
  CHECK(report2.over_limits);
}

TEST_CASE("header count is bounded per entity", "[mime_entity]") {
  std::string raw;
  for (int i = 0; i < 50; ++i) raw += "X-H" + std::to_string(i) + ": v\n";
  raw += "\nbody";
  ParseLimits limits;
  limits.max_header_count = 10;
  MimeReport report;
  MimeEntity e = parse_mime(raw, limits, &report);
  CHECK(e.headers.size() == 10);
  CHECK(e.body == "body");
  CHECK(report.over_limits);
}

TEST_CASE("a base64-encoded forwarded message is decoded and read", "[mime_entity]") {
  // "Subject: inner\n\nhello" in base64.
  std::string raw = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogaW5uZXIKCmhlbGxv\n";
  MimeReport report;
  MimeEntity e = parse_mime(raw, ParseLimits{}, &report);
  REQUIRE(e.children.size() == 1);
  CHECK(*e.children[0].header("subject") == "inner");
  CHECK(e.children[0].body == "hello");
}
