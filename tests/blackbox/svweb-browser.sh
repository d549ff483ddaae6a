# svweb in a real browser: headless chromium, driven over its DevTools pipe
# by tests/helpers/cdp.py, shows a scan directory of three services (a with
# a multilog log service, b, c) under our svscan. The page's states and pids
# are svstat -j's; a killed ./run shows up on the page without a reload;
# Restart with the token (typed into #token, the button clicked with the
# mouse) restarts the service, a wrong token does not; the log view shows
# the lines a service just wrote, stamps as local time (tai64nlocal's text),
# and HTML in a log line as text. SCREENSHOT=path saves a picture of the
# page (doc/svweb.png in the README).
# Then a second svweb on a scan directory of 2,000 directories no supervise
# runs, with b, c and a (and a's log) linked in under other names: the page
# builds only the rows in view (wide and narrow), its scroll bar stands for
# the whole list (its middle shows the middle rows, its end the last), the
# filter (labelled, case-insensitive, NAME/log rows too) keeps the matching
# rows and says "N of M services", and a Restart button on a filtered row
# restarts that service and no other.
# Skipped, with a visible line, without /usr/bin/chromium or $BIN/svweb.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/svscan_common.sh"
CDP=$(cd "$(dirname "$0")/../helpers" && pwd)/cdp.py
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$BIN/svweb" ] || { skip all "svweb is not built ($BIN/svweb)"; finish; exit; }
[ -x "$CHROMIUM" ] || { skip all "no $CHROMIUM (Debian's chromium; .ci/run installs it)"; finish; exit; }
need_supervise
ok_if() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "${DETAIL:-}"; fi; DETAIL=""; }
DETAIL=""

# Local time that is not UTC, for svweb and chromium alike: a stamp shown
# in UTC would not match tai64nlocal's text.
[ -f /usr/share/zoneinfo/America/St_Johns ] && export TZ=America/St_Johns

S=$T/service
# ./run of a, b, c: a line a second, each with the pid of the shell (so a
# line written after a restart is known) and a count. a's lines go to its
# log; a also writes a line of HTML that must reach the page as text.
for n in a b c; do
  mkservice "$S/$n" "exec 2>&1
i=0
while :; do
  i=\$((i + 1))
  echo \"tick $n \$\$ \$i\"
  [ $n != a ] || echo \"<img src=x onerror=\\\"window.pwned=1\\\"> &amp; <b>bold</b> \$\$ \$i\"
  sleep 1
done"
done
mkservice "$S/a/log" "exec '$BIN/multilog' t ./main"
TOKEN=tok-$RANDOM$RANDOM$RANDOM
printf '%s' "$TOKEN" >"$T/token"
spawn SV env PATH="$RUNPATH" "$BIN/svscan" "$S" >"$T/svscan.out" 2>"$T/svscan.err"
wait_until 10 all_up "$S/a" "$S/a/log" "$S/b" "$S/c" || fail "the services start"

spawn SW "$BIN/svweb" -l 127.0.0.1:0 -c "$T/token" "$S" >"$T/svweb.out" 2>"$T/svweb.err"
listening() { grep -q '^127\.0\.0\.1:[0-9][0-9]*$' "$T/svweb.out"; }
if wait_until 10 listening; then
  pass "svweb -l 127.0.0.1:0 prints address:port"
else
  fail "svweb -l 127.0.0.1:0 prints address:port" "stdout: $(head -3 "$T/svweb.out")" "stderr: $(head -3 "$T/svweb.err")"
  finish; exit
fi
URL=http://$(head -1 "$T/svweb.out")

# The driver, spoken to through two FIFOs (opened read-write: no open blocks).
mkfifo "$T/cmd" "$T/res"
driver() { TMPDIR=$T exec python3 "$CDP" serve 1000x700 <"$T/cmd" >"$T/res" 2>"$T/cdp.err"; }
spawn DRV driver
exec 7<>"$T/cmd" 8<>"$T/res"
# cdp COMMAND...: one command to the driver; its answer (after "ok ") in R.
# True when it says ok. Bounded: 60 s for an answer.
cdp() {
  printf '%s\n' "$*" >&7
  R=""
  IFS= read -r -t 60 R <&8 || { R="no answer from the driver in 60 s"; return 1; }
  case $R in
    ok) R=""; return 0 ;;
    "ok "*) R=${R#ok }; return 0 ;;
  esac
  return 1
}
if ! IFS= read -r -t 60 R <&8 || [ "${R%% *}" != ok ]; then
  fail "chromium starts" "$R" "$(tail -5 "$T/cdp.err")"
  finish; exit
