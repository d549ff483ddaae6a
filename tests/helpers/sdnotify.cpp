// sdnotify [-c PID] MSG... [-- PROG ARGS...]: an sd_notify client in C, as
// libsystemd's sd_notify(3) sends: the MSGs joined by newlines, one
// datagram to $NOTIFY_SOCKET ("@name": abstract). Then execs PROG, if
// given, so that it goes on with the same pid (the main process).
// -c PID attaches SCM_CREDENTIALS claiming PID (and our uid and gid): the
// kernel refuses that unless PID is ours or we are privileged, which is
// what a spoofing attempt runs into.
// Exit codes: 0 sent; 100 usage; 111 no socket or the send failed.
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

int main(int argc, char** argv) {
  int i = 1;
  pid_t claim = 0;
  if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
    claim = pid_t(atoi(argv[i + 1]));
    i += 2;
  }
  std::string msg;
  for (; i < argc && strcmp(argv[i], "--") != 0; ++i) {
    if (!msg.empty()) msg += '\n';
    msg += argv[i];
  }
  if (msg.empty()) {
    fprintf(stderr, "usage: sdnotify [-c PID] MSG... [-- PROG ARGS...]\n");
    return 100;
  }
  const char* e = getenv("NOTIFY_SOCKET");
  if (!e || !*e || strlen(e) >= sizeof(sockaddr_un::sun_path)) {
    fprintf(stderr, "sdnotify: no NOTIFY_SOCKET\n");
    return 111;
  }
  sockaddr_un sa = {};
  sa.sun_family = AF_UNIX;
  size_t n = strlen(e);
  memcpy(sa.sun_path, e, n);
  if (e[0] == '@') sa.sun_path[0] = '\0';
  socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + n);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  iovec iov = {msg.data(), msg.size()};
  msghdr mh = {};
  mh.msg_name = &sa;
  mh.msg_namelen = len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))] = {};
  if (claim) {
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(ucred));
    ucred cr = {claim, getuid(), getgid()};
    memcpy(CMSG_DATA(c), &cr, sizeof cr);
  }
  if (fd == -1 || sendmsg(fd, &mh, MSG_NOSIGNAL) == -1) {
    fprintf(stderr, "sdnotify: unable to send: %s\n", strerror(errno));
    return 111;
  }
  close(fd);
  if (i < argc && i + 1 < argc) {
    execvp(argv[i + 1], argv + i + 1);
    fprintf(stderr, "sdnotify: unable to run %s: %s\n", argv[i + 1], strerror(errno));
    return 111;
  }
  return 0;
}
