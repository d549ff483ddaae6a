# svweb: every endpoint and error code over real sockets (curl, and
# tests/helpers/svweb_probe.py for raw requests), against real supervise
# processes under svscan in a temp scan directory: /api/services and
# /metrics agree with svstat -j and -p, the log view shows what a service
# just wrote with local stamps, control with and without the token, names
# that must be refused, hostile clients (malformed and oversized requests,
# slowloris, more connections than the cap), keep-alive, a Unix socket,
# flat memory, SIGTERM. Ours only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

PROBE=$(cd "$(dirname "$0")/../helpers" && pwd)/svweb_probe.py
PYN=$(cd "$(dirname "$0")/../helpers" && pwd)/sdnotify.py
if ! command -v curl >/dev/null; then
  skip "svweb" "curl is not installed"
  finish
  exit
fi
USAGE='svweb: usage: svweb [-l address:port] [-u socket] [-c tokenfile] scandir
'

# Usage and start-up errors.
check_ours "no scandir: usage, 100" 100 "" "$USAGE" svweb
check_ours "two scandirs: usage, 100" 100 "" "$USAGE" svweb a b
check_ours "unknown option: usage, 100" 100 "" "svweb: illegal option -- x
$USAGE" svweb -x d
check_ours "bad address: usage, 100" 100 "" "$USAGE" svweb -l 127.0.0.1 "$T"
check_ours "missing scandir: 111" 111 "" "svweb: fatal: unable to open $T/nosuch: file does not exist
" svweb "$T/nosuch"
: >"$T/empty-token"
check_ours "empty token file: 111" 111 "" "svweb: fatal: token file $T/empty-token is empty
" svweb -c "$T/empty-token" "$T"
check_ours "unreadable token file: 111" 111 "" "svweb: fatal: unable to open $T/no-token: file does not exist
" svweb -c "$T/no-token" "$T"
: >"$T/plainfile"
check_ours "-u never removes a file that is not a socket" 111 "" "svweb: fatal: unable to bind to $T/plainfile: address already used
" svweb -u "$T/plainfile" "$T"
ok_if "... and the file is still there" test -f "$T/plainfile"

# The scan directory: a (writes a line with HTML in it, has a log), b,
# c -> a symlink to a service elsewhere, d (STATUS text with HTML, by
# sd_notify), .hidden and a plain file (not listed).
S=$T/sv
mkdir -p "$S" "$T/elsewhere"
mksvc "$S/a" 'echo "line-$$ <script>alert(1)</script> & \"q\""; exec sleep 1000'
mksvc "$S/a/log" "exec \"$BIN/multilog\" t ./main"
mksvc "$S/b" 'exec sleep 1000'
mksvc "$T/elsewhere/c" 'exec sleep 1000'
ln -s "$T/elsewhere/c" "$S/c"
mksvc "$S/d" "exec python3 \"$PYN\" 'READY=1' 'STATUS=<img src=x onerror=alert(1)> \"q\"'"
: >"$S/d/notify"
mksvc "$S/.hidden" 'exec sleep 1000'
: >"$S/plainfile"
spawn SCAN env PATH="$BIN:$PATH" "$BIN/svscan" "$S"
spawn HIDDEN "$BIN/supervise" "$S/.hidden"
for s in a a/log b c d .hidden; do wait_until 10 sv_up "$S/$s"; done
wait_until 10 eval '"$BIN/svstat" "$S/d" | grep -q ", ready"'
wait_until 10 eval 'grep -q "line-" "$S/a/log/main/current"'

