// httpload: an HTTP/1.1 load client for bench/svweb.sh.
//   httpload ADDRESS:PORT PATH CONNECTIONS SECONDS
// Opens CONNECTIONS keep-alive connections to ADDRESS:PORT (IPv4) and, for
// SECONDS, sends GET PATH on each as soon as its previous response is
// whole (one request in flight per connection, as a browser's fetch
// loop). One thread, one poll loop, so the client takes one core at most.
// Responses need a Content-Length (or chunked transfer encoding); a
// connection the server closes is reopened and counted.
// Prints one line:
//   requests N rps N bytes_per_response N p50_us N p99_us N errors N reconnects N
// Exit 0, or 111 when nothing could be measured.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/clock.hpp"

namespace {

int64_t now_us() { return int64_t(lib::now_ns() / 1000); }

sockaddr_in g_addr;
std::string g_request;

struct Conn {
  int fd = -1;
  std::string in;       // bytes of the response so far
  size_t sent = 0;      // bytes of g_request written
  int64_t started = 0;  // when the request began
};

int open_conn() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&g_addr), sizeof g_addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The length of the whole response at the start of s, 0 if not all there
// yet, -1 if it cannot be framed (no length, bad chunk).
long response_length(const std::string& s) {
  size_t end = s.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  size_t body = end + 4;
  // headers, lower-cased for the look-ups
  std::string h = s.substr(0, body);
  for (char& c : h) c = char(tolower(static_cast<unsigned char>(c)));
  size_t p = h.find("\r\ncontent-length:");
  if (p != std::string::npos) {
    long n = strtol(h.c_str() + p + 17, nullptr, 10);
    return s.size() >= body + size_t(n) ? long(body + n) : 0;
  }
  if (h.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    size_t at = body;
    for (;;) {
      size_t eol = s.find("\r\n", at);
      if (eol == std::string::npos) return 0;
      char* stop;
      long n = strtol(s.c_str() + at, &stop, 16);
      if (stop == s.c_str() + at || n < 0) return -1;
      if (n == 0) {  // no trailers expected: the final CRLF
        return s.size() >= eol + 4 ? long(eol + 4) : 0;
      }
      at = eol + 2 + size_t(n) + 2;
      if (s.size() < at) return 0;
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "httpload: usage: httpload address:port path connections seconds\n");
    return 100;
  }
  std::string hp = argv[1];
  size_t colon = hp.rfind(':');
  if (colon == std::string::npos) return 100;
  g_addr.sin_family = AF_INET;
  g_addr.sin_port = htons(uint16_t(atoi(hp.c_str() + colon + 1)));
  if (inet_pton(AF_INET, hp.substr(0, colon).c_str(), &g_addr.sin_addr) != 1) return 100;
  g_request = std::string("GET ") + argv[2] + " HTTP/1.1\r\nHost: " + hp + "\r\n\r\n";
  int nconn = atoi(argv[3]);
  double seconds = atof(argv[4]);
  if (nconn < 1 || seconds <= 0) return 100;

  std::vector<Conn> conns(static_cast<size_t>(nconn));
  std::vector<pollfd> pfds(static_cast<size_t>(nconn));
  std::vector<int64_t> lat;
  lat.reserve(1 << 20);
  long errors = 0, reconnects = 0, bytes = 0;
  int64_t start = now_us(), deadline = start + int64_t(seconds * 1e6);
  for (auto& c : conns) {
    c.fd = open_conn();
    if (c.fd < 0) {
      perror("httpload: unable to connect");
      return 111;
    }
    c.started = now_us();
  }
  char buf[65536];
  while (now_us() < deadline) {
    for (size_t i = 0; i < conns.size(); i++) {
      pfds[i].fd = conns[i].fd;
      pfds[i].events = conns[i].sent < g_request.size() ? POLLOUT : POLLIN;
    }
    int left = int((deadline - now_us()) / 1000) + 1;
    if (poll(pfds.data(), pfds.size(), std::min(left, 100)) < 0 && errno != EINTR) return 111;
    for (size_t i = 0; i < conns.size(); i++) {
      Conn& c = conns[i];
      if (pfds[i].revents == 0) continue;
      bool broken = false;
      if (c.sent < g_request.size()) {
        ssize_t w = write(c.fd, g_request.data() + c.sent, g_request.size() - c.sent);
        if (w > 0) c.sent += size_t(w);
        else if (w < 0 && errno != EAGAIN && errno != EINTR) broken = true;
      } else {
        ssize_t r = read(c.fd, buf, sizeof buf);
        if (r > 0) {
          c.in.append(buf, size_t(r));
          long n = response_length(c.in);
          if (n < 0) {
            errors++;
            broken = true;
          } else if (n > 0) {
            if (c.in.compare(0, 5, "HTTP/") != 0 || c.in.compare(8, 4, " 200") != 0) errors++;
            int64_t t = now_us();
            lat.push_back(t - c.started);
            bytes = n;
            c.in.erase(0, size_t(n));
            c.sent = 0;
            c.started = t;
          }
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          broken = true;
        }
      }
      if (broken) {  // reopen, and send the request again
        close(c.fd);
        reconnects++;
        c.fd = open_conn();
        if (c.fd < 0) {
          perror("httpload: unable to reconnect");
          return 111;
        }
        c.in.clear();
        c.sent = 0;
        c.started = now_us();
      }
    }
  }
  double took = double(now_us() - start) / 1e6;
  if (lat.empty()) {
    fprintf(stderr, "httpload: no response in %.1f s\n", took);
    return 111;
  }
  std::sort(lat.begin(), lat.end());
  printf("requests %zu rps %.0f bytes_per_response %ld p50_us %lld p99_us %lld errors %ld reconnects %ld\n",
         lat.size(), double(lat.size()) / took, bytes, static_cast<long long>(lat[lat.size() / 2]),
         static_cast<long long>(lat[lat.size() * 99 / 100]), errors, reconnects);
  return 0;
}
