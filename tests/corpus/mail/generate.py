#!/usr/bin/python3
"""Writes the test mails of tests/corpus/mail/ and their expected results.

Each NAME.eml is a mail as the named client writes it (headers, MIME shape,
charset, quirks), with its bytes produced by Python's codecs so GBK, Big5,
ISO-2022-JP and the rest are exactly what those clients send. Beside it,
NAME.expected.json holds what a person must see after parse_mail: only the
fields that matter for that mail. The expectations are written by hand here,
from what each mail says, never copied from ticketd's output.

Keys of NAME.expected.json (all optional):
  subject, normalized_subject, message_id, in_reply_to, references (list),
  from {name, address}, to / cc / reply_to (lists of addresses), return_path,
  date (ISO 8601 UTC), date_from_header (bool),
  body (exact), body_contains / body_excludes (lists), reply (exact),
  reply_contains / reply_excludes (lists),
  attachments (list of {filename, content_type, size, inline, sha256}),
  auto_generated (null: a person's mail), auto_generated_contains,
  bounced_message_id, over_limits (bool), language.

Run it again after changing a mail: python3 tests/corpus/mail/generate.py
"""

import base64
import hashlib
import json
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))


def b64(data: bytes) -> bytes:
    s = base64.b64encode(data)
    return b"\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data)