fi
set -- $R
CHROME=$2
spawned="$spawned $CHROME"  # its process group is ended at exit too
echo "NOTE - $TEST_NAME: chromium $("$CHROMIUM" --version 2>/dev/null | sed -n 's/^Chromium \([^ ]*\).*/\1/p') started in $3 s"

# svstat_rows NAME...: "NAME state pid" for each, as svstat -j says: the
# state the page shows is svstat's "policy" (up, down, finishing, backoff,
# ...), or its "state" when the policy is null (svweb(8)).
svstat_rows() {
  local n dirs=()
  for n in "$@"; do dirs+=("$S/$n"); done
  "$BIN/svstat" -j "${dirs[@]}" | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    pid = o.get("pid")
    state = o.get("policy") or o.get("state") or "unsupervised"
    print(o["dir"][len(sys.argv[1]) + 1:], state, "" if pid is None else pid)' "$S"
}
svpid() { svstat_rows "$1" | { read -r _ _ p; echo "$p"; }; }
# page_rows: "NAME state pid" for every service row of the page, sorted.
JS_ROWS="[...document.querySelectorAll('[data-service]')].filter(e => e.querySelector('[data-field=state]')).map(e => e.dataset.service + ' ' + e.querySelector('[data-field=state]').textContent.trim() + ' ' + (e.querySelector('[data-field=pid]') || {textContent: '?'}).textContent.trim()).sort().join('\\n')"
page_rows() { cdp str "$JS_ROWS" && printf '%b\n' "$R"; }
page_row() { page_rows | grep "^$1 "; }

rows_match() {
  want=$(svstat_rows a a/log b c | sort)
  got=$(page_rows)
  [ "$want" = "$got" ]
}
pid_shown() {  # pid_shown NAME PID: the page shows NAME up with PID
  [ "$(page_row "$1")" = "$1 up $2" ]
}
page_follows() {  # page_follows NAME CHECK: the page comes to show NAME's pid (from svstat)
  local pid
  pid=$(svpid "$1")
  if wait_until 10 pid_shown "$1" "$pid"; then
    pass "$2"
  else
    fail "$2" "svstat: $(svstat_rows "$1")" "page: $(page_row "$1")"
  fi
}
pid_changed() {  # pid_changed NAME OLD: svstat shows NAME up with another pid
  local p
  p=$(svpid "$1")
  [ -n "$p" ] && [ "$p" != "$2" ]
}

# --- the page -----------------------------------------------------------
if cdp open "$URL/"; then
  pass "the page loads"
  echo "NOTE - $TEST_NAME: page load (navigate to load event): $R s"
else
  fail "the page loads" "$R" "svweb's stderr: $(tail -5 "$T/svweb.err")"
  finish; exit  # nothing more to see
fi
cdp str "document.body.dataset.control"
DETAIL="data-control: $R" ok_if "<body data-control=\"1\"> with -c" [ "$R" = 1 ]
cdp eval "window.svwebTestMark = 42"
if wait_until 10 rows_match; then
  pass "every service's state and pid on the page are svstat -j's"
else
  fail "every service's state and pid on the page are svstat -j's" "svstat -j:" "$want" "page:" "$got"
fi
cdp str "[...document.querySelectorAll('a[href]')].map(a => new URL(a.href).pathname).join(' ')"
links=" $R "
has_links() { case $links in *" /log/a "*) ;; *) return 1 ;; esac; case $links in *" /log/b "*) ;; *) return 1 ;; esac; case $links in *" /log/c "*) ;; *) return 1 ;; esac; }
DETAIL="links:$links" ok_if "a link per service to /log/NAME" has_links
cdp eval "document.querySelectorAll('button[data-action=restart][data-service]').length"
DETAIL="restart buttons: $R" ok_if "a Restart button per service" [ "$R" -ge 3 ] 2>/dev/null

