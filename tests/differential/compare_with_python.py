#!/usr/bin/python3
"""Differential test of ticketd's parser against Python's `email` package.

Each mail is read twice: by Python's standard library (email.policy.default,
a reference none of us wrote) and by `ticketd parse FILE --json`. For every
mail, five things are compared:
  subject      the decoded Subject
  addresses    From (name and address), To and Cc addresses
  message_id   the bare Message-ID
  text         the decoded text: Python's get_body() (plain preferred, else
               HTML with tags stripped) must be found in ticketd's body, white
               space normalised (ticketd joins every inline text part and
               makes HTML readable, so containment, or for HTML 90% word
               similarity, is the test)
  attachments  file names (where Python finds one) and decoded sizes of the
               leaf parts that are not body text
Prints each disagreement and the agreement rates (per field and per mail).

Usage:
  compare_with_python.py [--ticketd PATH] [--verbose] [DIR_OR_FILE...]
Default corpus: /usr/lib/python3.11/test/test_email/data/msg_*.txt
(Debian package libpython3.11-testsuite). Exit status 0 whatever the rate:
this is a measurement; read the disagreements.
"""

import argparse
import difflib
import email
import email.policy
import glob
import html
import json
import os
import re
import subprocess
import sys

DEFAULT_CORPUS = "/usr/lib/python3.11/test/test_email/data"


def norm_space(s):
    return re.sub(r"\s+", " ", s or "").strip()


def strip_html(s):
    s = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>", " ", s)
    s = re.sub(r"(?s)<[^>]+>", " ", s)
    return html.unescape(s)


def safe(fn, default=None):
    try:
        return fn()
    except Exception:  # Python's parser raises on some broken headers
        return default


