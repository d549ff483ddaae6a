// logcheck [-t] dir
// Reads a multilog directory in order (the @... files by name, then a
// previous that a kill during a rotation left, then
// current) as one stream -- a line that did not fit at the end of a file
// goes on in the next, as multilog (and 0.76) cut it -- and checks that
// its lines are numbered lines (from numlines), each one more than the one
// before: nothing lost, duplicated or out of order, and the last one
// complete. With -t every line must start with a TAI64N stamp ("@", 24 hex
// digits, a space), which is skipped. Prints "first F last L count C
// files N" and exits 0, or prints the first problem and exits 1.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  bool stamped = false;
  int opt;
  while ((opt = ::getopt(argc, argv, "t")) != -1) {
    if (opt == 't') stamped = true;
    else return 100;
  }
  if (argc - optind != 1) {
    std::fputs("usage: logcheck [-t] dir\n", stderr);
    return 100;
  }
  std::string dir = argv[optind];
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    std::perror(dir.c_str());
    return 111;
  }
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] == '@') files.push_back(e->d_name);
  ::closedir(d);
  std::sort(files.begin(), files.end());
  size_t nfiles = files.size();
  // A kill during a rotation leaves current renamed to previous, not yet
  // to its @ name: it comes after the @ files, before the new current.
  files.push_back("previous");
  files.push_back("current");

  long first = -1, last = -1, count = 0;
  std::string line;  // a line not finished at the end of the previous file goes on here
  for (const std::string& f : files) {
    std::ifstream in(dir + "/" + f, std::ios::binary);
    if (!in) {
      if (f == "current" || f == "previous") continue;
      std::printf("cannot read %s\n", f.c_str());
      return 1;
    }
    std::string part;
    long lineno = 0;
    while (std::getline(in, part)) {
      line += part;
      if (in.eof()) break;  // no newline: the line goes on in the next file
      ++lineno;
      const char* p = line.c_str();
      if (stamped) {
        bool ok = line.size() >= 26 && p[0] == '@' && p[25] == ' ';
        for (int i = 1; ok && i < 25; ++i) ok = std::strchr("0123456789abcdef", p[i]) != nullptr;
        if (!ok) {
          std::printf("%s:%ld: no stamp: %.40s\n", f.c_str(), lineno, p);
          return 1;
        }
        p += 26;
      }
      char* end;
      long n = std::strtol(p, &end, 10);
      if (end == p || *end != ' ') {
        std::printf("%s:%ld: not a numbered line: %.40s\n", f.c_str(), lineno, p);
        return 1;
      }
      if (last >= 0 && n != last + 1) {
        std::printf("%s:%ld: %ld follows %ld\n", f.c_str(), lineno, n, last);
        return 1;
      }
      if (first < 0) first = n;
      last = n;
      ++count;
      line.clear();
    }
  }
  if (!line.empty()) {
    std::printf("the last line is incomplete: %.40s\n", line.c_str());
    return 1;
  }
  std::printf("first %ld last %ld count %ld files %zu\n", first, last, count, nfiles);
  return 0;
}
