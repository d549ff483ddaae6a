# svimport: usage; every supervisord key and every zdaemon key through -n
# (files and warnings, byte for byte); writing a tree (modes, no
# leftovers); -f updating a directory a supervise may be running (its
# supervise/, log data and other files kept, dropped settings removed);
# each kind of bad input (exit 100, FILE:LINE, nothing written); and the
# generated run scripts at work under our supervise (argv, cwd, umask,
# environment, user, logging through multilog, no-restart, start-retries
# (startretries+1 failed starts), zdaemon's start-test-program as readiness).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../helpers/supervise_common.sh"

cd "$T" || exit 111
NORM="s|$T|T|g"
USAGE="svimport: usage: svimport [-n] [-f] [-t supervisord|zdaemon] [-o servicedir] configfile
"
# The supervise under test runs our envdir, setuidgid and multilog by name.
SVPATH="$BIN:$PATH"

# dry_quiet ARGS...: svimport -n ARGS with its stdout dropped.
dry_quiet() { "$BIN/svimport" -n "$@" >/dev/null; }
empty_dir() { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }
listing() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort); }
mode_of() { stat -c %a "$1"; }

check_ours "usage: no file" 100 "" "$USAGE" svimport
check_ours "usage: two files" 100 "" "$USAGE" svimport a.conf b.conf
check_ours "usage: unknown type" 100 "" "$USAGE" svimport -t systemd a.conf
check_ours "usage: unknown option" 100 "" "svimport: illegal option -- x
$USAGE" svimport -x a.conf
check_ours "missing file: 111" 111 "" "svimport: fatal: unable to read nope.conf: file does not exist
" svimport nope.conf
printf 'just text\n' >plain.conf
check_ours "neither type: 100" 100 "" "svimport: fatal: plain.conf: neither a supervisord nor a zdaemon configuration (-t names the type)
" svimport plain.conf
check_ours "-t zdaemon on plain text: no <runner>" 100 "" "svimport: warning: plain.conf:1: just: not converted (unknown key)
svimport: fatal: plain.conf:1: no <runner> section
" svimport -t zdaemon plain.conf

# One plain program: no warnings, exit 0, supervisord's defaults.
cat >one.conf <<'EOF'
[program:web]
command=/usr/bin/web --port 8080
EOF
check_ours "-n: one program with supervisord's defaults" 0 "==> web/run <==
#!/bin/sh
exec '/usr/bin/web' '--port' '8080'

==> web/timeout-kill <==
10000

==> web/no-restart <==
0

==> web/start-retries <==
3

==> web/restart-delay-max <==
3000

==> web/restart-stable <==
1000

==> web/log/run <==
#!/bin/sh
exec multilog t s52428800 n11 ./main
" "" svimport -n one.conf
mkdir out0
check_ours "-n writes nothing" 0 "" "" dry_quiet -o out0 one.conf
ok_if "-n: the out directory stays empty" empty_dir out0

# Every [program:] key, [supervisord]'s defaults, and what is not converted.
cat >all.conf <<'EOF'
; every [program:] key, and what svimport warns about
[unix_http_server]
file=/tmp/supervisor.sock

[supervisord]
logfile=/tmp/supervisord.log
environment=GLOBAL="g 1",LANG=C

[program:api]
command=/usr/bin/api --listen "127.0.0.1:80" --name 'my api' %(program_name)s
directory=/srv/api
umask=027
user=root
environment=LANG=en_US.UTF-8,HOME="/srv/api"
autostart=false
autorestart=unexpected
exitcodes=0,3
startsecs=2
startretries=5
stopsignal=QUIT
stopwaitsecs=30
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/api
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=4
priority=5

[program:worker]
command=worker -n %(process_num)d
process_name=%(program_name)s-%(process_num)02d
numprocs=2
numprocs_start=1
autorestart=true
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE
stderr_capture_maxbytes=1MB

[program:once]
command=sh -c 'echo hi; exit 0'
autorestart=false
stdout_logfile=AUTO
stderr_logfile=/var/log/once.err

[group:batch]
programs=once