def ew(text: str, charset: str, codec: str = None) -> str:
    """An RFC 2047 B-encoded word."""
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(codec or charset)).decode())


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def write(name, raw: bytes, expected: dict, use_crlf=True):
    if use_crlf:
        raw = crlf(raw)
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(raw)
    with open(os.path.join(HERE, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


def att(filename, content_type, data: bytes, inline=False):
    return {"filename": filename, "content_type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "inline": inline}


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" * 20
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def outlook_en_reply():
    plain = ("Hi team,\r\n\r\nThe invoice still shows \u20ac 120 \u2013 please correct it to \u20ac 100.\r\n"
             "Caf\u00e9 Ren\u00e9 Ltd.\r\n\r\nBest regards\r\nRen\u00e9\r\n\r\n"
             "From: Support <support@shop.example>\r\nSent: Monday, November 13, 2023 10:00 AM\r\n"
             "To: Ren\u00e9 Dupont <rene@cafe-rene.example>\r\nSubject: RE: [#1042] Invoice\r\n\r\n"
             "Dear Ren\u00e9, we have sent the invoice.\r\n").encode("cp1252")
    html = ("<html><head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">"
            "<style>p.MsoNormal{margin:0}</style></head><body lang=EN-US><div class=WordSection1>"
            "<p class=MsoNormal>Hi team,<o:p></o:p></p><p class=MsoNormal>The invoice still shows \u20ac 120"
            " \u2013 please correct it to \u20ac 100.</p></div></body></html>").encode("cp1252")
    raw = (b"Received: from EX01.cafe-rene.example by mx.shop.example; Tue, 14 Nov 2023 09:15:02 +0000\n"
           b"From: =?iso-8859-1?Q?Ren=E9_Dupont?= <rene@cafe-rene.example>\n"
           b"To: Support <support@shop.example>\n"
           b"Subject: RE: [#1042] Invoice\n"
           b"Thread-Topic: [#1042] Invoice\n"
           b"Thread-Index: AQHaFhX2K1tq3n4nLkCnU3l4nT8wAA==\n"
           b"Date: Tue, 14 Nov 2023 09:14:55 +0000\n"
           b"Message-ID: <DB9PR07MB7771A3B2C@DB9PR07MB7771.eurprd07.prod.outlook.com>\n"
           b"References: <t1042.a1b2@shop.example>\n"
           b"In-Reply-To: <t1042.a1b2@shop.example>\n"
           b"Accept-Language: fr-FR, en-US\n"
           b"Content-Language: fr-FR\n"
           b"X-MS-Has-Attach:\n"
           b"X-MS-TNEF-Correlator:\n"
           b"Content-Type: multipart/alternative;\n\tboundary=\"_000_DB9PR07MB7771A3B2C_\"\n"
           b"MIME-Version: 1.0\n\n"
           b"--_000_DB9PR07MB7771A3B2C_\n"
           b"Content-Type: text/plain; charset=\"iso-8859-1\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n" + qp(plain) + b"\n"
           b"--_000_DB9PR07MB7771A3B2C_\n"
           b"Content-Type: text/html; charset=\"iso-8859-1\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n" + qp(html) + b"\n"
           b"--_000_DB9PR07MB7771A3B2C_--\n")
    write("outlook_en_reply", raw, {
        "subject": "RE: [#1042] Invoice",
        "normalized_subject": "[#1042] Invoice",
        "from": {"name": "Ren\u00e9 Dupont", "address": "rene@cafe-rene.example"},
        "to": ["support@shop.example"],
        "message_id": "DB9PR07MB7771A3B2C@DB9PR07MB7771.eurprd07.prod.outlook.com",
        "in_reply_to": "t1042.a1b2@shop.example",
        "references": ["t1042.a1b2@shop.example"],
        "date": "2023-11-14T09:14:55Z",
        "body_contains": ["\u20ac 120 \u2013 please correct it to \u20ac 100.", "Caf\u00e9 Ren\u00e9 Ltd.",
                          "Subject: RE: [#1042] Invoice"],
        "reply": "Hi team,\n\nThe invoice still shows \u20ac 120 \u2013 please correct it to \u20ac 100.\n"
                 "Caf\u00e9 Ren\u00e9 Ltd.\n\nBest regards\nRen\u00e9",
        "attachments": [],
        "auto_generated": None,
    })


def gmail_reply():
    plain = ("Thanks, the replacement works now! \U0001F44D\n\n"
             "On Mon, Nov 13, 2023 at 10:00\u202fAM Shop Support <support@shop.example> wrote:\n\n"
             "> Hello Priya,\n>\n> please try the replacement cable.\n>\n").encode()
    html = ("<div dir=\"ltr\">Thanks, the replacement works now! \U0001F44D</div><br><div class=\"gmail_quote\">"
            "<div dir=\"ltr\" class=\"gmail_attr\">On Mon, Nov 13, 2023 at 10:00\u202fAM Shop Support &lt;"
            "<a href=\"mailto:support@shop.example\">support@shop.example</a>&gt; wrote:<br></div>"
            "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">Hello Priya,<br><br>"
            "please try the replacement cable.</blockquote></div>").encode()
    raw = (b"MIME-Version: 1.0\n"
           b"References: <t7.x@shop.example> <t7.y@shop.example>\n"
           b"In-Reply-To: <t7.y@shop.example>\n"
           b"From: Priya Sharma <priya.sharma@gmail.com>\n"
           b"Date: Mon, 13 Nov 2023 17:42:10 +0530\n"
           b"Message-ID: <CAF3+Zq1vNtqQ9kR@mail.gmail.com>\n"
           b"Subject: Re: [#7] Charger not working\n"
           b"To: Shop Support <support+t7@shop.example>\n"
           b"Content-Type: multipart/alternative; boundary=\"000000000000a1b2c3060a0f\"\n\n"
           b"--000000000000a1b2c3060a0f\n"
           b"Content-Type: text/plain; charset=\"UTF-8\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n" + qp(plain) + b"\n"
           b"--000000000000a1b2c3060a0f\n"
           b"Content-Type: text/html; charset=\"UTF-8\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n" + qp(html) + b"\n"
           b"--000000000000a1b2c3060a0f--\n")
    write("gmail_reply", raw, {
        "subject": "Re: [#7] Charger not working",
        "normalized_subject": "[#7] Charger not working",
        "from": {"name": "Priya Sharma", "address": "priya.sharma@gmail.com"},
        "to": ["support+t7@shop.example"],
        "in_reply_to": "t7.y@shop.example",
        "references": ["t7.x@shop.example", "t7.y@shop.example"],
        "date": "2023-11-13T12:12:10Z",
        "reply": "Thanks, the replacement works now! \U0001F44D",
        "body_contains": ["> please try the replacement cable."],
        "language": "en",
        "auto_generated": None,
    })


def apple_mail_flowed():
    # Apple Mail writes format=flowed with delsp=yes, soft breaks after spaces.
    body = ("Hello,\n\nI ordered the blue jacket in size M last week but \nreceived size L. Could you "
            "please send me a return \nlabel?\n\nKind regards,\nAnna\n").encode()
    raw = (b"From: Anna Svensson <anna.svensson@icloud.com>\n"
           b"Content-Type: text/plain;\n\tcharset=us-ascii;\n\tformat=flowed;\n\tdelsp=no\n"
           b"Content-Transfer-Encoding: 7bit\n"
           b"Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.200.91.1.1\\))\n"
           b"Subject: Wrong size delivered\n"
           b"Message-Id: <5E1C2D3A-9F77-4B2B-8E1A-7C2B0F1D3E4A@icloud.com>\n"
           b"Date: Wed, 15 Nov 2023 08:03:11 +0100\n"
           b"To: support@shop.example\n"
           b"X-Mailer: Apple Mail (2.3774.200.91.1.1)\n\n" + body)
    write("apple_mail_flowed", raw, {
        "subject": "Wrong size delivered",
        "from": {"name": "Anna Svensson", "address": "anna.svensson@icloud.com"},
        "message_id": "5E1C2D3A-9F77-4B2B-8E1A-7C2B0F1D3E4A@icloud.com",
        "date": "2023-11-15T07:03:11Z",
        "body": "Hello,\n\nI ordered the blue jacket in size M last week but received size L. Could you "
                "please send me a return label?\n\nKind regards,\nAnna",
        "auto_generated": None,
    }, use_crlf=False)


def iphone_chinese_reply():
    body = ("好的，我明天下午在家，请安排快递上门取件。\n\n发自我的iPhone\n\n"
            "> 在 2023年11月13日，10:00，客服 <support@shop.example> 写道：\n>\n"
            "> 您好，请问您方便什么时候寄回商品？\n").encode()
    raw = (b"Content-Type: text/plain;\n\tcharset=utf-8\n"
           b"Content-Transfer-Encoding: base64\n"
           b"From: =?utf-8?B?" + base64.b64encode("李娜".encode()) + b"?= <lina88@163.com>\n"
           b"Mime-Version: 1.0 (1.0)\n"
           b"Date: Tue, 14 Nov 2023 20:31:45 +0800\n"
           b"Subject: =?utf-8?B?" + base64.b64encode("回复：[#2231] 退货申请".encode()) + b"?=\n"
           b"Message-Id: <9A8B7C6D-1234-4F00-9ABC-DEF012345678@163.com>\n"
           b"References: <t2231.k@shop.example>\n"
           b"In-Reply-To: <t2231.k@shop.example>\n"
           b"To: =?utf-8?B?" + base64.b64encode("客服".encode()) + b"?= <support@shop.example>\n"
           b"X-Mailer: iPhone Mail (21A360)\n\n" + b64(body) + b"\n")
    write("iphone_chinese_reply", raw, {
        "subject": "回复：[#2231] 退货申请",
        "normalized_subject": "[#2231] 退货申请",
        "from": {"name": "李娜", "address": "lina88@163.com"},
        "to": ["support@shop.example"],
        "date": "2023-11-14T12:31:45Z",
        "reply": "好的，我明天下午在家，请安排快递上门取件。",
        "body_contains": ["> 您好，请问您方便什么时候寄回商品？"],
        "auto_generated": None,
    }, use_crlf=False)


def foxmail_gb2312():
    # Foxmail labels GB2312 but writes GBK characters (镕 is GBK-only).
    plain = ("您好：\n\n发票抬头请开：北京朱镕科技有限公司，税号 91110108MA01ABCDE。\n\n"
             "谢谢！\n\n王伟\n\n发件人：客服\n发送时间：2023-11-13 10:00\n收件人：王伟\n主题：发票\n\n"
             "请提供发票抬头。\n").encode("gbk")
    html = ("<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=gb2312\"></head>"
            "<body><div>您好：</div><div>发票抬头请开：北京朱镕科技有限公司</div></body></html>").encode("gbk")
    raw = (b"Date: Mon, 13 Nov 2023 15:20:31 +0800\n"
           b"From: \"" + ew("王伟", "gb2312").encode() + b"\" <wangwei@foxmail.com>\n"
           b"To: \"support\" <support@shop.example>\n"
           b"Subject: " + ew("回复: 发票", "gb2312", "gbk").encode() + b"\n"
           b"References: <t88.aa@shop.example>\n"
           b"X-Priority: 3\n"
           b"X-GUID: 8A4C2E1F-0B2D-4E4B-9C7A-1D2E3F4A5B6C\n"
           b"X-Has-Attach: no\n"
           b"X-Mailer: Foxmail 7.2.25.228[cn]\n"
           b"Mime-Version: 1.0\n"
           b"Message-ID: <202311131520311234567@foxmail.com>\n"
           b"Content-Type: multipart/alternative;\n\tboundary=\"----=_001_NextPart123456789012_=----\"\n\n"
           b"This is a multi-part message in MIME format.\n\n"
           b"------=_001_NextPart123456789012_=----\n"
           b"Content-Type: text/plain;\n\tcharset=\"gb2312\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(plain) + b"\n\n"
           b"------=_001_NextPart123456789012_=----\n"
           b"Content-Type: text/html;\n\tcharset=\"gb2312\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n" + qp(html) + b"\n\n"
           b"------=_001_NextPart123456789012_=------\n\n")
    write("foxmail_gb2312", raw, {
        "subject": "回复: 发票",
        "normalized_subject": "发票",
        "from": {"name": "王伟", "address": "wangwei@foxmail.com"},
        "references": ["t88.aa@shop.example"],
        "date": "2023-11-13T07:20:31Z",
        "body_contains": ["北京朱镕科技有限公司，税号 91110108MA01ABCDE。"],
        "reply": "您好：\n\n发票抬头请开：北京朱镕科技有限公司，税号 91110108MA01ABCDE。\n\n谢谢！\n\n王伟",
        "language": "zh-CN",
        "auto_generated": None,
    })


def qqmail_reply():
    plain = ("已经收到退款了，谢谢！\n\n\n------------------&nbsp;原始邮件&nbsp;------------------\n"
             .replace("&nbsp;", " ") +
             "发件人: \"客服\"<support@shop.example>;\n发送时间: 2023年11月13日(星期一) 上午10:00\n"
             "收件人: \"陈静\"<12345678@qq.com>;\n主题: [#3300] 退款进度\n\n退款已提交。\n").encode("gb18030")
    html = ("<div>已经收到退款了，谢谢！</div><div><br></div><div style=\"font-size: 12px;font-family: Arial Narrow;"
            "padding:2px 0 2px 0;\">------------------&nbsp;原始邮件&nbsp;------------------</div>"
            "<div style=\"font-size: 12px;background:#efefef;padding:8px;\"><div><b>发件人:</b>&nbsp;\"客服\"&lt;"
            "support@shop.example&gt;;</div><div><b>发送时间:</b>&nbsp;2023年11月13日(星期一) 上午10:00</div>"
            "<div><b>收件人:</b>&nbsp;\"陈静\"&lt;12345678@qq.com&gt;;<wbr></div><div></div><div><b>主题:</b>"
            "&nbsp;[#3300] 退款进度</div></div><div><br></div>退款已提交。").encode("gb18030")
    raw = (b"From: \"" + ew("陈静", "gb18030").encode() + b"\" <12345678@qq.com>\n"
           b"To: \"" + ew("客服", "gb18030").encode() + b"\" <support@shop.example>\n"
           b"Subject: " + ew("回复：[#3300] 退款进度", "gb18030").encode() + b"\n"
           b"Mime-Version: 1.0\n"
           b"Content-Type: multipart/alternative;\n\tboundary=\"----=_NextPart_6551A3B2_0A1B2C3D_4E5F6071\"\n"
           b"Content-Transfer-Encoding: 8Bit\n"
           b"Date: Mon, 13 Nov 2023 18:05:06 +0800\n"
           b"X-Priority: 3\n"
           b"Message-ID: <tencent_3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D06@qq.com>\n"
           b"X-QQ-MIME: TCMime 1.0 by Tencent\n"
           b"X-Mailer: QQMail 2.x\n"
           b"X-QQ-Mailer: QQMail 2.x\n"
           b"References: <t3300.r@shop.example>\n"
           b"In-Reply-To: <t3300.r@shop.example>\n\n"
           b"This is a multi-part message in MIME format.\n\n"
           b"------=_NextPart_6551A3B2_0A1B2C3D_4E5F6071\n"
           b"Content-Type: text/plain;\n\tcharset=\"gb18030\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(plain) + b"\n\n"
           b"------=_NextPart_6551A3B2_0A1B2C3D_4E5F6071\n"
           b"Content-Type: text/html;\n\tcharset=\"gb18030\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(html) + b"\n\n"
           b"------=_NextPart_6551A3B2_0A1B2C3D_4E5F6071--\n\n")
    write("qqmail_reply", raw, {
        "subject": "回复：[#3300] 退款进度",
        "normalized_subject": "[#3300] 退款进度",
        "from": {"name": "陈静", "address": "12345678@qq.com"},
        "to": ["support@shop.example"],
        "message_id": "tencent_3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D06@qq.com",
        "in_reply_to": "t3300.r@shop.example",
        "date": "2023-11-13T10:05:06Z",
        "reply": "已经收到退款了，谢谢！",
        "body_contains": ["原始邮件", "退款已提交。"],
        "language": "zh-CN",
        "auto_generated": None,
    })


def netease_attachment():
    plain = "附件是订单截图，麻烦查一下为什么还没发货。\n\n\n发自网易邮箱大师\n".encode("gbk")
    html = "<div>附件是订单截图，麻烦查一下为什么还没发货。</div>".encode("gbk")
    name_word = ew("订单截图.png", "GBK")
    raw = (b"Date: Thu, 16 Nov 2023 09:12:44 +0800 (CST)\n"
           b"From: " + ew("赵磊", "GBK").encode() + b" <zhaolei_2021@163.com>\n"
           b"To: support@shop.example\n"
           b"Message-ID: <6f1e2d3c.4b5a.18bd3e0c1a2.Coremail.zhaolei_2021@163.com>\n"
           b"Subject: " + ew("订单一直没有发货", "GBK").encode() + b"\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; \n\tboundary=\"----=_Part_123456_789012345.1700097164000\"\n"
           b"X-Originating-IP: [223.104.63.12]\n"
           b"X-Priority: 3\n"
           b"X-Mailer: Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)\n"
           b"Copyright (c) 2002-2023 www.mailtech.cn 163com\n\n"
           b"------=_Part_123456_789012345.1700097164000\n"
           b"Content-Type: multipart/alternative; \n\tboundary=\"----=_Part_123457_111.1700097164000\"\n\n"
           b"------=_Part_123457_111.1700097164000\n"
           b"Content-Type: text/plain; charset=GBK\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(plain) + b"\n"
           b"------=_Part_123457_111.1700097164000\n"
           b"Content-Type: text/html; charset=GBK\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(html) + b"\n"
           b"------=_Part_123457_111.1700097164000--\n\n"
           b"------=_Part_123456_789012345.1700097164000\n"
           b"Content-Type: image/png; name=\"" + name_word.encode() + b"\"\n"
           b"Content-Transfer-Encoding: base64\n"
           b"Content-Disposition: attachment; filename=\"" + name_word.encode() + b"\"\n\n" + b64(PNG) + b"\n"
           b"------=_Part_123456_789012345.1700097164000--\n")
    write("netease_attachment", raw, {
        "subject": "订单一直没有发货",
        "from": {"name": "赵磊", "address": "zhaolei_2021@163.com"},
        "date": "2023-11-16T01:12:44Z",
        "body": "附件是订单截图，麻烦查一下为什么还没发货。\n\n\n发自网易邮箱大师",
        "reply": "附件是订单截图，麻烦查一下为什么还没发货。",
        "attachments": [att("订单截图.png", "image/png", PNG)],
        "auto_generated": None,
    })


def big5_outlook():
    plain = ("您好，\n\n請問訂單 #5521 的發票可以改成公司抬頭嗎？\n\n林志明\n\n"
             "寄件者: 客服 <support@shop.example>\n寄件日期: 2023年11月13日 上午 10:00\n"
             "收件者: 林志明 <chiming@hinet.example>\n主旨: 訂單 #5521\n\n您的訂單已出貨。\n").encode("big5")
    raw = (b"From: =?big5?B?" + base64.b64encode("林志明".encode("big5")) + b"?= <chiming@hinet.example>\n"
           b"To: support@shop.example\n"
           b"Subject: =?big5?B?" + base64.b64encode("回覆: 訂單 #5521".encode("big5")) + b"?=\n"
           b"Date: Tue, 14 Nov 2023 11:02:03 +0800\n"
           b"Message-ID: <000001da16a1$2b3c4d50$81e6e7f0$@hinet.example>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: text/plain;\n\tcharset=\"big5\"\n"
           b"Content-Transfer-Encoding: quoted-printable\n"
           b"X-Mailer: Microsoft Outlook 16.0\n"
           b"Thread-Index: AQIr5dXhVmXr0yZ2+0dNQmBFlE/Y2A==\n"
           b"Content-Language: zh-tw\n\n" + qp(plain))
    write("big5_outlook", raw, {
        "subject": "回覆: 訂單 #5521",
        "normalized_subject": "訂單 #5521",
        "from": {"name": "林志明", "address": "chiming@hinet.example"},
        "message_id": "000001da16a1$2b3c4d50$81e6e7f0$@hinet.example",
        "reply": "您好，\n\n請問訂單 #5521 的發票可以改成公司抬頭嗎？\n\n林志明",
        "language": "zh-TW",
        "auto_generated": None,
    })


def iso2022jp():
    body = "お世話になっております。\n注文番号 7788 の配送状況を教えてください。\n\n山田太郎\n".encode("iso-2022-jp")
    raw = (b"From: =?ISO-2022-JP?B?" + base64.b64encode("山田太郎".encode("iso-2022-jp")) + b"?= <taro@example.jp>\n"
           b"To: support@shop.example\n"
           b"Subject: =?ISO-2022-JP?B?" + base64.b64encode("配送状況について".encode("iso-2022-jp")) + b"?=\n"
           b"Date: Wed, 15 Nov 2023 13:45:00 +0900\n"
           b"Message-Id: <20231115134500.A1B2C3@example.jp>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: text/plain; charset=ISO-2022-JP\n"
           b"Content-Transfer-Encoding: 7bit\n"
           b"X-Mailer: Becky! ver. 2.81.04\n\n" + body)
    write("iso2022jp", raw, {
        "subject": "配送状況について",
        "from": {"name": "山田太郎", "address": "taro@example.jp"},
        "date": "2023-11-15T04:45:00Z",
        "body": "お世話になっております。\n注文番号 7788 の配送状況を教えてください。\n\n山田太郎",
        "language": "ja",
        "auto_generated": None,
    })


def shift_jis():
    body = "返品の手続きをお願いします。\n商品：ワイヤレスイヤホン（白）\n".encode("shift_jis")
    raw = (b"From: =?Shift_JIS?B?" + base64.b64encode("佐藤花子".encode("shift_jis")) + b"?= <hanako@example.co.jp>\n"
           b"To: support@shop.example\n"
           b"Subject: =?Shift_JIS?B?" + base64.b64encode("返品希望".encode("shift_jis")) + b"?=\n"
           b"Date: Wed, 15 Nov 2023 21:10:00 +0900\n"
           b"Message-ID: <sjis-0001@example.co.jp>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: text/plain; charset=\"Shift_JIS\"\n"
           b"Content-Transfer-Encoding: 8bit\n\n" + body)
    write("shift_jis", raw, {
        "subject": "返品希望",
        "from": {"name": "佐藤花子", "address": "hanako@example.co.jp"},
        "body": "返品の手続きをお願いします。\n商品：ワイヤレスイヤホン（白）",
        "auto_generated": None,
    })


def windows1252_mislabeled():
    # Labelled ISO-8859-1, but Outlook wrote Windows-1252 quotes and the euro sign.
    body = "The \u201cpremium\u201d plan costs \u20ac9.99 \u2014 isn\u2019t that wrong?\n".encode("cp1252")
    raw = (b"From: Mark O'Neil <mark@oneil.example>\n"
           b"To: \"Support, Shop\" <support@shop.example>\n"
           b"Subject: Pricing question\n"
           b"Date: 16 Nov 2023 10:00:00 -0500\n"
           b"Message-ID: <cp1252.1@oneil.example>\n"
           b"Content-Type: text/plain; charset=ISO-8859-1\n"
           b"Content-Transfer-Encoding: 8bit\n\n" + body)
    write("windows1252_mislabeled", raw, {
        "subject": "Pricing question",
        "from": {"name": "Mark O'Neil", "address": "mark@oneil.example"},
        "to": ["support@shop.example"],
        "date": "2023-11-16T15:00:00Z",
        "body": "The \u201cpremium\u201d plan costs \u20ac9.99 \u2014 isn\u2019t that wrong?",
        "auto_generated": None,
    })


def no_charset_gbk():
    body = ("你好，我上周买的电饭煲坏了，按键没有反应，插上电也不亮灯。请问怎么申请保修？"
            "我的订单号是 20231101-8891，收货地址在上海市浦东新区。谢谢！\n").encode("gbk")
    raw = (b"From: customer8891@sina.example\n"
           b"To: support@shop.example\n"
           b"Subject: =?GBK?B?" + base64.b64encode("电饭煲保修".encode("gbk")) + b"?=\n"
           b"Date: Thu, 16 Nov 2023 08:00:00 +0800\n"
           b"Content-Type: text/plain\n"
           b"Content-Transfer-Encoding: 8bit\n\n" + body)
    write("no_charset_gbk", raw, {
        "subject": "电饭煲保修",
        "from": {"name": "", "address": "customer8891@sina.example"},
        "message_id": "",
        "body_contains": ["电饭煲坏了", "20231101-8891", "上海市浦东新区"],
        "auto_generated": None,
    })


def html_only():
    html = ("<!DOCTYPE html><html><head><title>Mail</title><style>.x{color:red}</style>"
            "<script>track()</script></head><body><p>Hello,</p><p>I can&rsquo;t log in since the update:</p>"
            "<ul><li>the app says &quot;error 42&quot;</li><li>reset password does nothing</li></ul>"
            "<p>My account: <a href=\"https://shop.example/account/991\">account 991</a><br>"
            "Phone: +44 20 7946 0000</p><table><tr><td>OS</td><td>Android 14</td></tr></table>"
            "<p>Thanks<br>Tom</p><img src=\"https://t.example/pixel.gif\" width=1 height=1></body></html>")
    raw = (b"From: Tom Baker <tom.baker@outlook.com>\n"
           b"To: support@shop.example\n"
           b"Subject: Cannot log in\n"
           b"Date: Fri, 17 Nov 2023 11:11:11 +0000\n"
           b"Message-ID: <AM0PR01MB1234@AM0PR01MB1234.eurprd01.prod.outlook.com>\n"
           b"Content-Type: text/html; charset=\"utf-8\"\n"
           b"Content-Transfer-Encoding: base64\n"
           b"MIME-Version: 1.0\n\n" + b64(html.encode()) + b"\n")
    write("html_only", raw, {
        "subject": "Cannot log in",
        "body": "Hello,\n\nI can\u2019t log in since the update:\n\n- the app says \"error 42\"\n"
                "- reset password does nothing\n\nMy account: account 991 <https://shop.example/account/991>\n"
                "Phone: +44 20 7946 0000\n\nOS Android 14\n\nThanks\nTom",
        "body_excludes": ["track()", "color:red", "Mail"],
        "auto_generated": None,
    })


def inline_image_related():
    html = ("<html><body><p>See the damage on the box:</p><p><img src=\"cid:image001.png@01DA1850.5C3E2B60\" "
            "alt=\"photo\"></p><p>Regards, Eva</p></body></html>").encode()
    raw = (b"From: Eva Novak <eva.novak@seznam.example>\n"
           b"To: support@shop.example\n"
           b"Subject: Damaged parcel\n"
           b"Date: Fri, 17 Nov 2023 14:00:00 +0100\n"
           b"Message-ID: <rel.1@seznam.example>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/related; boundary=\"rel\"; type=\"multipart/alternative\"\n\n"
           b"--rel\n"
           b"Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
           b"--alt\nContent-Type: text/plain; charset=utf-8\n\n\n\n"
           b"--alt\nContent-Type: text/html; charset=utf-8\n\n" + html + b"\n"
           b"--alt--\n\n"
           b"--rel\n"
           b"Content-Type: image/png; name=\"image001.png\"\n"
           b"Content-Description: image001.png\n"
           b"Content-Disposition: inline; filename=\"image001.png\"; size=" + str(len(PNG)).encode() + b";\n"
           b"Content-ID: <image001.png@01DA1850.5C3E2B60>\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(PNG) + b"\n"
           b"--rel--\n")
    write("inline_image_related", raw, {
        "subject": "Damaged parcel",
        "body": "See the damage on the box:\n\n[photo]\n\nRegards, Eva",
        "attachments": [att("image001.png", "image/png", PNG, inline=True)],
        "auto_generated": None,
    })


def forwarded_rfc822():
    inner = (b"From: Billing <billing@shop.example>\n"
             b"To: Jonas Weber <jonas@weber.example>\n"
             b"Subject: Ihre Rechnung 2023-118\n"
             b"Date: Mon, 6 Nov 2023 09:00:00 +0100\n"
             b"Message-ID: <inv-2023-118@shop.example>\n"
             b"Content-Type: text/plain; charset=utf-8\n"
             b"Content-Transfer-Encoding: 8bit\n\n"
             + "Sehr geehrter Herr Weber,\nanbei Ihre Rechnung über 49,90 €.\n".encode())
    raw = (b"From: Jonas Weber <jonas@weber.example>\n"
           b"To: support@shop.example\n"
           b"Subject: Fwd: Ihre Rechnung 2023-118\n"
           b"Date: Mon, 13 Nov 2023 19:30:00 +0100\n"
           b"Message-ID: <fwd.1@weber.example>\n"
           b"User-Agent: Mozilla Thunderbird\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=\"------------0Zf1b2C3d4E5f6G7h8I9j0K1\"\n\n"
           b"This is a multi-part message in MIME format.\n"
           b"--------------0Zf1b2C3d4E5f6G7h8I9j0K1\n"
           b"Content-Type: text/plain; charset=UTF-8; format=flowed\n"
           b"Content-Transfer-Encoding: 8bit\n\n"
           + "Die Rechnung ist doppelt abgebucht worden, bitte prüfen.\n\nJonas\n".encode() +
           b"\n--------------0Zf1b2C3d4E5f6G7h8I9j0K1\n"
           b"Content-Type: message/rfc822; name=\"Ihre Rechnung 2023-118.eml\"\n"
           b"Content-Disposition: attachment; filename=\"Ihre Rechnung 2023-118.eml\"\n\n" + inner +
           b"\n--------------0Zf1b2C3d4E5f6G7h8I9j0K1--\n")
    write("forwarded_rfc822", raw, {
        "subject": "Fwd: Ihre Rechnung 2023-118",
        "normalized_subject": "Ihre Rechnung 2023-118",
        "body_contains": ["Die Rechnung ist doppelt abgebucht worden, bitte prüfen.",
                          "---------- Forwarded message ----------\nFrom: Billing <billing@shop.example>",
                          "Subject: Ihre Rechnung 2023-118",
                          "anbei Ihre Rechnung über 49,90 €."],
        "attachments": [{"filename": "Ihre Rechnung 2023-118.eml", "content_type": "message/rfc822",
                         "inline": False}],
        "auto_generated": None,
    }, use_crlf=False)


def bounce_dsn():
    raw = (b"Return-Path: <>\n"
           b"Received: by mx.shop.example (Postfix) id 4SVx1h0f; Mon, 13 Nov 2023 10:00:05 +0000 (UTC)\n"
           b"Date: Mon, 13 Nov 2023 10:00:05 +0000 (UTC)\n"
           b"From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)\n"
           b"Subject: Undelivered Mail Returned to Sender\n"
           b"To: support@shop.example\n"
           b"Auto-Submitted: auto-replied\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/report; report-type=delivery-status;\n"
           b"\tboundary=\"4SVx1h0f.1699869605/mx.shop.example\"\n"
           b"Message-Id: <20231113100005.4SVx1h0f@mx.shop.example>\n\n"
           b"This is a MIME-encapsulated message.\n\n"
           b"--4SVx1h0f.1699869605/mx.shop.example\n"
           b"Content-Description: Notification\n"
           b"Content-Type: text/plain; charset=us-ascii\n\n"
           b"This is the mail system at host mx.shop.example.\n\n"
           b"I'm sorry to have to inform you that your message could not\n"
           b"be delivered to one or more recipients.\n\n"
           b"<nobody@gone.example>: host mx.gone.example said: 550 5.1.1 User unknown\n\n"
           b"--4SVx1h0f.1699869605/mx.shop.example\n"
           b"Content-Description: Delivery report\n"
           b"Content-Type: message/delivery-status\n\n"
           b"Reporting-MTA: dns; mx.shop.example\n"
           b"Arrival-Date: Mon, 13 Nov 2023 10:00:01 +0000 (UTC)\n\n"
           b"Final-Recipient: rfc822; nobody@gone.example\n"
           b"Action: failed\n"
           b"Status: 5.1.1\n"
           b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
           b"--4SVx1h0f.1699869605/mx.shop.example\n"
           b"Content-Description: Undelivered Message Headers\n"
           b"Content-Type: text/rfc822-headers\n\n"
           b"Return-Path: <support@shop.example>\n"
           b"From: Shop Support <support@shop.example>\n"
           b"To: nobody@gone.example\n"
           b"Subject: [#4410] Your request\n"
           b"Message-ID: <t4410.m3.9f8e7d@shop.example>\n"
           b"Date: Mon, 13 Nov 2023 10:00:00 +0000\n\n"
           b"--4SVx1h0f.1699869605/mx.shop.example--\n")
    write("bounce_dsn", raw, {
        "subject": "Undelivered Mail Returned to Sender",
        "return_path": "<>",
        "from": {"name": "Mail Delivery System", "address": "MAILER-DAEMON@mx.shop.example"},
        "body_contains": ["550 5.1.1 User unknown"],
        "body_excludes": ["Reporting-MTA"],
        "auto_generated_contains": "Auto-Submitted",
        "bounced_message_id": "t4410.m3.9f8e7d@shop.example",
    }, use_crlf=False)


def bounce_exchange():
    original = (b"From: Shop Support <support@shop.example>\n"
                b"To: <h.mueller@firma.example>\n"
                b"Subject: [#5120] Ihre Anfrage\n"
                b"Message-ID: <t5120.m1.aa11@shop.example>\n"
                b"Date: Tue, 14 Nov 2023 08:00:00 +0000\n"
                b"Content-Type: text/plain; charset=utf-8\n\n"
                b"Guten Tag, danke fuer Ihre Anfrage.\n")
    raw = (b"From: postmaster@firma.example\n"
           b"To: support@shop.example\n"
           b"Date: Tue, 14 Nov 2023 08:00:07 +0000\n"
           b"Subject: Undeliverable: [#5120] Ihre Anfrage\n"
           b"Message-ID: <ndr.77@firma.example>\n"
           b"Content-Language: en-US\n"
           b"X-MS-Exchange-Message-Is-Ndr:\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/report; report-type=delivery-status;\n"
           b"\tboundary=\"b1_ndr\"\n\n"
           b"--b1_ndr\n"
           b"Content-Type: text/html; charset=\"us-ascii\"\n\n"
           b"<html><body><p><b>Your message to h.mueller@firma.example couldn't be delivered.</b></p>"
           b"<p>h.mueller wasn't found at firma.example.</p></body></html>\n"
           b"--b1_ndr\n"
           b"Content-Type: message/delivery-status\n\n"
           b"Reporting-MTA: dns;EX02.firma.example\n\n"
           b"Final-recipient: RFC822; h.mueller@firma.example\n"
           b"Action: failed\n"
           b"Status: 5.1.10\n\n"
           b"--b1_ndr\n"
           b"Content-Type: message/rfc822\n\n" + original +
           b"\n--b1_ndr--\n")
    write("bounce_exchange", raw, {
        "subject": "Undeliverable: [#5120] Ihre Anfrage",
        "body": "Your message to h.mueller@firma.example couldn't be delivered.\n\n"
                "h.mueller wasn't found at firma.example.",
        "auto_generated_contains": "delivery status",
        "bounced_message_id": "t5120.m1.aa11@shop.example",
    })


def out_of_office_en():
    raw = (b"From: Laura Chen <laura.chen@bigcorp.example>\n"
           b"To: Shop Support <support@shop.example>\n"
           b"Subject: Automatic reply: [#6001] Order confirmation\n"
           b"Thread-Topic: [#6001] Order confirmation\n"
           b"Date: Wed, 15 Nov 2023 12:00:00 +0000\n"
           b"Message-ID: <oof.6001@bigcorp.example>\n"
           b"In-Reply-To: <t6001.a@shop.example>\n"
           b"Auto-Submitted: auto-generated\n"
           b"X-Auto-Response-Suppress: All\n"
           b"X-MS-Exchange-Inbox-Rules-Loop: laura.chen@bigcorp.example\n"
           b"Content-Type: text/plain; charset=\"us-ascii\"\n\n"
           b"I am out of the office until 20 November with limited access to email.\n")
    write("out_of_office_en", raw, {
        "subject": "Automatic reply: [#6001] Order confirmation",
        "in_reply_to": "t6001.a@shop.example",
        "auto_generated_contains": "Auto-Submitted: auto-generated",
        "body": "I am out of the office until 20 November with limited access to email.",
    })


def out_of_office_zh():
    body = "您好，我正在休假，11月20日返回，期间邮件可能无法及时回复。\n".encode("gbk")
    raw = (b"From: \"" + ew("周杰", "gbk").encode() + b"\" <zhoujie@qq.com>\n"
           b"To: \"support\" <support@shop.example>\n"
           b"Subject: " + ew("自动回复: [#6100] 订单确认", "gbk").encode() + b"\n"
           b"Date: Wed, 15 Nov 2023 20:00:00 +0800\n"
           b"Message-ID: <tencent_autoreply_6100@qq.com>\n"
           b"Content-Type: text/plain; charset=\"gbk\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(body) + b"\n")
    write("out_of_office_zh", raw, {
        "subject": "自动回复: [#6100] 订单确认",
        "auto_generated_contains": "自动回复",
        "body": "您好，我正在休假，11月20日返回，期间邮件可能无法及时回复。",
    })


def tnef_winmail():
    tnef = bytes([0x78, 0x9F, 0x3E, 0x22]) + bytes(range(256)) * 4
    raw = (b"From: Peter Hall <p.hall@legacy.example>\n"
           b"To: support@shop.example\n"
           b"Subject: Contract draft\n"
           b"Date: Thu, 16 Nov 2023 16:00:00 +0000\n"
           b"Message-ID: <tnef.1@legacy.example>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=\"----_=_NextPart_001_01DA18A5.ABCDEF01\"\n"
           b"X-MS-Has-Attach: yes\n"
           b"X-MS-TNEF-Correlator: <tnef.1@legacy.example>\n\n"
           b"------_=_NextPart_001_01DA18A5.ABCDEF01\n"
           b"Content-Type: text/plain; charset=\"us-ascii\"\n"
           b"Content-Transfer-Encoding: 7bit\n\n"
           b"Please find the contract draft attached.\n\n"
           b"------_=_NextPart_001_01DA18A5.ABCDEF01\n"
           b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
           b"Content-Transfer-Encoding: base64\n"
           b"Content-Disposition: attachment; filename=\"winmail.dat\"\n\n" + b64(tnef) + b"\n\n"
           b"------_=_NextPart_001_01DA18A5.ABCDEF01--\n")
    write("tnef_winmail", raw, {
        "subject": "Contract draft",
        "body": "Please find the contract draft attached.",
        "attachments": [att("winmail.dat", "application/ms-tnef", tnef)],
        "auto_generated": None,
    })


def thunderbird_rfc2231_signed():
    signature = (b"-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQTx0000000000000000000000000000000AUCZVTAAAAKCRDx\n"
                 b"-----END PGP SIGNATURE-----\n")
    raw = (b"Message-ID: <b3c4d5e6-0000-4a4a-8b8b-123456789abc@posteo.example>\n"
           b"Date: Fri, 17 Nov 2023 09:30:00 +0100\n"
           b"MIME-Version: 1.0\n"
           b"User-Agent: Mozilla Thunderbird\n"
           b"From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@posteo.example>\n"
           b"To: support@shop.example\n"
           b"Subject: =?UTF-8?Q?Reklamation_Kaffeemaschine_=E2=80=93_Fotos?=\n"
           b"Content-Type: multipart/signed; micalg=pgp-sha256;\n protocol=\"application/pgp-signature\";\n"
           b" boundary=\"------------sig0123\"\n\n"
           b"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\n"
           b"--------------sig0123\n"
           b"Content-Type: multipart/mixed; boundary=\"------------mix4567\"\n\n"
           b"--------------mix4567\n"
           b"Content-Type: text/plain; charset=UTF-8; format=flowed\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n"
           b"Die Maschine verliert Wasser, siehe Pr=C3=BCfbericht im Anhang.\n\n"
           b"--------------mix4567\n"
           b"Content-Type: application/pdf;\n"
           b" name*0*=UTF-8''Pr%C3%BCfbericht%20Kaffeemaschine%20Modell%20X200%20;\n"
           b" name*1*=%E2%80%93%20Wasserverlust.pdf\n"
           b"Content-Disposition: attachment;\n"
           b" filename*0*=UTF-8''Pr%C3%BCfbericht%20Kaffeemaschine%20Modell%20X200%20;\n"
           b" filename*1*=%E2%80%93%20Wasserverlust.pdf\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(PDF) + b"\n\n"
           b"--------------mix4567--\n\n"
           b"--------------sig0123\n"
           b"Content-Type: application/pgp-signature; name=\"OpenPGP_signature.asc\"\n"
           b"Content-Description: OpenPGP digital signature\n"
           b"Content-Disposition: attachment; filename=\"OpenPGP_signature.asc\"\n\n" + signature + b"\n"
           b"--------------sig0123--\n")
    write("thunderbird_rfc2231_signed", raw, {
        "subject": "Reklamation Kaffeemaschine \u2013 Fotos",
        "from": {"name": "J\u00fcrgen M\u00fcller", "address": "juergen@posteo.example"},
        "body": "Die Maschine verliert Wasser, siehe Pr\u00fcfbericht im Anhang.",
        "attachments": [
            att("Pr\u00fcfbericht Kaffeemaschine Modell X200 \u2013 Wasserverlust.pdf", "application/pdf", PDF),
            # The mail is written with CRLF line ends; a 7bit part keeps them.
            att("OpenPGP_signature.asc", "application/pgp-signature", crlf(signature)),
        ],
        "auto_generated": None,
    })


def raw_gbk_filename():
    # Some Chinese webmail writes the file name as raw GBK bytes, unencoded.
    data = b"PK\x03\x04" + bytes(300)
    raw = (b"From: buyer@126.example\n"
           b"To: support@shop.example\n"
           b"Subject: contract\n"
           b"Date: Sat, 18 Nov 2023 10:00:00 +0800\n"
           b"Message-ID: <rawgbk.1@126.example>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=\"=====raw=====\"\n\n"
           b"--=====raw=====\n"
           b"Content-Type: text/plain; charset=\"gbk\"\n\n" + "合同见附件。\n".encode("gbk") +
           b"--=====raw=====\n"
           b"Content-Type: application/zip; name=\"" + "采购合同.zip".encode("gbk") + b"\"\n"
           b"Content-Disposition: attachment; filename=\"" + "采购合同.zip".encode("gbk") + b"\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + b64(data) + b"\n"
           b"--=====raw=====--\n")
    write("raw_gbk_filename", raw, {
        "body": "合同见附件。",
        "attachments": [att("采购合同.zip", "application/zip", data)],
        "auto_generated": None,
    })


def broken_encodings():
    # Bad base64 padding, stray characters, lower-case QP hex and no closing
    # boundary: the text is still read.
    text_b64 = base64.b64encode("Der Drucker druckt nur leere Seiten.\n".encode()).rstrip(b"=")
    raw = (b"From: \"Weird, Mailer\" <weird@old.example>\n"
           b"To: support@shop.example\n"
           b"Subject: =?utf-8?q?Drucker_kaputt?=\n"
           b"Date: Sat, 18 Nov 2023 12:00:00 GMT\n"
           b"Message-ID: <broken.1@old.example>\n"
           b"Content-Type: multipart/mixed; boundary=\"XyZ\"\n\n"
           b"--XyZ\n"
           b"Content-Type: text/plain; charset=utf-8\n"
           b"Content-Transfer-Encoding: base64\n\n" + text_b64[:20] + b"\n!!" + text_b64[20:] + b"\n"
           b"--XyZ\n"
           b"Content-Type: text/plain; charset=utf-8\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n"
           b"Gr=c3=bc=C3=9Fe, 100=% sicher\n")
    write("broken_encodings", raw, {
        "subject": "Drucker kaputt",
        "from": {"name": "Weird, Mailer", "address": "weird@old.example"},
        "body": "Der Drucker druckt nur leere Seiten.\n\nGr\u00fc\u00dfe, 100=% sicher",
        "auto_generated": None,
    }, use_crlf=False)


def mailing_list():
    raw = (b"From: Newsletter <news@vendor.example>\n"
           b"To: support@shop.example\n"
           b"Subject: November deals\n"
           b"Date: Sat, 18 Nov 2023 06:00:00 +0000\n"
           b"Message-ID: <nl.2023.11@vendor.example>\n"
           b"List-Id: Vendor deals <deals.vendor.example>\n"
           b"List-Unsubscribe: <https://vendor.example/u/123>, <mailto:unsub@vendor.example>\n"
           b"Precedence: bulk\n"
           b"Content-Type: text/plain; charset=utf-8\n\n"
           b"Big savings this month.\n")
    write("mailing_list", raw, {
        "subject": "November deals",
        "auto_generated_contains": "Precedence: bulk",
    })


def smime_encrypted():
    blob = bytes(range(7, 250)) * 3
    raw = (b"From: Secure Sender <secure@bank.example>\n"
           b"To: support@shop.example\n"
           b"Subject: Encrypted statement\n"
           b"Date: Sun, 19 Nov 2023 10:00:00 +0000\n"
           b"Message-ID: <smime.1@bank.example>\n"
           b"MIME-Version: 1.0\n"
           b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\n"
           b"Content-Transfer-Encoding: base64\n"
           b"Content-Disposition: attachment; filename=\"smime.p7m\"\n\n" + b64(blob) + b"\n")
    write("smime_encrypted", raw, {
        "subject": "Encrypted statement",
        "body": "",
        "attachments": [att("smime.p7m", "application/pkcs7-mime", blob)],
        "auto_generated": None,
    })


def main():
    for make in (outlook_en_reply, gmail_reply, apple_mail_flowed, iphone_chinese_reply, foxmail_gb2312,
                 qqmail_reply, netease_attachment, big5_outlook, iso2022jp, shift_jis, windows1252_mislabeled,
                 no_charset_gbk, html_only, inline_image_related, forwarded_rfc822, bounce_dsn, bounce_exchange,
                 out_of_office_en, out_of_office_zh, tnef_winmail, thunderbird_rfc2231_signed, raw_gbk_filename,
                 broken_encodings, mailing_list, smime_encrypted):
        make()


if __name__ == "__main__":
    main()
