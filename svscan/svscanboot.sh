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
# Beyond 0.76: the folder svscanboot itself lives in comes first in PATH,
# so it runs the svscan, supervise and readproctitle installed beside it
# (and not, say, Debian's in /usr/bin), and the directory is an argument.
dir=${1:-/service}
case $0 in
  */*) here=$(cd "${0%/*}" && pwd) ;;
  *) here= ;;
esac
PATH=${here:+$here:}/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/X11R6/bin

exec </dev/null
exec >/dev/null
exec 2>/dev/null

svc -dx "$dir"/* "$dir"/*/log

env - PATH="$PATH" svscan "$dir" 2>&1 | \
env - PATH="$PATH" readproctitle service errors: ................................................................................................................................................................................................................................................................................................................................................................................................................