[eventlistener:crash]
command=crashmail
events=PROCESS_STATE_EXITED

[inet_http_server]
port=127.0.0.1:9001
EOF
ALL_OUT="==> api/run <==
#!/bin/sh
exec 2>&1
cd '/srv/api' || exit 111
service=\$OLDPWD
unset OLDPWD
umask 027
exec envdir \"\$service/env\" setuidgid 'root' '/usr/bin/api' '--listen' '127.0.0.1:80' '--name' 'my api' 'api'

==> api/down <==

==> api/down-signal <==
QUIT

==> api/timeout-kill <==
30000

==> api/setsid <==

==> api/no-restart <==
0 3

==> api/start-retries <==
5

==> api/restart-delay-max <==
5000

==> api/restart-stable <==
2000

==> api/env/GLOBAL <==
g 1

==> api/env/LANG <==
en_US.UTF-8

==> api/env/HOME <==
/srv/api

==> api/log/run <==
#!/bin/sh
exec multilog t s10485760 n5 '/var/log/api'

==> worker-01/run <==
#!/bin/sh
exec >/dev/null 2>/dev/null
exec envdir ./env 'worker' '-n' '1'

==> worker-01/timeout-kill <==
10000

==> worker-01/env/GLOBAL <==
g 1

==> worker-01/env/LANG <==
C

==> worker-02/run <==
#!/bin/sh
exec >/dev/null 2>/dev/null
exec envdir ./env 'worker' '-n' '2'

==> worker-02/timeout-kill <==
10000

==> worker-02/env/GLOBAL <==
g 1

==> worker-02/env/LANG <==
C

==> once/run <==
#!/bin/sh
exec envdir ./env 'sh' '-c' 'echo hi; exit 0'

==> once/timeout-kill <==
10000

==> once/no-restart <==
all

==> once/start-retries <==
3

==> once/restart-delay-max <==
3000

==> once/restart-stable <==
1000

==> once/env/GLOBAL <==
g 1

==> once/env/LANG <==
C

