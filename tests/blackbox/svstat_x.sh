# svstat beyond 0.76: -l (long), -j (JSON, checked with python3 -m
# json.tool), -p (Prometheus text; -o writes a file by rename), golden
# outputs with the numbers that vary normalised; and the default line of a
# directory without setting files stays 0.76's. Ours only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

# Ages and pids vary; paths are under $T.
norm() { sed -e "s#$T#T#g" -e 's/(pid [0-9]*)/(pid N)/g' -e 's/"pid": [0-9][0-9]*/"pid": N/g' \
  -e 's/ [0-9][0-9]* seconds/ S seconds/g' -e 's/"\(seconds\|ready_seconds\|exit_seconds\)": [0-9][0-9]*/"\1": S/g' \
  -e 's/^\(svc_seconds{.*}\) [0-9]*$/\1 S/'; }

# a: down file, never started; b: exits 3, listed in no-restart.
a=$T/a; mksvc "$a" 'exec sleep 1000'; touch "$a/down"
b=$T/b; mksvc "$b" 'exit 3'; echo 3 >"$b/no-restart"
start_sup spa "$BIN/supervise" "$a"
start_sup spb "$BIN/supervise" "$b"
wait_until 10 eval '"$BIN/svstat" "$b" | grep -q "not restarted"'
cd "$T"
sj() { "$P/svstat" -j a b nosuch | norm; }
sl() { "$P/svstat" -l a b | norm; }
sd() { "$P/svstat" a | norm; }
sp() { "$P/svstat" -p a b nosuch | norm; }

check_ours "-j: golden" 0 '[
  {"dir": "a", "supervised": true, "pid": null, "state": "down", "want": "down", "paused": false, "normally_up": false, "seconds": S, "ready": false, "ready_seconds": null, "exit_code": null, "exit_signal": null, "exit_seconds": null, "restarts": 0, "policy": "down", "quick_deaths": 0, "backoff_seconds": null, "check_failures": 0, "status_text": ""},
  {"dir": "b", "supervised": true, "pid": null, "state": "down", "want": "down", "paused": false, "normally_up": true, "seconds": S, "ready": false, "ready_seconds": null, "exit_code": 3, "exit_signal": null, "exit_seconds": S, "restarts": 0, "policy": "not_restarted", "quick_deaths": 1, "backoff_seconds": null, "check_failures": 0, "status_text": ""},
  {"dir": "nosuch", "supervised": false, "error": "unable to chdir: file does not exist"}
]
' "" sj
ok_if "-j: valid JSON" eval '"$BIN/svstat" -j a b nosuch | python3 -m json.tool >/dev/null'
ok_if "-j with no dir: an empty array" eval '[ "$("$BIN/svstat" -j)" = "[]" ]'
check_ours "-l: golden" 0 'a: down S seconds
  state: down, S seconds
  want: down
  paused: no
  normally: down
  ready: no
  last exit: none
  restarts: 0
  policy: down, quick deaths 0
  failed checks: 0
  status text: ""

b: down S seconds, normally up, not restarted
  state: down, S seconds
  want: down
  paused: no
  normally: up
  ready: no
  last exit: code 3, S seconds ago
  restarts: 0
  policy: not_restarted, quick deaths 1
  failed checks: 0
  status text: ""
' "" sl
check_ours "default line: 0.76's for a directory without setting files" 0 'a: down S seconds
' "" sd
prom='# HELP svc_supervised 1 if a supervise runs for the service
# TYPE svc_supervised gauge
svc_supervised{dir="a"} 1
svc_supervised{dir="b"} 1
svc_supervised{dir="nosuch"} 0
# HELP svc_up 1 if ./run runs
# TYPE svc_up gauge
svc_up{dir="a"} 0
svc_up{dir="b"} 0
# HELP svc_ready 1 if ./run is up and ready
# TYPE svc_ready gauge
svc_ready{dir="a"} 0
svc_ready{dir="b"} 0
# HELP svc_seconds seconds since ./run last started or exited
# TYPE svc_seconds gauge
svc_seconds{dir="a"} S
svc_seconds{dir="b"} S
# HELP svc_want_up 1 if supervise wants ./run up
# TYPE svc_want_up gauge
svc_want_up{dir="a"} 0
svc_want_up{dir="b"} 0
# HELP svc_restarts_total starts of ./run since supervise started, less one
# TYPE svc_restarts_total counter
svc_restarts_total{dir="a"} 0
svc_restarts_total{dir="b"} 0
# HELP svc_last_exit_code last exit code of ./run, 256 if killed by a signal
# TYPE svc_last_exit_code gauge
svc_last_exit_code{dir="b"} 3
# HELP svc_last_exit_signal signal that last killed ./run, 0 after an exit
# TYPE svc_last_exit_signal gauge
svc_last_exit_signal{dir="b"} 0
# HELP svc_check_failures consecutive failed checks
# TYPE svc_check_failures gauge
svc_check_failures{dir="a"} 0
svc_check_failures{dir="b"} 0'
check_ours "-p: golden" 0 "$prom
" "" sp
mkdir -p "$T/prom"
check_ours "-p -o FILE: nothing on stdout" 0 "" "" svstat -p -o "$T/prom/svc.prom" a b nosuch
ok_if "-p -o FILE: the same text in FILE, no temp file left" eval '[ "$(norm <"$T/prom/svc.prom")" = "$prom" ] && [ "$(ls "$T/prom")" = svc.prom ]'
check_ours "-p -o without a file: usage" 100 "" "svstat: usage: svstat [ -l | -j | -p [ -o file ] ] dir ...
" svstat -p -o
cd - >/dev/null
end_sup "$spa" "$a"; end_sup "$spb" "$b"
finish
