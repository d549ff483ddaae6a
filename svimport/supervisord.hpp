// supervisord's configuration (supervisord.conf(5), read as supervisor
// 4.2's options.py reads it) made into Specs: one per process of every
// [program:x] (numprocs expanded), with the [supervisord] section's
// environment, user, umask and directory as the defaults supervisord's own
// process would pass on. [include] files= globs are read after the main
// file, relative to its directory, sorted, as supervisord reads them.
// Values are expanded as supervisord expands them: %(here)s (the directory
// of the file the key is in), %(program_name)s, %(group_name)s,
// %(host_node_name)s, %(process_num)d, %(numprocs)d, %(ENV_X)s (svimport's
// environment, then [supervisord]'s and the program's environment=).
#pragma once
#include <string>
#include <vector>

#include "svimport/service.hpp"

namespace svimport {

// Converts the file at path, appending to out. False when the input is bad
// (d.error: "FILE:LINE: why") or a file cannot be read (d.error: "unable
// to read FILE", d.sys_errno set).
bool convert_supervisord(const std::string& path, const Context& ctx, std::vector<Spec>& out, Diag& d);

}  // namespace svimport