# A killed ./run: the page follows without a reload.
old=$(svpid b)
kill -KILL "$old"
wait_until 10 pid_changed b "$old" || fail "supervise restarts b's killed ./run" "$(svstat_rows b)"
page_follows b "b's new pid shows on the page after ./run was killed"
cdp eval "window.svwebTestMark"
DETAIL="window.svwebTestMark: $R" ok_if "... without a reload" [ "$R" = 42 ]

# Restart: with a wrong token nothing happens; with the token, c restarts.
old=$(svpid c)
cdp type "#token" "wrong-$TOKEN" || fail "type into #token" "$R"
cdp click "button[data-action=restart][data-service=c]" || fail "click c's Restart" "$R"
# restart_with_token ROW OLD ERR CHECK: types the token, clicks ROW's
# Restart (ROW: a row shown for service c) and checks that svstat shows a
# pid for c other than OLD; ERR: that svweb's stderr.
restart_with_token() {
  cdp type "#token" "$TOKEN" || fail "type into #token" "$R"
  cdp click "button[data-action=restart][data-service=$1]" || fail "click $1's Restart" "$R"
  if wait_until 10 pid_changed c "$2"; then
    pass "$4"
  else
    fail "$4" "svstat: $(svstat_rows c)" "stderr: $(tail -3 "$3")"
  fi
}
refused() { grep -q '^svweb: warning: ' "$T/svweb.err"; }
wait_until 5 refused
DETAIL="stderr: $(cat "$T/svweb.err")" ok_if "a wrong token: a warning on svweb's stderr" refused
sleep 1
DETAIL="svstat: $(svstat_rows c)" ok_if "a wrong token: c is not restarted" [ "$(svpid c)" = "$old" ]
restart_with_token c "$old" "$T/svweb.err" "Restart with the token: svstat shows c's new pid"
page_follows c "... and so does the page"
cdp str "[Object.values(sessionStorage).includes('$TOKEN'), document.cookie.includes('$TOKEN'), location.href.includes('$TOKEN')].join(' ')"
DETAIL="in sessionStorage, a cookie, the URL: $R" ok_if "the token is kept in sessionStorage, in no cookie, not in the URL" [ "$R" = "true false false" ]
cdp errors
DETAIL="$R" ok_if "the page threw no JavaScript error" [ "$R" = "[]" ]
# On a phone (390 CSS pixels wide): no sideways scrolling, every row and
# its Restart button visible.
cdp viewport 390x844 mobile && cdp open "$URL/" && wait_until 10 rows_match
cdp str "[document.documentElement.scrollWidth, innerWidth, [...document.querySelectorAll('tr[data-service]')].filter(r => { const b = r.getBoundingClientRect(); return b.width > 0 && b.right <= innerWidth; }).length, [...document.querySelectorAll('button[data-action=restart]')].filter(b => { const x = b.getBoundingClientRect(); return x.width > 0 && x.right <= innerWidth; }).length].join(' ')"
DETAIL="page width, window width, rows and Restart buttons within it: $R" ok_if "readable on a phone: no sideways scrolling, rows and buttons in view" [ "$R" = "390 390 4 4" ]
if [ -n "${SHOT_PHONE:-}" ]; then cdp screenshot "$SHOT_PHONE"; fi
cdp viewport 1000x700
if [ -n "${SCREENSHOT:-}" ]; then
  sleep 2  # a few seconds in state
  cdp open "$URL/" && wait_until 10 rows_match
  if cdp screenshot "$(cd "$(dirname "$SCREENSHOT")" && pwd)/$(basename "$SCREENSHOT")"; then
    echo "NOTE - $TEST_NAME: screenshot saved in $SCREENSHOT"
  else
    fail "screenshot" "$R"
  fi
fi