def python_view(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    view = {}
    view["subject"] = safe(lambda: norm_space(str(msg["subject"] or "")), "")
    frm = safe(lambda: msg["from"].addresses if msg["from"] is not None else (), ())
    view["from"] = (norm_space(frm[0].display_name), frm[0].addr_spec) if frm else ("", "")

    def addr_list(name):
        out = []
        for value in safe(lambda: msg.get_all(name) or [], []):
            out += [a.addr_spec for a in safe(lambda: value.addresses, ())]
        return out

    view["to"] = addr_list("to")
    view["cc"] = addr_list("cc")
    mid = safe(lambda: str(msg["message-id"] or ""), "")
    m = re.search(r"<([^<>]+)>", mid)
    view["message_id"] = m.group(1).strip() if m else mid.strip()
    body = safe(lambda: msg.get_body(preferencelist=("plain", "html")))
    text, is_html = "", False
    if body is not None:
        text = safe(lambda: body.get_content(), "") or ""
        if not isinstance(text, str):
            text = ""
        is_html = body.get_content_subtype() == "html"
        if is_html:
            text = strip_html(text)
    view["text"], view["text_is_html"] = text, is_html
    attachments = []
    for part in msg.walk():
        if part.is_multipart() or part is body:
            continue
        if part.get_content_maintype() == "message":
            continue  # walk() descends into it; its parts are compared instead
        if part.get_content_maintype() == "multipart":
            # A multipart Python could not split (no boundary, or none found)
            # is a defect it leaves as an opaque payload, not a file the
            # sender attached; ticketd reads such a body as text.
            continue
        disposition = part.get_content_disposition()
        name = safe(lambda: part.get_filename())
        if (part.get_content_type() in ("text/plain", "text/html") and disposition != "attachment" and not name):
            continue
        payload = safe(lambda: part.get_payload(decode=True), b"") or b""
        attachments.append((name, len(payload)))
    view["attachments"] = attachments
    return view


def ticketd_view(ticketd, path):
    out = subprocess.run([ticketd, "parse", path, "--json"], capture_output=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError("ticketd parse exited %d: %s" % (out.returncode, out.stderr.decode(errors="replace")))
    j = json.loads(out.stdout)
    return {
        "subject": norm_space(j.get("subject", "")),
        "from": (norm_space(j["from"]["name"]), j["from"]["address"]),
        "to": [a["address"] for a in j.get("to", [])],
        "cc": [a["address"] for a in j.get("cc", [])],
        "message_id": j.get("message_id", ""),
        "text": j.get("body", ""),
        "attachments": [(a["filename"], a["size"]) for a in j.get("attachments", [])],
    }


def compare(py, td):
    """-> {field: None when they agree, else a short explanation}"""
    result = {}
    result["subject"] = None if py["subject"] == td["subject"] else "%r vs %r" % (py["subject"], td["subject"])
    addr_ok = (py["from"][1].lower() == td["from"][1].lower() and py["from"][0] == td["from"][0]
               and [a.lower() for a in py["to"]] == [a.lower() for a in td["to"]]
               and [a.lower() for a in py["cc"]] == [a.lower() for a in td["cc"]])
    result["addresses"] = None if addr_ok else "python from=%r to=%r cc=%r | ticketd from=%r to=%r cc=%r" % (
        py["from"], py["to"], py["cc"], td["from"], td["to"], td["cc"])
    result["message_id"] = None if py["message_id"] == td["message_id"] else "%r vs %r" % (
        py["message_id"], td["message_id"])
    p, t = norm_space(py["text"]), norm_space(td["text"])
    if py["text_is_html"]:
        ratio = difflib.SequenceMatcher(None, p.split(), t.split()).ratio() if p or t else 1.0
        ok = ratio >= 0.9 or (p and p in t)
        why = "html word similarity %.2f" % ratio
    else:
        ok = p in t
        why = "python text not found in ticketd body"
    result["text"] = None if ok else "%s\n      python : %r\n      ticketd: %r" % (why, p[:300], t[:300])
    py_sizes = sorted(s for _, s in py["attachments"])
    td_sizes = sorted(s for _, s in td["attachments"])
    py_names = sorted(n for n, _ in py["attachments"] if n)
    td_names = sorted(n for n, _ in td["attachments"])
    names_ok = all(n in td_names for n in py_names)
    result["attachments"] = None if (py_sizes == td_sizes and names_ok) else "python %r | ticketd %r" % (
        py["attachments"], td["attachments"])
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ticketd", default=os.environ.get("TICKETD_BIN", "ticketd"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    paths = args.paths or [DEFAULT_CORPUS]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(glob.glob(os.path.join(p, "msg_*.txt")) + glob.glob(os.path.join(p, "*.eml")))
        else:
            files.append(p)
    if not files:
        print("no mails found in %s (apt-get install libpython3.11-testsuite)" % paths, file=sys.stderr)
        return 2
    fields = ["subject", "addresses", "message_id", "text", "attachments"]
    agree = {f: 0 for f in fields}
    whole = 0
    for path in files:
        raw = open(path, "rb").read()
        try:
            py = python_view(raw)
        except Exception as e:  # Python could not read it at all: not a comparison
            print("%s: python failed (%s); skipped" % (os.path.basename(path), e))
            continue
        try:
            td = ticketd_view(args.ticketd, path)
        except Exception as e:
            print("%s: TICKETD FAILED: %s" % (os.path.basename(path), e))
            continue
        result = compare(py, td)
        bad = [f for f in fields if result[f]]
        for f in fields:
            agree[f] += result[f] is None
        whole += not bad
        if bad:
            print("%s: disagree on %s" % (os.path.basename(path), ", ".join(bad)))
            for f in bad:
                print("    %s: %s" % (f, result[f]))
        elif args.verbose:
            print("%s: agree" % os.path.basename(path))
    n = len(files)
    print()
    for f in fields:
        print("%-12s %d/%d agree (%.1f%%)" % (f, agree[f], n, 100.0 * agree[f] / n))
    print("%-12s %d/%d mails agree on every field (%.1f%%)" % ("overall", whole, n, 100.0 * whole / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
