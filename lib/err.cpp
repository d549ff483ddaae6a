#include "lib/err.hpp"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>

namespace lib {
namespace {

const char* g_prog = "";

// Appends parts to buf, truncating at cap; returns the new length.
size_t append(char* buf, size_t len, size_t cap, std::string_view s) noexcept {
  size_t n = s.size() < cap - len ? s.size() : cap - len;
  std::memcpy(buf + len, s.data(), n);
  return len + n;
}

void report(std::string_view kind, Parts parts, bool with_errno) noexcept {
  int e = errno;
  char buf[4096];
  const size_t cap = sizeof buf - 1;  // room for the newline
  size_t len = append(buf, 0, cap, g_prog);
  len = append(buf, len, cap, kind);
  for (std::string_view p : parts) len = append(buf, len, cap, p);
  if (with_errno) {
    len = append(buf, len, cap, ": ");
    len = append(buf, len, cap, error_str(e));
  }
  buf[len++] = '\n';
  ssize_t r;
  do r = ::write(2, buf, len); while (r == -1 && errno == EINTR);
  errno = e;
}

}  // namespace

void set_prog(const char* name) noexcept { g_prog = name; }

// The table and its order follow daemontools' error_str.c: EAGAIN is
// "temporary failure" (checked before EWOULDBLOCK, the same value on Linux).
const char* error_str(int e) noexcept {
  switch (e) {
    case 0: return "no error";
    case EINTR: return "interrupted system call";
    case ENOMEM: return "out of memory";
    case ENOENT: return "file does not exist";
    case ETXTBSY: return "text busy";
    case EIO: return "input/output error";
    case EEXIST: return "file already exists";
    case ETIMEDOUT: return "timed out";
    case EINPROGRESS: return "operation in progress";
    case EAGAIN: return "temporary failure";
    case EPIPE: return "broken pipe";
    case EPERM: return "permission denied";
    case EACCES: return "access denied";
    case ENXIO: return "device not configured";
    case EPROTO: return "protocol error";
    case EISDIR: return "is a directory";
    case ESRCH: return "no such process";
    case E2BIG: return "argument list too long";
    case ENOEXEC: return "exec format error";
    case EBADF: return "file descriptor not open";
    case ECHILD: return "no child processes";
    case EDEADLK: return "operation would cause deadlock";
    case EFAULT: return "bad address";
    case ENOTBLK: return "not a block device";
    case EBUSY: return "device busy";
    case EXDEV: return "cross-device link";
    case ENODEV: return "device does not support operation";
    case ENOTDIR: return "not a directory";
    case EINVAL: return "invalid argument";
    case ENFILE: return "system cannot open more files";
    case EMFILE: return "process cannot open more files";
    case ENOTTY: return "not a tty";
    case EFBIG: return "file too big";
    case ENOSPC: return "out of disk space";
    case ESPIPE: return "unseekable descriptor";
    case EROFS: return "read-only file system";
    case EMLINK: return "too many links";
    case EDOM: return "input out of range";
    case ERANGE: return "output out of range";
    case EALREADY: return "operation already in progress";
    case ENOTSOCK: return "not a socket";
    case EDESTADDRREQ: return "destination address required";
    case EMSGSIZE: return "message too long";
    case EPROTOTYPE: return "incorrect protocol type";
    case ENOPROTOOPT: return "protocol not available";
    case EPROTONOSUPPORT: return "protocol not supported";
    case ESOCKTNOSUPPORT: return "socket type not supported";
    case EOPNOTSUPP: return "operation not supported";
    case EPFNOSUPPORT: return "protocol family not supported";
    case EAFNOSUPPORT: return "address family not supported";
    case EADDRINUSE: return "address already used";
    case EADDRNOTAVAIL: return "address not available";
    case ENETDOWN: return "network down";
    case ENETUNREACH: return "network unreachable";
    case ENETRESET: return "network reset";
    case ECONNABORTED: return "connection aborted";
    case ECONNRESET: return "connection reset";
    case ENOBUFS: return "out of buffer space";
    case EISCONN: return "already connected";
    case ENOTCONN: return "not connected";
    case ESHUTDOWN: return "socket shut down";
    case ETOOMANYREFS: return "too many references";
    case ECONNREFUSED: return "connection refused";
    case ELOOP: return "symbolic link loop";
    case ENAMETOOLONG: return "file name too long";
    case EHOSTDOWN: return "host down";
    case EHOSTUNREACH: return "host unreachable";
    case ENOTEMPTY: return "directory not empty";
    case EUSERS: return "too many users";
    case EDQUOT: return "disk quota exceeded";
    case ESTALE: return "stale NFS file handle";
    case EREMOTE: return "too many levels of remote in path";
    case ENOLCK: return "no locks available";
    case ENOSYS: return "system call not available";
    case ENOSTR: return "not a stream device";
    case ETIME: return "timer expired";
    case ENOSR: return "out of stream resources";
    case ENOMSG: return "no message of desired type";
    case EBADMSG: return "bad message type";
    case EIDRM: return "identifier removed";
    case ENONET: return "machine not on network";
    case ENOLINK: return "link severed";
    case EADV: return "advertise error";
    case ESRMNT: return "srmount error";
    case ECOMM: return "communication error";
    case EMULTIHOP: return "multihop attempted";
    case EREMCHG: return "remote address changed";
    default: return "unknown error";
  }
}

void die(int code, Parts parts) noexcept {
  report(": fatal: ", parts, false);
  ::_exit(code);
}

void die_sys(int code, Parts parts) noexcept {
  report(": fatal: ", parts, true);
  ::_exit(code);
}

void die_usage(std::string_view usage, int code) noexcept {
  report(": usage: ", {usage}, false);
  ::_exit(code);
}

void warn(Parts parts) noexcept { report(": warning: ", parts, false); }
void warn_sys(Parts parts) noexcept { report(": warning: ", parts, true); }

bool write_line(int fd, Parts parts) noexcept {
  int e = errno;
  char buf[4096];
  const size_t cap = sizeof buf - 1;
  size_t len = 0;
  for (std::string_view p : parts) len = append(buf, len, cap, p);
  buf[len++] = '\n';
  const char* p = buf;
  while (len > 0) {
    ssize_t w = ::write(fd, p, len);
    if (w == -1) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    len -= size_t(w);
  }
  errno = e;
  return true;
}

}  // namespace lib