# --- the log view ---------------------------------------------------------
CUR=$S/a/log/main/current
apid=$(svpid a)
# last_n: the count of a's last tick line in its log (0 if none).
last_n() { sed -n "s/^@[0-9a-f]* tick a $apid \([0-9]*\)\$/\1/p" "$CUR" | tail -1 | grep . || echo 0; }
if cdp open "$URL/log/a"; then pass "the log page of a loads"; else fail "the log page of a loads" "$R"; fi
n=$(($(last_n) + 2))
# shown LINE: #log holds LINE, whole.
shown() { cdp str "document.getElementById('log') ? document.getElementById('log').textContent : 'no #log'" && printf '%s\n' "$R" | sed 's/\\n/\n/g' | grep -qxF -- "$1"; }
# line_of PATTERN: the last line of a's log ending in PATTERN (a regular
# expression), through tai64nlocal.
line_of() { grep -- "$1\$" "$CUR" | tail -1 | "$BIN/tai64nlocal"; }
written() { grep -q -- " tick a $apid $n\$" "$CUR" && grep -q -- " <b>bold</b> $apid $n\$" "$CUR"; }
if wait_until 10 written; then
  want=$(line_of " tick a $apid $n")
  if wait_until 10 shown "$want"; then
    pass "the log view follows a's new lines, stamps as local time"
  else
    fail "the log view follows a's new lines, stamps as local time" "want: $want" "#log ends: $(printf '%s\n' "$R" | sed 's/\\n/\n/g' | tail -3)"
  fi
  want=$(line_of " <b>bold</b> $apid $n")
  if wait_until 10 shown "$want"; then
    pass "HTML in a log line shows as its text"
  else
    fail "HTML in a log line shows as its text" "want: $want" "#log ends: $(printf '%s\n' "$R" | sed 's/\\n/\n/g' | tail -3)"
  fi
else
  fail "a writes to its log" "$(tail -3 "$CUR" 2>&1)"
fi
cdp str "document.querySelectorAll('#log img, #log b').length + ' ' + (window.pwned === undefined)"
DETAIL="elements, no handler ran: $R" ok_if "... and never as markup" [ "$R" = "0 true" ]
cdp errors
DETAIL="$R" ok_if "the log page threw no JavaScript error" [ "$R" = "[]" ]

