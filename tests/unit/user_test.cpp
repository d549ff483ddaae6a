#include <catch2/catch.hpp>
#include <string>

#include "setuidgid/user.hpp"

TEST_CASE("find_in_passwd reads passwd(5) lines", "[user]") {
  const char* text =
      "# comment\n"
      "\n"
      "root:x:0:0:root:/root:/bin/bash\n"
      "+nisuser::::::\n"
      "broken:x:notanumber:5::/:/bin/sh\n"
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "big:x:4294967295:4000000000::/:\n"
      "huge:x:4294967296:1::/:\n"
      "daemon:x:77:77:second entry, never reached:/:\n"
      "last:x:42:43::/:";  // no final newline
  setuidgid::Account a{};
  REQUIRE(setuidgid::find_in_passwd(text, "root", a));
  CHECK(a.uid == 0);
  CHECK(a.gid == 0);
  REQUIRE(setuidgid::find_in_passwd(text, "daemon", a));
  CHECK(a.uid == 1);  // the first entry wins, as in glibc
  REQUIRE(setuidgid::find_in_passwd(text, "big", a));
  CHECK(a.uid == 4294967295u);
  CHECK(a.gid == 4000000000u);
  REQUIRE(setuidgid::find_in_passwd(text, "last", a));
  CHECK(a.gid == 43);
  CHECK_FALSE(setuidgid::find_in_passwd(text, "roo", a));     // no prefix matches
  CHECK_FALSE(setuidgid::find_in_passwd(text, "root:x", a));
  CHECK_FALSE(setuidgid::find_in_passwd(text, "broken", a));  // malformed: skipped
  CHECK_FALSE(setuidgid::find_in_passwd(text, "huge", a));    // uid out of range
  CHECK_FALSE(setuidgid::find_in_passwd(text, "+nisuser", a));
  CHECK_FALSE(setuidgid::find_in_passwd(text, "nisuser", a));
}

TEST_CASE("passwd_files_first reads nsswitch.conf's passwd line", "[user]") {
  CHECK(setuidgid::passwd_files_first("passwd:         files systemd\ngroup: files\n"));
  CHECK(setuidgid::passwd_files_first("passwd:files"));
  CHECK(setuidgid::passwd_files_first("  passwd: compat\n"));
  CHECK(setuidgid::passwd_files_first("# passwd: sss\nhosts: dns\n"));  // no line: glibc's files
  CHECK(setuidgid::passwd_files_first(""));
  CHECK(setuidgid::passwd_files_first("passwd:\n"));
  CHECK(setuidgid::passwd_files_first("passwd: files[NOTFOUND=return] ldap\n"));
  CHECK_FALSE(setuidgid::passwd_files_first("passwd: sss files\n"));
  CHECK_FALSE(setuidgid::passwd_files_first("passwd: ldap\n"));
  CHECK_FALSE(setuidgid::passwd_files_first("passwd: [NOTFOUND=return] files\n"));
  CHECK_FALSE(setuidgid::passwd_files_first("passwd: filesystem\n"));
}

TEST_CASE("lookup_with_getent asks NSS through getent(1)", "[user]") {
  const char* getent = "/usr/bin/getent";
  setuidgid::Account a{99, 99};
  REQUIRE(setuidgid::lookup_with_getent(getent, "root", a));
  CHECK(a.uid == 0);
  CHECK(a.gid == 0);
  CHECK_FALSE(setuidgid::lookup_with_getent(getent, "no-such-account-xyzzy", a));
  CHECK_FALSE(setuidgid::lookup_with_getent("/nonexistent/getent", "root", a));
}

TEST_CASE("lookup_account agrees with the system's database", "[user]") {
  setuidgid::Account a{};
  REQUIRE(setuidgid::lookup_account("root", a));
  CHECK(a.uid == 0);
  CHECK_FALSE(setuidgid::lookup_account("no-such-account-xyzzy", a));
  CHECK_FALSE(setuidgid::lookup_account("", a));
  CHECK_FALSE(setuidgid::lookup_account("root:x", a));
}
