// readproctitle io........................................
//
// Shows what arrives on stdin in the process list: svscanboot runs it with
// svscan's stderr piped in and a long last argument of dots. That argument
// is rewritten in place: its first three bytes stay dots, and the rest is a
// window holding the latest non-NUL bytes read, so `ps` shows recent errors
// (e.g. "readproctitle service errors: ...supervise: fatal: ...").
//
// Exit codes, without any message (as the reference): 0 at end of input;
// 100 if there is no argument or the last one is shorter than 5 bytes;
// 111 on a read error.
#include <string.h>
#include <unistd.h>

#include "lib/fd.hpp"
#include "readproctitle/proctitle.hpp"

int main(int argc, char** argv) {
  if (argc < 2) ::_exit(100);
  char* title = argv[argc - 1];
  size_t len = ::strlen(title);
  ::memset(title, '.', len);
  if (len < 5) ::_exit(100);
  char buf[4096];  // read in chunks; the window ends up as byte-by-byte would
  for (;;) {
    ssize_t r = lib::fd_read(0, buf, sizeof buf);
    if (r == 0) ::_exit(0);
    if (r < 0) ::_exit(111);
    readproctitle::title_push(title + 3, len - 3, buf, size_t(r));
  }
}
