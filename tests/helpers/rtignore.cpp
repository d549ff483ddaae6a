// rtignore: runs a program with signals 32 and 33 ignored, which glibc's
// sigaction() refuses to set (it reserves them), as a non-glibc parent
// could leave them.   rtignore prog [arg...]   Exits 111 if it cannot.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#if !defined(__linux__) || !(defined(__x86_64__) || defined(__aarch64__))
#error "rtignore: check the kernel's struct sigaction for this architecture"
#endif

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    uint64_t mask;
  } ksa = {SIG_IGN, 0, nullptr, 0};
  for (int sig = 32; sig <= 33; ++sig)
    if (::syscall(SYS_rt_sigaction, sig, &ksa, nullptr, sizeof ksa.mask) == -1) return 111;
  ::execvp(argv[1], argv + 1);
  ::perror("rtignore: exec");
  return 111;
}
