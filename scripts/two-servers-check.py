#!/usr/bin/env python3
"""Two `liangxin serve` on one PostgreSQL behind HAProxy (see scripts/two-servers.sh): a
session made through the balancer works on both servers; what one writes, the writer reads
at once on either (read-your-writes with the replica); a server killed with SIGKILL costs
no request and nothing committed.

usage: two-servers-check.py BALANCER_URL SERVER_A_URL PID_OF_SERVER_A
"""

import http.cookiejar
import json
import os
import re
import signal
import sys
import time
import urllib.parse
import urllib.request

BASE, A_URL, PID_A = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), int(sys.argv[3])
PASSWORD = "lx-demo-2017"
NAME = f"多服务器检查科技有限公司{os.getpid()}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def request(path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(BASE + path, data=data)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, r.headers.get("X-Served-By"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("X-Served-By"), e.read().decode()


def csrf(page):
    m = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert m, "no _csrf field on the page"
    return m.group(1)


def found(served):
    status, by, body = request("/api/v1/organizations?q=" + urllib.parse.quote(NAME))
    assert status == 200, (status, body[:300])
    served.add(by)
    return json.loads(body)["total"]


# Signed in through the balancer: the session lives in the database.
status, _, page = request("/login")
assert status == 200, status
status, _, body = request(
    "/login",
    {"_csrf": csrf(page), "next": "/", "username": "longyou", "password": PASSWORD},
)
assert status == 303, (status, body[:300])

served = set()
for _ in range(8):
    status, by, body = request("/organizations")
    assert status == 200, (status, by, body[:300])
    served.add(by)
assert served == {"a", "b"}, f"the session must work on both servers, answered by {served}"
print("one session, pages from both servers:", sorted(served))

# A write through one server; the writer's next reads, on either server, show it.
status, _, page = request("/organizations/new")
assert status == 200, status
status, by, body = request(
    "/organizations/new",
    {"_csrf": csrf(page), "name": NAME, "county": "330825", "kind": "enterprise", "employees": "12"},
)
assert status == 303, (status, body[:300])
served = set()
counts = [found(served) for _ in range(8)]
assert counts == [1] * 8, counts
assert served == {"a", "b"}, served
print(f"written through server {by}, read back at once on both:", counts)

# Server a killed without warning while it streams a file to a client (killed once the
# first bytes have come): the balancer sends everything to b, and nothing committed is lost.
with opener.open(A_URL + "/organizations.csv", timeout=60) as r:
    first = r.read(4096)
    assert first, "the export began"
    os.kill(PID_A, signal.SIGKILL)
    try:
        rest = len(r.read())
        print(f"server a killed after the export's first {len(first)} bytes; {rest} more were already on their way")
    except Exception as e:  # the connection died with the server
        print(f"server a killed mid-export: the download broke off ({type(e).__name__})")
served = set()
counts = [found(served) for _ in range(6)]
assert counts == [1] * 6, counts
assert served == {"b"}, served
status, _, _ = request("/organizations")
assert status == 200, status
print("server a killed: every request answered by b, the write kept:", counts)