# --- many services: only the rows in view are built --------------------------
# M: s0001..s2000, directories that no supervise runs (svweb lists them as
# unsupervised), and three symbolic links to services of S (svweb follows
# links, as svscan does): s1500-b and s1500-c, s1999-a with its log. 2,004
# rows, sorted: ... s1500 s1500-b s1500-c s1501 ... s1999 s1999-a
# s1999-a/log s2000.
M=$T/many
mkdir -p "$M"
(cd "$M" && seq -f 's%04g' 1 2000 | xargs mkdir)
ln -s "$S/b" "$M/s1500-b"
ln -s "$S/c" "$M/s1500-c"
ln -s "$S/a" "$M/s1999-a"
ROWS=2004
spawn SW2 "$BIN/svweb" -l 127.0.0.1:0 -c "$T/token" "$M" >"$T/svweb2.out" 2>"$T/svweb2.err"
listening2() { grep -q '^127\.0\.0\.1:[0-9][0-9]*$' "$T/svweb2.out"; }
wait_until 10 listening2 || fail "a second svweb starts" "$(head -3 "$T/svweb2.err")"
URL2=http://$(head -1 "$T/svweb2.out")
# names: the service rows in the DOM, in order, in R (space-separated).
names() { cdp str "[...document.querySelectorAll('tr[data-service]')].map(r => r.dataset.service).join(' ')"; }
# counted TEXT: #count says TEXT.
counted() { cdp str "document.getElementById('count').textContent" && [ "$R" = "$1" ]; }
# in_view NAME: after a frame, NAME's row is in the DOM and wholly in view.
FRAME="new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"
in_view() {
  cdp eval "(async () => { await $FRAME; const r = document.querySelector('tr[data-service=\"$1\"]'); if (!r) return false; const b = r.getBoundingClientRect(); return b.height > 0 && b.top >= 0 && b.bottom <= innerHeight + 1; })()" && [ "$R" = true ]
}
# scrolled_to_end NAME: scrolls to the end (again: heights measured on the
# way may lengthen the list), then NAME's row is in view.
scrolled_to_end() { cdp eval "scrollTo(0, document.documentElement.scrollHeight)" && in_view "$1"; }
# dom_rows: the number of service rows in the DOM, in R.
dom_rows() { cdp eval "document.querySelectorAll('tr[data-service]').length"; }
# filter TEXT: what a user types into the filter box (TEXT empty: cleared).
filter() {
  if [ -n "$1" ]; then cdp type "#filter" "$1"; else
    cdp eval "(f => { f.value = ''; f.dispatchEvent(new Event('input', { bubbles: true })); return true; })(document.getElementById('filter'))"
  fi
}
shows_names() { names && [ "$R" = "$1" ]; }
# few WORDS: the first 14 words, and how many in all (for a failure's detail).
few() { set -- $1; local n=$#; [ $n -le 14 ] && echo "$*" || echo "${*:1:14} ... ($n in all)"; }
below() { [ "$1" -gt 0 ] 2>/dev/null && [ "$1" -lt "$2" ]; }  # below N MAX: 0 < N < MAX

cdp viewport 1000x700
if cdp open "$URL2/" && wait_until 10 counted "$ROWS services"; then
  pass "$ROWS rows: the page counts them all (\"$ROWS services\")"
else
  fail "$ROWS rows: the page counts them all (\"$ROWS services\")" "#count: $R" "svweb's stderr: $(tail -3 "$T/svweb2.err")"
fi
names
first=${R%% *}
cdp str "document.querySelector('tr[data-service=s0001]') ? document.querySelector('tr[data-service=s0001] [data-field=state]').textContent : 'no row'"
DETAIL="first row: $first; its state: $R" ok_if "the first row is s0001, unsupervised" [ "$first $R" = "s0001 unsupervised" ]
# In a 700-pixel window a row is at least some 20 pixels high: 35 rows in
# view, and the few built above and below them.
dom_rows
DETAIL="rows in the DOM: $R" ok_if "only the rows in view are in the DOM (fewer than 100 of $ROWS)" below "$R" 100
# The scroll bar: its middle shows the middle of the list (row 1,002 of
# 2,004 is s1002), within 5 % of the list.
middle() {
  cdp str "(async () => { scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2); await $FRAME; await $FRAME; const e = document.elementFromPoint(innerWidth / 2, innerHeight / 2); const r = e && e.closest('tr[data-service]'); return r ? r.dataset.service : 'none'; })()"
  case $R in s09[0-9][0-9]|s10[0-9][0-9]|s1100) return 0 ;; esac
  return 1
}
if wait_until 10 middle; then
  pass "scrolled to the middle, the middle rows are shown (s0900..s1100)"
else
  fail "scrolled to the middle, the middle rows are shown (s0900..s1100)" "the row at the window's centre: $R"
fi
if wait_until 10 scrolled_to_end s2000; then
  pass "scrolled to the end, the last service (s2000) is in view"
else
  names
  fail "scrolled to the end, the last service (s2000) is in view" "rows in the DOM: $(few "$R")"
fi
dom_rows
DETAIL="rows in the DOM: $R" ok_if "... and still fewer than 100 rows in the DOM" below "$R" 100

# The filter: labelled, and used as a user would, with the list scrolled away.
cdp str "(f => f.labels.length + ' ' + (f.labels[0] ? f.labels[0].textContent.trim() : ''))(document.getElementById('filter'))"
DETAIL="labels of #filter: $R" ok_if "the filter box has a label" [ "$R" = "1 filter" ]
filter "S150" || fail "type into #filter" "$R"
want="s1500 s1500-b s1500-c s1501 s1502 s1503 s1504 s1505 s1506 s1507 s1508 s1509"
if wait_until 10 shows_names "$want"; then
  pass "the filter (S150) keeps the rows whose name holds it, case aside"
else
  fail "the filter (S150) keeps the rows whose name holds it, case aside" "want: $want" "page: $(few "$R")"
fi
if counted "12 of $ROWS services"; then pass "... and says \"12 of $ROWS services\""; else fail "... and says \"12 of $ROWS services\"" "#count: $R"; fi
filter "1999-A" || fail "type into #filter" "$R"
want="s1999-a s1999-a/log"
if wait_until 10 shows_names "$want"; then
  pass "the filter (1999-A) keeps NAME/log rows too"
