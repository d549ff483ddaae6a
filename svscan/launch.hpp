// Starting a supervise without copying svscan's descriptor table. With
// ten thousand logged services svscan holds 20,000 pipe ends; a vfork()ed
// child gets a copy of them all, which its execve then closes one by one
// (close-on-exec): about 2 ms a start at 10,000 services, so bringing a
// tree up grew with the square of its size. Here the child shares the
// table (CLONE_FILES) only until it takes a new one holding just the
// descriptors below a low mark (close_range with CLOSE_RANGE_UNSHARE,
// Linux 5.9; before that, a whole copy as before). Its stdin and stdout
// are first put at two numbers reserved below the mark. Internal to svscan.
#pragma once
#include <sys/resource.h>
#include <sys/types.h>

#include "lib/prepared_exec.hpp"

namespace svscan {

// Reserves the two numbers and sets the mark above them and above every
// descriptor svscan was started with (those stay inherited, as under
// 0.76). Call first, before svscan opens anything of its own. false on
// error, errno set.
bool launch_init() noexcept;

struct Launch {
  const lib::PreparedExec* prog;  // supervise
  char* const* argv;
  const char* name;  // the service, for messages and (log) its directory
  bool log;          // start in name/ as "supervise log"
  int in, out;       // its stdin and stdout
  const rlimit* nofile;  // the descriptor limit to restore, or nullptr
};

// Starts it, every signal blocked until the child has reset its
// dispositions (no handler of ours runs there) and then an empty mask.
// The child reports its own failures, as 0.76's does, and exits 111.
// Returns the pid, or -1 (errno set) when it could not fork.
pid_t launch(const Launch& l) noexcept;

}  // namespace svscan
