#!/bin/sh
# svscanboot [dir]: runs svscan on the service directory at boot.
#
# dir defaults to /service (Debian's own daemontools uses /etc/service:
# run `svscanboot /etc/service`, e.g. in the ExecStart line of the systemd
# unit package/run installs). As daemontools 0.76 does, it
#   - sets a fixed PATH and sends its own input and output to /dev/null,
#   - asks any supervise left over from an earlier svscan to stop its
#     service and exit (svc -dx dir/* dir/*/log),
#   - runs svscan dir with an empty environment but for PATH, its stdout and
#     stderr piped into readproctitle, so the latest errors show in `ps`
#     after "service errors: " in place of 400 dots.
# Beyond 0.76: the directory is an argument, and svscanboot runs the
# svscan, supervise and readproctitle installed beside it (and not, say,
# Debian's in /usr/bin): its folder is put first in PATH, unless it is
# already on 0.76's PATH (/usr/local/bin, the default install, is, ahead of
# /usr/bin), so a default install gives every service 0.76's PATH exactly.
# SIGTERM and SIGINT are passed on to svscan, whose orderly shutdown
# svscanboot waits for (a systemd unit's main process is this shell), then
# it exits 0; readproctitle ignores both and shows svscan's output to the
# end. svscan's pid is found in /proc (the child that is not readproctitle);
# without /proc, TERM and INT end svscanboot alone, as in 0.76.
dir=${1:-/service}
case $0 in
  */*) here=$(cd "${0%/*}" && pwd) ;;
  *) here= ;;
esac
PATH=/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/X11R6/bin
case :$PATH: in
  *:"$here":*) ;;
  *) PATH=${here:+$here:}$PATH ;;
esac

exec </dev/null
exec >/dev/null
exec 2>/dev/null

svc -dx "$dir"/* "$dir"/*/log

# A signal that comes before svscan's pid is known is passed on after.
pending=
trap 'pending=TERM' TERM
trap 'pending=INT' INT
env - PATH="$PATH" svscan "$dir" 2>&1 | {
  trap '' TERM INT
  exec env - PATH="$PATH" readproctitle service errors: ................................................................................................................................................................................................................................................................................................................................................................................................................
} &
title=$!
svscan=
for p in /proc/[0-9]*; do
  read -r pid comm state ppid rest <"$p/stat" || continue
  [ "$ppid" = $$ ] && [ "$pid" != "$title" ] && svscan=$pid && break
done
if [ -n "$svscan" ]; then
  trap 'kill -TERM $svscan' TERM
  trap 'kill -INT $svscan' INT
  [ -z "$pending" ] || kill -$pending $svscan
else
  trap - TERM INT
  [ -z "$pending" ] || kill -$pending $$
fi
# wait returns early (above 128) when a trapped signal arrives.
until wait; do :; done
exit 0
