#include "lib/user.hpp"

#include <errno.h>
#include <pwd.h>

namespace lib {

bool lookup_account(const char* name, Account& out) noexcept {
  errno = 0;
  const passwd* pw = ::getpwnam(name);
  if (!pw) return false;
  out = {pw->pw_uid, pw->pw_gid};
  return true;
}

}  // namespace lib