printf 'secret-token\n' >"$T/token"
chmod 600 "$T/token"
# start_web VAR ERRFILE ARGS...: spawns svweb on 127.0.0.1:0 and sets VAR
# to its address once it listens.
start_web() {
  local var=$1 err=$2 out=$T/.web.$RANDOM
  shift 2
  spawn "${var}_PID" "$BIN/svweb" -l 127.0.0.1:0 "$@" >"$out" 2>"$err"
  wait_until 10 test -s "$out"
  printf -v "$var" '%s' "$(head -1 "$out")"
}
start_web W "$T/web.err" -c "$T/token" "$S"
ok_if "port 0: address:port on stdout" eval '[[ "$W" =~ ^127\.0\.0\.1:[0-9]+$ ]]'
U=http://$W

# code [CURL ARGS...]: the status code of a request.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
is() { local want=$1; shift; local got; got=$(code "$@"); [ "$got" = "$want" ] || { echo "got $got" >&2; return 1; }; }

# The page.
curl -s -D "$T/page.h" -o "$T/page.html" "$U/"
ok_if "GET /: 200" grep -q '^HTTP/1.1 200' "$T/page.h"
ok_if "GET /: html" grep -qi '^content-type: text/html' "$T/page.h"
ok_if "GET /: a CSP without unsafe-inline" eval 'grep -i "^content-security-policy: default-src .none.; script-src .sha256-" "$T/page.h" | grep -qv unsafe'
ok_if "GET /: nosniff" grep -qi '^x-content-type-options: nosniff' "$T/page.h"
ok_if "GET /: no CORS header" eval '! grep -qi "^access-control" "$T/page.h"'
ok_if "GET /: data-control=1 with -c, the token field" eval 'grep -q "<body data-control=\"1\">" "$T/page.html" && grep -q "<input id=\"token\" type=\"password\"" "$T/page.html"'
ok_if "GET /: rows by data-service from /api/services, text by textContent" eval 'grep -q "dataset.service" "$T/page.html" && grep -q "/api/services" "$T/page.html" && grep -q textContent "$T/page.html"'
ok_if "GET /: no innerHTML, no external URL" eval '! grep -Eq "innerHTML|outerHTML|insertAdjacentHTML|document.write|https?:" "$T/page.html"'
ok_if "HEAD /: no body" eval '[ -z "$(curl -s -I "$U/" | sed -n "/^\r$/,\$p" | tail -n +2)" ]'

# /api/services and /metrics against svstat for the same directories.
curl -s -D "$T/list.h" -o "$T/list.json" "$U/api/services"
"$BIN/svstat" -j "$S/a" "$S/a/log" "$S/b" "$S/c" "$S/d" >"$T/svstat.json"
ok_if "/api/services: application/json, no-store" eval 'grep -qi "^content-type: application/json" "$T/list.h" && grep -qi "^cache-control: no-store" "$T/list.h"'
ok_if "/api/services = svstat -j (seconds aside)" python3 "$PROBE" jsoneq "$T/list.json" "$T/svstat.json"
ok_if "/api/services: HTML in STATUS text comes through JSON-escaped" eval 'grep -q "\"status_text\": \"<img src=x onerror=alert(1)> \\\\\"q\\\\\"\"" "$T/list.json"'
for n in a a/log c d; do
  curl -s "$U/api/services/$n" >"$T/one.json"
  ok_if "/api/services/$n = its svstat -j object" python3 "$PROBE" one "$T/one.json" "$T/svstat.json" "$n"
done
norm_prom() { sed -e 's/^\(svc_seconds{.*}\) [0-9]*$/\1 S/'; }
curl -s -D "$T/m.h" "$U/metrics" | norm_prom >"$T/metrics"
"$BIN/svstat" -p "$S/a" "$S/a/log" "$S/b" "$S/c" "$S/d" | norm_prom >"$T/svstat.prom"
ok_if "/metrics = svstat -p (seconds aside)" cmp "$T/metrics" "$T/svstat.prom"
ok_if "/metrics: text/plain; version=0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$T/m.h"

