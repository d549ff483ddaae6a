// Account lookup (through NSS, as the reference does).
#pragma once
#include <sys/types.h>

namespace lib {

struct Account {
  uid_t uid;
  gid_t gid;  // the account's primary group
};

// Looks up a user name. false if there is no such account (errno 0) or the
// lookup failed (errno set).
bool lookup_account(const char* name, Account& out) noexcept;

}  // namespace lib
