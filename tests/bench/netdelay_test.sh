#!/usr/bin/env bash
# The latency proxy of tests/bench/remote.sh (netdelay.c) on its own: an echo
# server behind it with 50 ms one way; a client's round trips must take at
# least 100 ms each, get back exactly the bytes sent (binary, 1 MB), and the
# proxy's --count must say how many requests it saw. Run by CTest
# (netdelay_test) with NETDELAY set; needs python3.
set -u
case_name=netdelay
NETDELAY=${NETDELAY:?NETDELAY: the netdelay binary}
work=$(mktemp -d "${TMPDIR:-/tmp}/netdelay-test.XXXXXX") || exit 1
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL [$case_name]: $*" >&2
    exit 1
}

# An echo server on a free port; it prints the port.
python3 -u - >"$work/echo.port" <<'PY' &
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1])
def echo(c):
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
PY
pids+=($!)
for _ in $(seq 1 50); do [ -s "$work/echo.port" ] && break; sleep 0.1; done
echo_port=$(cat "$work/echo.port")
[ -n "$echo_port" ] || fail "the echo server did not start"

"$NETDELAY" --target "127.0.0.1:$echo_port" --delay-ms 50 --count >"$work/proxy.out" 2>"$work/proxy.err" &
proxy=$!
pids+=($proxy)
for _ in $(seq 1 50); do grep -q '^listening' "$work/proxy.out" && break; sleep 0.1; done
listen=$(sed -n 's/^listening //p' "$work/proxy.out")
[ -n "$listen" ] || fail "netdelay printed no 'listening HOST:PORT': $(cat "$work/proxy.err")"

# Three small round trips on one connection, 1 MB of every byte value on
# another, and two connections at once.
python3 - "$listen" >"$work/client.out" <<'PY' || fail "client: $(cat "$work/client.out")"
import socket, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
def conn():
    c = socket.create_connection((host, int(port)))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c
def recv_exactly(c, n):
    got = b""
    while len(got) < n:
        b = c.recv(n - len(got))
        if not b:
            break
        got += b
    return got
c = conn()
times = []
for i in range(3):
    msg = b"ping %d\x00\xff" % i
    t = time.monotonic()
    c.sendall(msg)
    back = recv_exactly(c, len(msg))
    times.append(time.monotonic() - t)
    assert back == msg, "round trip %d: sent %r, got back %r" % (i, msg, back)
c.close()
c = conn()  # its own connection: its bursts interleave, their count varies
big = bytes(range(256)) * 4096
c.sendall(big)
back = recv_exactly(c, len(big))
assert back == big, "1 MB: got back %d bytes, not the same" % len(back)
c.close()
results = []
def one(k):
    d = conn(); msg = b"conn %d" % k
    t = time.monotonic(); d.sendall(msg); back = recv_exactly(d, len(msg))
    results.append((back == msg, time.monotonic() - t)); d.close()
ths = [threading.Thread(target=one, args=(k,)) for k in range(2)]
[t.start() for t in ths]; [t.join() for t in ths]
assert all(ok for ok, _ in results), "concurrent connections: bytes changed"
print("rtt_ms", " ".join("%.1f" % (x * 1000) for x in times + [t for _, t in results]))
PY
read -r _ rtts <"$work/client.out"
for ms in $rtts; do
    python3 -c "import sys; sys.exit(0 if 100 <= $ms < 1000 else 1)" ||
        fail "a round trip through a 50 ms proxy took $ms ms, expected 100 ms or more (all: $rtts)"
done

sleep 0.3 # the proxy closes the links once both ends have
kill -TERM "$proxy"
wait "$proxy"
rc=$?
[ "$rc" -eq 0 ] || fail "netdelay exited with status $rc on SIGTERM, expected 0"
grep -qF "netdelay: connection 1: 3 requests, 3 replies, 24 bytes out, 24 bytes back" "$work/proxy.err" ||
    fail "the first connection's count is not 3 requests, 3 replies: $(cat "$work/proxy.err")"
grep -qF "netdelay: total: 4 connections," "$work/proxy.err" ||
    fail "the total is not 4 connections: $(cat "$work/proxy.err")"
echo "netdelay: round trips $rtts ms through 50 ms one way; bytes unchanged; $(tail -n 1 "$work/proxy.err")"