# Names and paths that must be refused.
ok_if "unknown service: 404" is 404 "$U/api/services/nosuch"
ok_if "a leading dot: 404" is 404 "$U/api/services/.hidden"
ok_if "..: 404" is 404 --path-as-is "$U/api/services/.."
ok_if "encoded ..: 404" is 404 "$U/api/services/%2e%2e"
ok_if "encoded slash: 400" is 400 "$U/api/services/a%2flog"
ok_if "encoded NUL: 400" is 400 "$U/api/services/a%00"
ok_if "invalid UTF-8: 400" is 400 "$U/api/services/%ff"
ok_if "a plain file: 404" is 404 "$U/api/services/plainfile"
ok_if "a log that does not exist: 404" is 404 "$U/api/services/b/log"
ok_if "unknown path: 404" is 404 "$U/nosuch"
ok_if "the log of a service without one: 404" is 404 "$U/log/b"
ok_if "GET on a control path: 405" is 405 "$U/api/services/b/restart"
ok_if "POST on a read path: 405" is 405 -X POST "$U/api/services"
ok_if "an unknown method: 501" is 501 -X DELETE "$U/api/services"

# The log view.
curl -s -D "$T/log.h" -o "$T/log.html" "$U/log/a"
ok_if "/log/a: 200 html with <pre id=log>" eval 'grep -q "^HTTP/1.1 200" "$T/log.h" && grep -q "<pre id=\"log\">" "$T/log.html"'
curl -s "$U/api/log/a" >"$T/log.json"
want=$("$BIN/tai64nlocal" <"$S/a/log/main/current" | grep line- | tail -1)
ok_if "/api/log/a: the line the service wrote, stamped in local time as tai64nlocal shows it" \
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if sys.argv[2] in j["lines"] else "%r not in %r" % (sys.argv[2], j["lines"]))' "$T/log.json" "$want"
ok_if "/api/log/a: the stamp in the YYYY-MM-DD HH:MM:SS.nnnnnnnnn form" eval 'grep -Eq "\"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9} line-" "$T/log.json"'
from=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("from=%d&ino=%d" % (j["offset"], j["ino"]))' "$T/log.json")
"$BIN/svc" -r "$S/a"
wait_until 10 eval '[ "$(grep -c line- "$S/a/log/main/current")" -ge 2 ]'
curl -s "$U/api/log/a?$from" >"$T/log2.json"
ok_if "/api/log/a?from=: only the new line" \
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); l=[x for x in j["lines"] if "line-" in x]; sys.exit(0 if len(l)==1 and not j["reset"] else repr(j))' "$T/log2.json"
ok_if "/api/log: a bad from: 400" is 400 "$U/api/log/a?from=x&ino=1"

# A head that never ends is answered 408 after 10 s (measured in the
# background meanwhile, until the connection cap is tested).
python3 "$PROBE" slowhead "$W" >"$T/slowhead" 2>&1 &
slowhead=$!

