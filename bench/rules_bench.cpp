// rules_bench: what 1,000 rules cost per mail, beside what parsing the same
// mail costs (issue 4's aim: evaluating 1,000 rules costs less than the
// parse of the mail).
//
//   ninja -C build rules_bench && ./build/bench/rules_bench [mail.eml] [runs]
//
// Prints the median of many runs (the machine is shared; medians resist the
// noise), for: loading the 1,000 generated rules, evaluating them on the
// parsed mail (with the full trace, as the daemon does), parse_mail on the
// raw bytes, and parse+rules throughput with no rules beside 1,000 rules
// (the rules stage only; the daemon's store and IMAP cost are not in it).
// Evaluation is timed twice: with every rule's miss explained (what
// `ticketd rules test` asks for) and with only matches explained
// (EvaluationOptions::trace_misses = false, the pipeline's choice).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/mail_parser.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"

namespace {

using Clock = std::chrono::steady_clock;

// A typical Chinese customer mail: multipart/alternative, UTF-8 quoted-
// printable and base64 HTML, a quoted earlier message, a PDF attachment.
std::string sample_mail() {
  const std::string text =
      "您好，\r\n\r\n"
      "我上个月购买了 CloudBox Pro 的年度订阅，但是本月信用卡又被扣费了一次，\r\n"
      "订单号 2026-118-5521。请帮我核实并办理退款，另外请重新开具发票，抬头为\r\n"
      "\"上海某某科技有限公司\"，税号 91310000MA1FL0XXXX。\r\n\r\n"
      "Also, our finance team asks whether the invoice can be sent in English.\r\n\r\n"
      "谢谢！\r\n王磊\r\n\r\n"
      "------------------ 原始邮件 ------------------\r\n"
      "发件人: \"客服\" <support@example.com>\r\n"
      "发送时间: 2026年11月10日(星期二) 上午10:12\r\n"
      "主题: 回复: 订阅问题\r\n\r\n"
      "> 您好，您的订阅已经续费成功，如有问题请随时联系我们。\r\n"
      "> 客服团队\r\n";
  std::string body;
  for (int i = 0; i < 3; ++i) body += text;  // ~3 KB of text
  std::string mail =
      "Return-Path: <wang.lei@customer.example.cn>\r\n"
      "Received: from mx.customer.example.cn by mx.example.com with ESMTPS; Tue, 17 Nov 2026 09:12:01 +0800\r\n"
      "Message-ID: <20261117091201.5521@customer.example.cn>\r\n"
      "In-Reply-To: <ticket-1042.abc@example.com>\r\n"
      "References: <ticket-1042.abc@example.com>\r\n"
      "Date: Tue, 17 Nov 2026 09:12:00 +0800\r\n"
      "From: =?UTF-8?B?546L56OK?= <wang.lei@customer.example.cn>\r\n"
      "To: support@example.com\r\n"
      "Cc: finance@customer.example.cn\r\n"
      "Subject: =?UTF-8?B?5Zue5aSNOiDorqLpmIXph43lpI3miaPotLnvvIzor7fpgIDmrL4=?=\r\n"
      "X-Mailer: Foxmail 7.2\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
      "--outer\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n" +
      body +
      "\r\n--outer\r\n"
      "Content-Type: application/pdf; name=\"receipt.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"receipt.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n";
  for (int i = 0; i < 40; ++i) mail += "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29k\r\n";
  mail += "--outer--\r\n";
  return mail;
}

// 1,000 rules over every kind of condition, most of which do not match a
// given mail (as in life: a mail matches a few rules of many); every 100th
// is a billing rule that matches the built-in mail, so actions are taken
// too. Each matching rule costs more than a miss (its trace line, its
// explanation, its actions): the figures say how many matched.
std::string generate_rules(int count) {
  static const char* kWords[] = {"路由器", "交换机", "CloudBox", "NetGuard", "备份", "同步", "登录", "密码", "license",
                                 "upgrade", "webhook", "API", "存储", "带宽", "证书", "域名"};
  std::ostringstream out;
  for (int i = 0; i < count; ++i) {
    const std::string w = std::string(kWords[i % 16]) + std::to_string(i);
    if (i % 100 == 99) {
      out << "[[rule]]\nname = \"billing-" << i << "\"\nwhen = { field = \"reply\", contains = [\"退款\", \"发票\"] }\n"
          << "then = { add_tags = [\"billing-" << i << "\"], priority = \"high\" }\n";
      continue;
    }
    out << "[[rule]]\nname = \"generated-" << i << "\"\napplies_to = \"any\"\n";
    switch (i % 10) {
      case 0: out << "when = { field = \"subject\", contains = [\"" << w << "\", \"问题" << i << "\"] }\n"; break;
      case 1: out << "when = { field = \"body\", contains = \"" << w << "\" }\n"; break;
      case 2: out << "when = { field = \"subject\", regex = '\\b(" << w << "|ticket" << i << ")\\d+\\b' }\n"; break;
      case 3: out << "when = { field = \"from_domain\", ends_with = [\".d" << i << ".example\", \".e" << i << ".example\"] }\n"; break;
      case 4:
        out << "when = [{ field = \"reply\", contains = \"" << w << "\" }, { field = \"past_tickets\", at_least = " << i
            << " }]\n";
        break;
      case 5:
        out << "when = { any = [{ field = \"header:X-Campaign-" << i
            << "\", exists = true }, { field = \"attachment_name\", ends_with = \".x" << i << "\" }] }\n";
        break;
      case 6:
        out << "when = { all = [{ field = \"subject\", contains = \"" << w
            << "\" }, { not = { field = \"body\", contains = \"订单号\" } }] }\n";
        break;
      case 7: out << "when = { field = \"body\", regex = '(" << w << "|编号" << i << ")[：:]?\\s*\\d{4}' }\n"; break;
      case 8: out << "when = { field = \"from\", in_list = \"bench-list.txt\" }\n"; break;
      case 9:
        out << "when = { all = [{ field = \"language\", in = [\"ja\", \"ko\"] }, { field = \"to\", equals = \"x" << i
            << "@example.com\" }] }\n";
        break;
    }
    out << "then = { add_tags = [\"g" << i << "\"] }\n";
  }
  return out.str();
}

template <typename F>
double median_micros(int runs, F&& f) {
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs / 10 + 1; ++i) f();  // warm caches
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
  return times[static_cast<std::size_t>(runs / 2)];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ticketd;
  std::string raw = sample_mail();
  if (argc > 1) {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "rules_bench: cannot read %s\n", argv[1]);
      return 1;
    }
    raw.assign(std::istreambuf_iterator<char>(in), {});
  }
  const int runs = argc > 2 ? std::max(11, std::atoi(argv[2])) : 501;

  // The list file for in_list rules: 1,000 domains.
  const auto dir = std::filesystem::temp_directory_path() / "ticketd-rules-bench";
  std::filesystem::create_directories(dir);
  {
    std::ofstream list(dir / "bench-list.txt");
    for (int i = 0; i < 1000; ++i) list << "customer" << i << ".example\n";
  }
  const std::string rules_text = generate_rules(1000);
  RuleSet rules;
  std::string err;
  const double load_us = median_micros(11, [&] {
    RuleSet s;
    if (!load_rule_text(rules_text, "generated.toml", dir.string(), &s, &err)) {
      std::fprintf(stderr, "rules_bench: generated rules refused:\n%s\n", err.c_str());
      std::exit(1);
    }
    rules = std::move(s);
  });
  std::filesystem::remove_all(dir);

  const Message message = parse_mail(raw, 1'794'967'200);
  TicketFacts ticket;
  ticket.language = "zh-CN";
  ticket.customer_past_tickets = 3;
  ticket.mailbox = "support";
  const std::int64_t now = 1'794'967'200;

  std::size_t matched = 0;
  const Decision sample = evaluate_rules(rules, message, ticket, now);
  for (const auto& t : sample.trace) matched += t.matched;

  const double eval_us = median_micros(runs, [&] {
    const Decision d = evaluate_rules(rules, message, ticket, now);
    if (d.trace.size() != rules.rules.size()) std::abort();
  });
  EvaluationOptions pipeline;  // what the daemon's pipeline can use: only matched rules traced
  pipeline.trace_misses = false;
  const double eval_quiet_us = median_micros(runs, [&] {
    const Decision d = evaluate_rules(rules, message, ticket, now, pipeline);
    if (d.trace.size() != matched) std::abort();
  });
  const double parse_us = median_micros(runs, [&] {
    const Message m = parse_mail(raw, now);
    if (m.body.empty() && m.subject.empty()) std::abort();
  });

  // Parse + rules per mail, with no rules and with the 1,000 (medians, so a
  // busy machine skews both alike), as mails per second.
  const RuleSet none;
  auto per_mail = [&](const RuleSet& set) {
    return median_micros(runs, [&] {
      const Message m = parse_mail(raw, now);
      const Decision d = evaluate_rules(set, m, ticket, now, pipeline);
      if (d.trace.size() > set.rules.size()) std::abort();
    });
  };
  const double with_none = 1e6 / per_mail(none);
  const double with_rules = 1e6 / per_mail(rules);

  std::printf("mail: %zu bytes raw, body %zu bytes, reply %zu bytes, %zu attachment(s)\n", raw.size(),
              message.body.size(), message.reply.size(), message.attachments.size());
  std::printf("rules: %zu loaded (%zu matched this mail), load %.1f ms (median of 11)\n", rules.rules.size(), matched,
              load_us / 1000.0);
  std::printf("evaluate %zu rules, every rule traced:   %9.1f us  (median of %d)\n", rules.rules.size(), eval_us, runs);
  std::printf("evaluate %zu rules, matched rules traced: %8.1f us  (median of %d)\n", rules.rules.size(), eval_quiet_us,
              runs);
  std::printf("parse_mail:                                %9.1f us  (median of %d)\n", parse_us, runs);
  std::printf("rules / parse:  %.2f every rule traced, %.2f matched rules traced  (aim: below 1)\n", eval_us / parse_us,
              eval_quiet_us / parse_us);
  std::printf("parse+rules, 0 rules:       %8.0f mails/s  (1 / median)\n", with_none);
  std::printf("parse+rules, %zu rules:   %8.0f mails/s  (1 / median)\n", rules.rules.size(), with_rules);
  return 0;
}