==> once/log/run <==
#!/bin/sh
exec multilog t s52428800 n11 ./main
"
ALL_ERR="svimport: warning: all.conf:28: priority: not converted (svscan starts every service at once)
svimport: warning: all.conf:39: stderr_capture_maxbytes: not converted (no capture mode: it serves event listeners)
svimport: warning: all.conf:45: stderr_logfile: not converted (multilog logs one stream: stderr goes to supervise's; redirect_stderr=true would log it with stdout)
svimport: warning: all.conf:47: [group:batch]: not converted (svscan has no groups: its programs become separate services)
svimport: warning: all.conf:50: [eventlistener:crash]: not converted (no event listeners: see the essential and finish files)
svimport: warning: all.conf:54: [inet_http_server]: not converted (no control over the network: see svweb(8))
"
check_ours "-n: every program key, warnings in line order, exit 1" 1 "$ALL_OUT" "$ALL_ERR" svimport -n all.conf

# Writing the tree: the same files, modes, no temporaries left.
mkdir out1
check_ours "write: exit 1 with the same warnings" 1 "" "$ALL_ERR" svimport -o out1 all.conf
ok_if "write: exactly the files -n listed" [ "$(listing out1)" = "./api
./api/down
./api/down-signal
./api/env
./api/env/GLOBAL
./api/env/HOME
./api/env/LANG
./api/log
./api/log/run
./api/no-restart
./api/restart-delay-max
./api/restart-stable
./api/run
./api/setsid
./api/start-retries
./api/timeout-kill
./once
./once/env
./once/env/GLOBAL
./once/env/LANG
./once/log
./once/log/run
./once/no-restart
./once/restart-delay-max
./once/restart-stable
./once/run
./once/start-retries
./once/timeout-kill
./worker-01
./worker-01/env
./worker-01/env/GLOBAL
./worker-01/env/LANG
./worker-01/run
./worker-01/timeout-kill
./worker-02
./worker-02/env
./worker-02/env/GLOBAL
./worker-02/env/LANG
./worker-02/run
./worker-02/timeout-kill" ]
ok_if "write: run and log/run are 0755, settings 0644, dirs 0755" eval \
  '[ "$(mode_of out1/api/run)$(mode_of out1/api/log/run)$(mode_of out1/api/start-retries)$(mode_of out1/api/env/LANG)$(mode_of out1/api)$(mode_of out1/api/env)" = 755755644644755755 ]'
ok_if "write: the files hold what -n showed" eval '[ "$(cat out1/api/start-retries out1/api/env/GLOBAL out1/once/log/run)" = "5
g 1
#!/bin/sh
exec multilog t s52428800 n11 ./main" ] && [ ! -s out1/api/down ] && [ "$(cat out1/once/no-restart)" = all ]'

# An existing service directory: refused without -f, for every service.
mkdir out2 out2/web
check_ours "existing without -f: 100, nothing written" 100 "" "svimport: fatal: one.conf:1: out2/web exists (-f updates it)
" svimport -o out2 one.conf
ok_if "existing without -f: the directory is untouched" empty_dir out2/web
cat >two.conf <<'EOF'
[program:aaa]
command=a
[program:web]
command=w
EOF
check_ours "existing without -f: the other service is not written either" 100 "" "svimport: fatal: two.conf:3: out2/web exists (-f updates it)
" svimport -o out2 two.conf
ok_if "existing without -f: no aaa, no temporaries" eval '[ "$(ls -A out2)" = web ]'
check_ours "-n with an existing one: 100 as well" 100 "" "svimport: fatal: one.conf:1: out2/web exists (-f updates it)
" svimport -n -o out2 one.conf
touch out2/file
cat >file.conf <<'EOF'
[program:file]
command=f
EOF
check_ours "a file in the way: 100 even with -f" 100 "" "svimport: fatal: file.conf:1: out2/file exists and is not a directory
" svimport -f -o out2 file.conf

# -f: in place, keeping what supervise and multilog own.
cat >up1.conf <<'EOF'
[program:svc]
command=old
autostart=false
stopsignal=HUP
environment=KEEP=1,DROP=2
EOF
cat >up2.conf <<'EOF'
[program:svc]
command=new --flag
environment=KEEP=3
stdout_logfile=NONE
EOF
mkdir out3
check_ours "-f: first import" 0 "" "" svimport -o out3 up1.conf
mkdir -p out3/svc/supervise out3/svc/log/main out3/svc/log/supervise
echo marker >out3/svc/supervise/marker
echo logged >out3/svc/log/main/current
echo mine >out3/svc/notes
ino_before=$(stat -c %i out3/svc)
check_ours "-f: second import, in place" 0 "" "" svimport -f -o out3 up2.conf
ok_if "-f: the same directory (not replaced)" [ "$(stat -c %i out3/svc)" = "$ino_before" ]
ok_if "-f: run updated" eval '[ "$(cat out3/svc/run)" = "#!/bin/sh
exec >/dev/null
exec envdir ./env '\''new'\'' '\''--flag'\''" ]'
ok_if "-f: down and down-signal removed" eval '[ ! -e out3/svc/down ] && [ ! -e out3/svc/down-signal ]'
ok_if "-f: env/KEEP updated, env/DROP removed" eval '[ "$(cat out3/svc/env/KEEP)" = 3 ] && [ ! -e out3/svc/env/DROP ]'
ok_if "-f: supervise/, log data, log/run and other files kept" eval \
  '[ "$(cat out3/svc/supervise/marker out3/svc/log/main/current out3/svc/notes)" = "marker
logged
mine" ] && [ -x out3/svc/log/run ] && [ -d out3/svc/log/supervise ]'
ok_if "-f: no temporaries left" eval '[ -z "$(find out3 -name ".svimport*")" ]'
before=$(cd out3 && find . -type f | LC_ALL=C sort | xargs md5sum)
check_ours "-n -f: exit 0, writes nothing" 0 "" "" dry_quiet -f -o out3 up1.conf
ok_if "-n -f: the tree is unchanged" [ "$(cd out3 && find . -type f | LC_ALL=C sort | xargs md5sum)" = "$before" ]
mkdir -p out4/svc
check_ours "-f: env/ and log/ built into an existing empty directory" 0 "" "" svimport -f -o out4 up1.conf
ok_if "-f: env/ and log/run in place" eval '[ "$(cat out4/svc/env/DROP)" = 2 ] && [ -x out4/svc/log/run ] && [ -z "$(find out4 -name ".svimport*")" ]'

# System errors: 111, nothing written, temporaries removed.
check_ours "no out directory: 111" 111 "" "svimport: fatal: unable to open nodir: file does not exist
" svimport -o nodir one.conf
mkdir -p incdir/dir.ini out5
printf '[include]\nfiles=incdir/*.ini\n[program:a]\ncommand=a\n' >inc111.conf
check_ours "an included name that cannot be read: 111" 111 "" "svimport: fatal: unable to read T/incdir/dir.ini: is a directory
" svimport -o out5 inc111.conf
ok_if "111: nothing written" empty_dir out5
mkdir -p out6/svc && touch out6/svc/env
printf '[program:aaa]\ncommand=a\n[program:svc]\ncommand=s\nenvironment=A=1\n' >roll.conf
check_ours "-f: a failure while building: 111" 111 "" "svimport: fatal: unable to open out6/svc/env: not a directory
" svimport -f -o out6 roll.conf
ok_if "-f: the service built before the failure is removed again" eval \
  '[ "$(ls -A out6)" = svc ] && [ "$(ls -A out6/svc)" = env ]'

# Bad input: 100, FILE:LINE, nothing written.
bad() {  # bad NAME FILE MESSAGE: svimport FILE into an empty dir must fail so
  local d
  d=$(mktemp -d "$T/bad.XXXXXX")
  check_ours "bad input: $1" 100 "" "svimport: fatal: $3
" svimport -o "$d" "$2"
  ok_if "bad input: $1: nothing written" empty_dir "$d"
}
printf '[program:ok]\ncommand=ok\n[program:x\ncommand=x\n' >b1.conf
bad "unterminated section" b1.conf "b1.conf:3: unterminated section header"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\n[program:a]\ncommand=b\n' >b2.conf
bad "duplicate program" b2.conf "b2.conf:5: [program:a]: duplicate section (first at b2.conf:3)"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\nnumprocs=3\n' >b3.conf
bad "numprocs without %(process_num)" b3.conf \
  "b3.conf:5: numprocs: %(process_num) must be present within process_name when numprocs > 1"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\nprocess_name=..\n' >b4.conf
bad "name ..: not a directory name" b4.conf "b4.conf:5: process_name: '..' is not a valid directory name"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\nprocess_name=%%(ENV_DOT)s\n' >b5.conf
export DOT=.hidden
bad "a name from the environment starting with a dot" b5.conf \
  "b5.conf:5: process_name: '.hidden' is not a valid directory name"
unset DOT
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\nstdout_logfile=/var/log/../etc/a\n' >b6.conf
bad ".. in a log directory" b6.conf "b6.conf:5: stdout_logfile: '/var/log/../etc/a' has a .. component"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=a\n[program:b]\ncommand=b\nprocess_name=a\n' >b7.conf
bad "two processes of one name" b7.conf "b7.conf:5: a: a second process of that name (the first: b7.conf:3)"
mkdir -p inc
printf '[include]\nfiles=inc/*.ini\n[program:ok]\ncommand=ok\n' >b8.conf
printf '[program:z]\ncommand=z\nautostart=perhaps\n' >inc/z.ini
bad "an error in an included file names it" b8.conf "T/inc/z.ini:3: autostart: not a valid boolean value: 'perhaps'"
printf '[program:ok]\ncommand=ok\n[program:a]\ncommand=run "unclosed\n' >b9.conf
bad "a command sh could not split" b9.conf "b9.conf:4: command: no closing quotation"
printf '<runner>\n  program sleep 1\n' >z1.conf
bad "zdaemon: unterminated <runner>" z1.conf "z1.conf:1: <runner> is not closed"
printf '<runner ..>\n  program sleep 1\n</runner>\n' >z2.conf
bad "zdaemon: a runner name that is no directory name" z2.conf \
  "z2.conf:1: '..' is not a valid directory name (name the <runner> section)"
printf '<runner>\n  program sleep 1\n  transcript /var/../log\n</runner>\n' >z3.conf
bad "zdaemon: .. in the transcript" z3.conf "z3.conf:3: transcript: '/var/../log' has a .. component"

# zdaemon: every <runner> key.
cat >app.conf <<'EOF'
# zdaemon, every runner key
%define ROOT /opt/app
<runner>
  program $ROOT/bin/app --config ${ROOT}/etc/app.conf
  directory $ROOT/var
  user root
  umask 002
  backoff-limit 4
  forever false
  exit-codes 0,2,9
  transcript /var/log/app
  start-test-program nc -z localhost 8080
  start-timeout 60
  stop-timeout 30
  socket-name /run/app.zdsock
  daemon on
  hang-around true
  mystery 1
  <eventlog>
    level info
  </eventlog>
</runner>
<environment>
  PYTHONPATH /opt/app/lib
  LANG C.UTF-8
</environment>
<eventlog>
  <logfile>
    path /var/log/zdaemon.log
  </logfile>
</eventlog>
EOF
check_ours "-n: zdaemon, every runner key" 1 "==> app/run <==
#!/bin/sh
exec 2>&1
cd '/opt/app/var' || exit 111
service=\$OLDPWD
unset OLDPWD
umask 002
{
  while kill -0 \$\$ 2>/dev/null; do
    if envdir \"\$service/env\" setuidgid 'root' 'sh' '-c' 'nc -z localhost 8080' 3>&-; then echo >&3; exit 0; fi
    sleep 1
  done
} &
exec 3>&- envdir \"\$service/env\" setuidgid 'root' '/opt/app/bin/app' '--config' '/opt/app/etc/app.conf'

==> app/timeout-kill <==
30000

==> app/no-restart <==
0 2 9

==> app/give-up <==
4 19

==> app/restart-delay-max <==
3000

==> app/restart-stable <==
4000

==> app/notification-fd <==
3

==> app/env/PYTHONPATH <==
/opt/app/lib

==> app/env/LANG <==
C.UTF-8

==> app/log/run <==
#!/bin/sh
exec multilog t s52428800 n11 '/var/log/app'
" "svimport: warning: app.conf:13: start-timeout: not converted (timeout-ready would restart the service, zdaemon only reports)
svimport: warning: app.conf:18: mystery: not converted (unknown key)
" svimport -n app.conf
printf '<runner>\n  program sleep 1\n  forever on\n</runner>\n' >plain-zd.cfg
check_ours "-n: zdaemon defaults (no transcript: output discarded; forever)" 0 "==> plain-zd/run <==
#!/bin/sh
exec >/dev/null 2>&1
umask 022
exec 'sleep' '1'

==> plain-zd/timeout-kill <==
300000

==> plain-zd/no-restart <==
0 2

==> plain-zd/restart-delay-max <==
10000

==> plain-zd/restart-stable <==
10000
" "" svimport -n plain-zd.cfg

# The generated run scripts at work under our supervise.
chmod 755 "$T"  # setuidgid'd programs must reach their files
mkdir -p work report && chmod 1777 report
cat >report.sh <<'EOF'
#!/bin/sh
# Reports how it was started, then waits.
out=$1/$2
shift 2
{ printf '%s\n' "argc=$#"; for a in "$@"; do printf 'arg=%s\n' "$a"; done
  printf 'cwd=%s\numask=%s\nuid=%s\nGLOBAL=%s\nSPACED=%s\nNL=%s\n' "$(pwd)" "$(umask)" "$(id -u)" "$GLOBAL" "$SPACED" "$NL"
} >"$out.tmp" && mv "$out.tmp" "$out"
echo "to the log"
echo "to stderr" >&2
exec sleep 1000
EOF
chmod 755 report.sh
who=root
[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && who=nobody
cat >live.conf <<EOF
[supervisord]
environment=GLOBAL="from supervisord"
[program:live]
command=$T/report.sh $T/report live 'two words' "it's" \$literal
directory=$T/work
umask=077
environment=SPACED="a b  c",NL="x"
redirect_stderr=true
stopasgroup=true
EOF
[ "$(id -u)" = 0 ] && printf 'user=%s\n' "$who" >>live.conf
mkdir sv
check_ours "live: import" 0 "" "" svimport -o sv live.conf
# supervise for the service, its stdout piped into supervise for log/.
pair() { PATH=$SVPATH "$BIN/supervise" sv/live | PATH=$SVPATH "$BIN/supervise" sv/live/log; }
spawn sp pair
ok_if "live: the service comes up" wait_until 10 sv_up sv/live
ok_if "live: the program reports" wait_until 10 test -s report/live
want_uid=$(id -u "$who")
ok_if "live: argv, cwd, umask, uid and env as configured" eval '[ "$(cat report/live)" = "argc=3
arg=two words
arg=it'\''s
arg=\$literal
cwd=$T/work
umask=0077
uid=$want_uid
GLOBAL=from supervisord
SPACED=a b  c
NL=x" ]'
ok_if "live: stdout and stderr logged through multilog into log/main" \
  wait_until 10 eval 'grep -q "to the log" sv/live/log/main/current && grep -q "to stderr" sv/live/log/main/current'
ok_if "live: multilog stamps the lines" eval 'head -1 sv/live/log/main/current | grep -q "^@[0-9a-f]\{24\} "'
"$BIN/svc" -dx sv/live sv/live/log
ok_if "live: svc -dx ends both supervise processes" wait_until 10 gone "$sp"
stop "$sp"

# autorestart=false: not restarted after it exits (no-restart all);
# startretries: failed after startretries+1 starts of a process that dies
# at once (start-retries).
cat >policy.conf <<EOF
[program:once]
command=/bin/sh -c 'echo x >>$T/once.starts; exit 3'
autorestart=false
startsecs=0
stdout_logfile=NONE
[program:crash]
command=/bin/sh -c 'echo x >>$T/crash.starts; exit 1'
startretries=2
stdout_logfile=NONE
EOF
mkdir sv2
check_ours "policy: import" 0 "" "" svimport -o sv2 policy.conf
spawn sp1 env PATH="$SVPATH" "$BIN/supervise" sv2/once
spawn sp2 env PATH="$SVPATH" "$BIN/supervise" sv2/crash
ok_if "autorestart=false: not restarted" wait_until 10 svstat_has sv2/once "not restarted"
sleep 1.2
ok_if "autorestart=false: started once" [ "$(nlines once.starts)" = 1 ]
ok_if "startretries=2: failed" wait_until 20 svstat_has sv2/crash "failed"
ok_if "startretries=2: after exactly 3 starts" [ "$(nlines crash.starts)" = 3 ]
"$BIN/svc" -dx sv2/once sv2/crash
ok_if "policy: supervise gone" wait_until 10 eval 'gone $sp1 && gone $sp2'
stop "$sp1"
stop "$sp2"

# zdaemon's start-test-program: not ready until the test succeeds.
cat >ready.conf <<EOF
<runner ready>
  program sleep 1000
  directory $T/work
  start-test-program test -e $T/work/go
</runner>
EOF
mkdir sv3
check_ours "readiness: import" 0 "" "" svimport -o sv3 ready.conf
spawn sp3 env PATH="$SVPATH" "$BIN/supervise" sv3/ready
ok_if "readiness: up" wait_until 10 sv_up sv3/ready
sleep 1.5
ok_if "readiness: not ready while the test fails" svstat_has sv3/ready "not ready"
touch work/go
ok_if "readiness: ready once the test succeeds" "$BIN/svwait" -U -t 10000 sv3/ready
ok_if "readiness: the program has no descriptor 3" eval \
  '[ ! -e /proc/$(sv_pid sv3/ready)/fd/3 ]'
"$BIN/svc" -dx sv3/ready
ok_if "readiness: supervise gone" wait_until 10 gone "$sp3"
stop "$sp3"

finish
