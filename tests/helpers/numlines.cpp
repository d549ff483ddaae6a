// numlines [-d usec] [-b lines] [-w width] start count
// Writes count numbered lines to stdout: the number (9 digits) and a
// space, padded with 'x' to width bytes before the newline (default 60).
// With -d, sleeps usec microseconds after every -b lines (default 1000),
// so that a test can signal the reader while lines still flow.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "lib/fd.hpp"

int main(int argc, char** argv) {
  long delay = 0, batch = 1000, width = 60;
  int opt;
  while ((opt = ::getopt(argc, argv, "d:b:w:")) != -1) {
    if (opt == 'd') delay = std::atol(optarg);
    else if (opt == 'b') batch = std::atol(optarg);
    else if (opt == 'w') width = std::atol(optarg);
    else return 100;
  }
  if (argc - optind != 2 || batch < 1 || width < 10) {
    std::fputs("usage: numlines [-d usec] [-b lines] [-w width] start count\n", stderr);
    return 100;
  }
  long start = std::atol(argv[optind]), count = std::atol(argv[optind + 1]);
  std::string buf;
  for (long i = 0; i < count; ++i) {
    char num[32];
    int n = std::snprintf(num, sizeof num, "%09ld ", start + i);
    buf.append(num, size_t(n));
    if (width > n) buf.append(size_t(width - n), 'x');
    buf.push_back('\n');
    if ((i + 1) % batch == 0 || i + 1 == count) {
      if (!lib::write_all(1, buf)) return 111;
      buf.clear();
      if (delay) ::usleep(useconds_t(delay));
    }
  }
  return 0;
}
