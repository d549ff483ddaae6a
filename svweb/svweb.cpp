// svweb [-l address:port] [-u socket] [-c tokenfile] scandir
//
// A web page of the services under scandir (state, pid, seconds, ready,
// last exit, restarts, failed checks, STATUS text, updated live), their
// logs (NAME/log/main/current, stamps in local time), svstat -j's JSON and
// svstat -p's Prometheus text; with -c, control (svc's bytes) for whoever
// sends the token in the tokenfile. Endpoints: svweb/routes.hpp; the
// server and its limits: svweb/server.hpp.
//
// -l address:port  listen there (IPv4, or [IPv6]); default 127.0.0.1:8180.
//                  Port 0: the kernel picks one and "address:port\n" is
//                  written to stdout once svweb listens.
// -u socket        listen on a Unix socket (a stale socket at that path is
//                  removed first; any other file is not). Without -l, only
//                  there.
// -c tokenfile     allow control: POST with "X-Svweb-Token: <token>", the
//                  token being the file's content less one final newline.
//
// Exit codes: 0 after SIGTERM or SIGINT; 100 usage; 111 when the scan
// directory, the token file or a socket cannot be had. Refused control
// requests are warned about on stderr. SIGPIPE is ignored.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "lib/buffer.hpp"
#include "lib/err.hpp"
#include "lib/fd.hpp"
#include "lib/num.hpp"
#include "lib/sgetopt.hpp"
#include "svweb/page.hpp"
#include "svweb/routes.hpp"
#include "svweb/server.hpp"
#include "svweb/services.hpp"

namespace {

constexpr std::string_view kUsage = "svweb [-l address:port] [-u socket] [-c tokenfile] scandir";
constexpr size_t kMaxScandir = 1024;

[[noreturn]] void usage() { lib::die_usage(kUsage); }

// Listens on "address:port" ("[v6]:port" for IPv6). Dies on failure.
int listen_tcp(const char* spec) {
  std::string_view s(spec);
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) usage();
  std::string_view host = s.substr(0, colon), port_text = s.substr(colon + 1);
  uint64_t port;
  if (!lib::parse_u64(port_text, port) || port > 65535) usage();
  sockaddr_storage a{};
  socklen_t len;
  char h[INET6_ADDRSTRLEN + 1];
  bool v6 = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (v6) host = host.substr(1, host.size() - 2);
  if (host.size() >= sizeof h) usage();
  std::memcpy(h, host.data(), host.size());
  h[host.size()] = '\0';
  if (v6) {
    sockaddr_in6& a6 = reinterpret_cast<sockaddr_in6&>(a);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(uint16_t(port));
    if (::inet_pton(AF_INET6, h, &a6.sin6_addr) != 1) usage();
    len = sizeof a6;
  } else {
    sockaddr_in& a4 = reinterpret_cast<sockaddr_in&>(a);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(uint16_t(port));
    if (::inet_pton(AF_INET, h, &a4.sin_addr) != 1) usage();
    len = sizeof a4;
  }
  int fd = ::socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1) lib::die_sys(lib::exitcode::temp, {"unable to create socket"});
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (v6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to bind to ", spec});
  if (::listen(fd, 128) == -1) lib::die_sys(lib::exitcode::temp, {"unable to listen on ", spec});
  if (port == 0) {
    // Tell the caller the port the kernel chose.
    socklen_t l = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l) == -1)
      lib::die_sys(lib::exitcode::temp, {"unable to get socket name"});
    uint16_t p = ntohs(v6 ? reinterpret_cast<sockaddr_in6&>(a).sin6_port
                          : reinterpret_cast<sockaddr_in&>(a).sin_port);
    char num[24];
    std::string_view ps(num, lib::format_u64(num, p));
    char line[INET6_ADDRSTRLEN + 40];
    lib::Writer w(1, line, sizeof line);
    if (v6) w.put('[');
    w.put(h);
    if (v6) w.put(']');
    w.put(':');
    w.put(ps);
    w.put('\n');
    if (!w.flush()) lib::die_sys(lib::exitcode::temp, {"unable to write to stdout"});
  }
  return fd;
}

int listen_unix(const char* path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (std::strlen(path) >= sizeof a.sun_path)
    lib::die(lib::exitcode::perm, {"socket path too long: ", path});
  std::strcpy(a.sun_path, path);
  struct stat st;
  // Only a socket left by an earlier run is removed; never another file.
  if (::lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && ::unlink(path) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to remove stale socket ", path});
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1) lib::die_sys(lib::exitcode::temp, {"unable to create socket"});
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == -1)
    lib::die_sys(lib::exitcode::temp, {"unable to bind to ", path});
  if (::listen(fd, 128) == -1) lib::die_sys(lib::exitcode::temp, {"unable to listen on ", path});
  return fd;
}

// The token: the file's content less one final newline; at most 1 KiB of
// printable ASCII (it travels in a header).
char token[1025];
size_t read_token(const char* file) {
  lib::Fd fd(::open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) lib::die_sys(lib::exitcode::temp, {"unable to open ", file});
  ssize_t n = lib::read_full(fd.get(), token, sizeof token);
  if (n < 0) lib::die_sys(lib::exitcode::temp, {"unable to read ", file});
  size_t len = size_t(n);
  if (len == sizeof token) lib::die(lib::exitcode::temp, {"token in ", file, " is too long"});
  if (len && token[len - 1] == '\n') --len;
  if (!len) lib::die(lib::exitcode::temp, {"token file ", file, " is empty"});
  for (size_t i = 0; i < len; ++i)
    if (static_cast<unsigned char>(token[i]) <= 0x20 || static_cast<unsigned char>(token[i]) >= 0x7f)
      lib::die(lib::exitcode::temp, {"token in ", file, " must be printable ASCII without spaces"});
  return len;
}

}  // namespace

int main(int argc, char** argv) {
  lib::set_prog("svweb");
  ::signal(SIGPIPE, SIG_IGN);
  const char* tcp = nullptr;
  const char* unix_path = nullptr;
  const char* token_file = nullptr;
  lib::SGetOpt opts(argc, argv, "l:u:c:");
  for (int c; (c = opts.next()) != lib::SGetOpt::kDone;) {
    switch (c) {
      case 'l': tcp = opts.arg(); break;
      case 'u': unix_path = opts.arg(); break;
      case 'c': token_file = opts.arg(); break;
      default: usage();
    }
  }
  if (opts.index() != argc - 1) usage();
  const char* scandir = argv[opts.index()];
  if (!*scandir || std::strlen(scandir) > kMaxScandir) usage();
  svweb::Config config;
  if (token_file) {
    config.control = true;
    config.token = std::string_view(token, read_token(token_file));
  }
  int dfd = ::open(scandir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd == -1) lib::die_sys(lib::exitcode::temp, {"unable to open ", scandir});
  // Big tables (svweb/services.hpp): allocated once, here.
  static svweb::Services services(scandir, dfd);
  services.watch();
  svweb::Pages pages;
  svweb::build_pages(config.control, pages);
  svweb::Listener listeners[2];
  size_t n = 0;
  if (tcp || !unix_path) listeners[n++] = {listen_tcp(tcp ? tcp : "127.0.0.1:8180"), false};
  if (unix_path) listeners[n++] = {listen_unix(unix_path), true};
  static svweb::Routes routes(services, pages, config);
  svweb::serve(routes, listeners, n, pages.csp);
  if (unix_path) ::unlink(unix_path);
  return 0;
}
