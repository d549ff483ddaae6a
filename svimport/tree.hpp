// Putting service directories in place so that svscan never sees a
// half-written one.
//
// A new service NAME is built as OUT/.svimport-NAME-XXXXXX (a dot name:
// svscan skips it), then renamed to OUT/NAME (never over anything). An
// existing NAME (with force) is updated in place, since a supervise may be
// running it: each file is written as .svimport.FILE beside its final name
// and renamed over it; a missing env/ or log/ is built as a temporary
// directory and renamed in; the setting files svimport manages
// (kManagedFiles) and env/ entries that the new configuration lacks are
// removed. supervise/, log/supervise/, log/run's data and any other file
// are left alone.
//
// Everything is built first; only when every service is built do the
// renames happen (env/ and log/ before the files, run last). On a failure
// the temporaries are removed and nothing has been renamed.
#pragma once
#include <string>
#include <vector>

#include "svimport/service.hpp"

namespace svimport {

struct Plan {
  std::string name;
  Where where;
  std::vector<File> files;
};

// The -n listing: each file as "==> NAME/PATH <==", its content, and a
// blank line between files (as head(1) shows several files).
std::string dry_run_text(const std::vector<Plan>& plans);

// Refuses existing service directories without force (false: d.error
// "FILE:LINE: OUT/NAME exists (-f updates it)"; also for one that is not
// a directory), or an out directory that cannot be opened (d.sys_errno).
bool check_existing(const std::string& out, const std::vector<Plan>& plans, bool force, Diag& d);

// Writes plans under out as described above (an existing directory is
// updated: check_existing has refused it without -f). False with d.error
// and d.sys_errno set when a system call fails.
bool install(const std::string& out, const std::vector<Plan>& plans, Diag& d);

}  // namespace svimport