# Control.
ERR=$T/web.err
pid_b=$(sv_pid "$S/b")
ok_if "POST without a token: 403" is 403 -X POST "$U/api/services/b/restart"
ok_if "... warned" wait_until 5 grep -q "^svweb: warning: refused POST /api/services/b/restart: no token from 127.0.0.1:[0-9]*\$" "$ERR"
ok_if "POST with a wrong token: 403" is 403 -X POST -H 'X-Svweb-Token: wrong' "$U/api/services/b/restart"
ok_if "... warned" wait_until 5 grep -q "^svweb: warning: refused POST /api/services/b/restart: bad token from 127.0.0.1:[0-9]*\$" "$ERR"
ok_if "... and b was not restarted" eval '[ "$(sv_pid "$S/b")" = "$pid_b" ]'
ok_if "POST from another origin: 403" is 403 -X POST -H 'X-Svweb-Token: secret-token' -H 'Origin: http://evil.example' "$U/api/services/b/restart"
ok_if "POST from the same host over https (a TLS proxy): 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' -H "Origin: https://$W" "$U/api/services/b/continue"
ok_if "POST from another scheme: 403" is 403 -X POST -H 'X-Svweb-Token: secret-token' -H "Origin: ftp://$W" "$U/api/services/b/continue"
ok_if "POST cross-site: 403" is 403 -X POST -H 'X-Svweb-Token: secret-token' -H 'Sec-Fetch-Site: cross-site' "$U/api/services/b/restart"
ok_if "POST with an unknown action: 404" is 404 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/b/explode"
ok_if "POST to a service not listed: 404" is 404 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/.hidden/down"
ok_if "POST to ..: 404" is 404 --path-as-is -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/../down"
ok_if "... .hidden (supervised, not listed) still up" sv_up "$S/.hidden"
ok_if "restart with the token (same origin): 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' -H "Origin: $U" -H 'Sec-Fetch-Site: same-origin' "$U/api/services/b/restart"
ok_if "... the pid changes" wait_until 10 sv_pid_is_not "$S/b" "$pid_b"
ok_if "down: 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/b/down"
ok_if "... down, and so says /api/services/b" wait_until 10 eval 'curl -s "$U/api/services/b" | grep -q "\"state\": \"down\""'
ok_if "up: 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/b/up"
ok_if "... up again" wait_until 10 sv_up "$S/b"
pid_c=$(sv_pid "$S/c")
ok_if "a symlinked service: restart 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/c/restart"
ok_if "... its pid changes" wait_until 10 sv_pid_is_not "$S/c" "$pid_c"
pid_log=$(sv_pid "$S/a/log")
ok_if "a log service: term 204" is 204 -X POST -H 'X-Svweb-Token: secret-token' "$U/api/services/a/log/term"
ok_if "... it restarts" wait_until 10 sv_pid_is_not "$S/a/log" "$pid_log"

# Without -c: read-only. On a Unix socket (a stale one is replaced).
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/web.sock"
spawn RO "$BIN/svweb" -u "$T/web.sock" "$S" 2>"$T/ro.err"
ok_if "-u: listens on the socket (a stale one replaced)" wait_until 10 eval 'curl -s --unix-socket "$T/web.sock" http://x/api/services/b | grep -q "\"dir\""'
ok_if "-u: the page has data-control=0 and no token field" eval 'curl -s --unix-socket "$T/web.sock" http://x/ >"$T/ro.html"; grep -q "<body data-control=\"0\">" "$T/ro.html" && ! grep -q "id=\"token\"" "$T/ro.html"'
ok_if "without -c: POST 403 even with a token" is 403 --unix-socket "$T/web.sock" -X POST -H 'X-Svweb-Token: secret-token' http://x/api/services/b/down
ok_if "... warned" wait_until 5 grep -q "^svweb: warning: refused POST /api/services/b/down: read-only (no -c) from unix socket\$" "$T/ro.err"
ok_if "... b still up" sv_up "$S/b"
kill -TERM "$RO"
wait_for 10 "$RO"
ok_if "SIGTERM: exit 0" test $? = 0
ok_if "... and the socket is removed" test ! -e "$T/web.sock"

# Supervise not running: 503 for control, the error in the JSON.
S2=$T/sv2
mksvc "$S2/x" 'exec sleep 1000'
# As a supervise that has exited leaves it: FIFOs without a reader.
mkdir "$S2/x/supervise" && mkfifo "$S2/x/supervise/ok" "$S2/x/supervise/control"
start_web W2 "$T/web2.err" -c "$T/token" "$S2"
ok_if "control without a supervise: 503" is 503 -X POST -H 'X-Svweb-Token: secret-token' "http://$W2/api/services/x/up"
ok_if "its row says supervise not running" eval 'curl -s "http://$W2/api/services" | grep -q "\"supervised\": false, \"error\": \"supervise not running\""'
stop "$W2_PID"

