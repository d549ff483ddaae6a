// childinfo: a stand-in for ./run that reports what it inherited.
// Writes to ./childinfo (replaced atomically): "fds: 0 1 2 ..." (its open
// descriptors, excluding the one used to list them) and the SigBlk and
// SigIgn lines of /proc/self/status (what survives exec; caught signals
// are reset by exec itself); then waits for a signal.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>

int main() {
  std::string out = "fds:";
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return 111;
  int self = ::dirfd(d);
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (::atoi(e->d_name) == self) continue;
    out += ' ';
    out += e->d_name;
  }
  ::closedir(d);
  out += '\n';
  FILE* f = ::fopen("/proc/self/status", "r");
  if (!f) return 111;
  char line[256];
  while (::fgets(line, sizeof line, f))
    if (!::strncmp(line, "SigBlk:", 7) || !::strncmp(line, "SigIgn:", 7))
      out += line;
  ::fclose(f);
  FILE* o = ::fopen("childinfo.new", "w");
  if (!o) return 111;
  ::fputs(out.c_str(), o);
  ::fclose(o);
  ::rename("childinfo.new", "childinfo");
  for (;;) ::pause();
}