else
  fail "the filter (1999-A) keeps NAME/log rows too" "want: $want" "page: $(few "$R")"
fi
cdp str "document.querySelector('tr[data-service=\"s1999-a/log\"] [data-field=state]').textContent"
set -- $(svstat_rows a/log)
DETAIL="page: $R; svstat -j: $*" ok_if "... with its state (a/log's, as svstat -j gives it)" [ "$R" = "$2" ]

# Control on a filtered row: s1500-c is c; its Restart restarts c, not b.
filter "s1500-" || fail "type into #filter" "$R"
want="s1500-b s1500-c"
wait_until 10 shows_names "$want" || fail "the filter (s1500-) keeps s1500-b and s1500-c" "page: $(few "$R")"
oldb=$(svpid b) oldc=$(svpid c)
restart_with_token s1500-c "$oldc" "$T/svweb2.err" "Restart on a filtered row (s1500-c): svstat shows c's new pid"
cdp str "document.getElementById('msg').textContent"
DETAIL="#msg: $R; svstat: $(svstat_rows b)" ok_if "... and b, the other row shown, keeps its pid" \
  [ "$R|$(svpid b)" = "restart sent to s1500-c|$oldb" ]
# shows_pid NAME PID: NAME's row shows PID.
shows_pid() { cdp str "document.querySelector('tr[data-service=\"$1\"] [data-field=pid]').textContent" && [ "$R" = "$2" ]; }
newc=$(svpid c)
if wait_until 10 shows_pid s1500-c "$newc"; then
  pass "... and the filtered row shows c's new pid (a refresh updates the rows shown)"
else
  fail "... and the filtered row shows c's new pid (a refresh updates the rows shown)" "svstat: $(svstat_rows c)" "page: $R"
fi

filter "" || fail "empty #filter" "$R"
if wait_until 10 counted "$ROWS services"; then pass "the filter emptied: \"$ROWS services\" again"; else fail "the filter emptied: \"$ROWS services\" again" "#count: $R"; fi
cdp eval "scrollTo(0, 0)"
ok_if "... from s0001 on" wait_until 10 in_view s0001

# Narrow (a phone, 390 pixels): the same list as cards, built in view only.
cdp viewport 390x844 mobile && cdp open "$URL2/" && wait_until 10 counted "$ROWS services"
dom_rows
DETAIL="cards in the DOM: $R" ok_if "a phone: only the cards in view are in the DOM (fewer than 50)" below "$R" 50
if wait_until 10 scrolled_to_end s2000; then
  pass "a phone: scrolled to the end, s2000's card is in view"
else
  names
  fail "a phone: scrolled to the end, s2000's card is in view" "cards in the DOM: $(few "$R")"
fi
cdp str "document.documentElement.scrollWidth + ' ' + innerWidth"
DETAIL="page width, window width: $R" ok_if "a phone: no sideways scrolling" [ "$R" = "390 390" ]
cdp viewport 1000x700
cdp errors
DETAIL="$R" ok_if "the page of $ROWS rows threw no JavaScript error" [ "$R" = "[]" ]
kill -TERM "$SW2"
wait_for 10 "$SW2"

# --- the end ----------------------------------------------------------------
cdp quit
wait_for 20 "$DRV"
DETAIL="exit $?: $(tail -3 "$T/cdp.err")" ok_if "the driver ends" true
chrome_gone() { ! kill -0 -- "-$CHROME" 2>/dev/null; }
wait_until 10 chrome_gone
ok_if "chromium's process group has ended" chrome_gone
kill -TERM "$SW"
wait_for 10 "$SW"
rc=$?
DETAIL="exit $rc; stderr: $(tail -3 "$T/svweb.err")" ok_if "SIGTERM ends svweb, exit 0" [ "$rc" = 0 ]
stop "$SV"
kill_under "$T"
if nothing_left "$T"; then pass "nothing left running"; else fail "nothing left running" "$(procs_under "$T")"; fi
finish
