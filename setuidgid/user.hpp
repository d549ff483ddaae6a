// Account lookup for statically linked programs.
//
// A static program cannot load NSS modules, so lookup_account does what
// glibc would, in two steps: when nsswitch.conf consults "files" (or
// "compat") first for passwd, as nearly every system does, it reads
// /etc/passwd itself, and a name found there is the answer (glibc's
// default action on success is to return). Otherwise (another source
// first, or a name not in the file) it asks getent(1), which goes through
// every NSS source (LDAP, sssd, systemd...) exactly as the reference's
// getpwnam would.
#pragma once
#include <sys/types.h>

#include <string_view>

namespace setuidgid {

struct Account {
  uid_t uid;
  gid_t gid;  // the account's primary group
};

// Looks up a user name. false if there is no such account or no source
// could be read.
bool lookup_account(const char* name, Account& out) noexcept;

// The pieces, for tests.
// Finds name in text in passwd(5) format (blank, '#', malformed and, as
// compat's NIS entries, '+'/'-' lines are skipped). true when found.
bool find_in_passwd(std::string_view text, std::string_view name, Account& out) noexcept;
// true when the "passwd:" line of nsswitch.conf text names files or compat
// first, or there is no such line (glibc's default is files).
bool passwd_files_first(std::string_view nsswitch) noexcept;
// Runs `getent passwd name` (getent at the given path) and reads its
// answer. false when getent fails, is missing, or says there is no such
// account.
bool lookup_with_getent(const char* getent, const char* name, Account& out) noexcept;

}  // namespace setuidgid