# Hostile clients.
ok_if "a malformed request line: 400" eval '[ "$(python3 "$PROBE" raw "$W" "GARBAGE\r\n\r\n")" = 400 ]'
ok_if "a binary request: 400" eval '[ "$(python3 "$PROBE" raw "$W" "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\n\n")" = 400 ]'
ok_if "HTTP/2.0: 505" eval '[ "$(python3 "$PROBE" raw "$W" "GET / HTTP/2.0\r\nHost: x\r\n\r\n")" = 505 ]'
ok_if "oversized headers: 431" eval '[ "$(python3 "$PROBE" raw "$W" "GET / HTTP/1.1\r\nHost: x\r\nX: $(head -c 9000 /dev/zero | tr "\0" a)\r\n\r\n")" = 431 ]'
ok_if "a request line too long: 414" eval '[ "$(python3 "$PROBE" raw "$W" "GET /$(head -c 5000 /dev/zero | tr "\0" a) HTTP/1.1\r\nHost: x\r\n\r\n")" = 414 ]'
ok_if "Transfer-Encoding: 501" eval '[ "$(python3 "$PROBE" raw "$W" "POST /api/services/b/up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")" = 501 ]'
ok_if "... still serving others" is 200 "$U/api/services"
ok_if "keep-alive: two requests on one connection" eval '[ "$(python3 "$PROBE" keepalive "$W")" = "200 200" ]'
ok_if "pipelined: two answers in order" eval '[ "$(python3 "$PROBE" pipeline "$W")" = "200 404" ]'
wait_for 40 "$slowhead"
read -r code secs <"$T/slowhead"
# svweb(8): a request head must arrive within 10 s of its first byte. The
# probe counts whole seconds from its connect: 9 is early, 20 a hang.
# Measured: 10 s in all of 7 runs (plain and sanitizers, load 7-79).
timing "head not finished, to 408" "$secs" s
ok_if "a head not finished in 10 s: 408 ($code after $secs s)" eval '[ "$code" = 408 ] && [ "$secs" -ge 9 ] && [ "$secs" -le 20 ]'
ok_if "more idle connections than the cap (100): a new one is served" eval '[ "$(python3 "$PROBE" idle "$W" 100)" = 200 ]'
python3 "$PROBE" slowloris "$W" 100 6 >"$T/slow" 2>&1
read -r slow <"$T/slow"
# svweb(8): a slowloris cannot hold it: each answer to a normal client,
# every 0.2 s for 6 s, within 2 s (the 100 connections trickle a byte a
# second each). Measured: plain, load 7-20: N 5, p50 15, max 301 ms;
# sanitizers, load 8-79: N 2, 35 and 131 ms.
[[ "$slow" =~ worst_ms=([0-9]+) ]] && timing "slowloris, a normal client's slowest answer" "${BASH_REMATCH[1]}" ms
ok_if "100 slowloris connections: a normal client gets every answer within 2 s ($slow)" \
  eval '[[ "$slow" =~ ^answers=([0-9]+)\ ok=([0-9]+)\ worst_ms=([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 5 ] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[3]}" -lt 2000 ]'
ok_if "... still serving after" is 200 "$U/api/services"

# Memory stays flat: no growth over 1,500 requests after a warm-up.
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$W_PID/status"; }
many() { local i; for i in $(seq "$1"); do echo "url = \"$U/api/services\""; echo "url = \"$U/metrics\""; echo "url = \"$U/api/services/a\""; echo "url = \"$U/api/log/a\""; echo "url = \"$U/nosuch\""; done >"$T/urls"; curl -s -K "$T/urls" -o /dev/null; }
many 60
r1=$(rss)
many 300
r2=$(rss)
ok_if "memory flat over 1,500 requests ($r1 kB, then $r2 kB)" test "$((r2 - r1))" -le 256

# SIGTERM ends it with 0.
kill -TERM "$W_PID"
wait_for 10 "$W_PID"
ok_if "SIGTERM: exit 0" test $? = 0
ok_if "no warnings beyond the refusals" eval '! grep -v "^svweb: warning: refused POST" "$T/web.err" | grep -q .'
finish
