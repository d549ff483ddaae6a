// zdaemon's configuration (ZConfig syntax, zdaemon's schema) made into one
// Spec: its <runner> section, with the <environment> section as env/.
//
// ZConfig syntax as read here:
//   # comment              (whole lines only)
//   key value              or key = value; runner keys in any case
//   <type [name]> ... </type>   sections; <type [name]/> is an empty one
//   %define name value     then $name, ${name} in later values; $$ is $
//   $(NAME)                the environment variable NAME
//   %include path          another file, relative to this one's directory
//   %import package        ignored (it loads schema components)
//
// The service is named after the <runner NAME> section's name, or else the
// configuration file's name without its extension (zdaemon.conf: zdaemon).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "svimport/service.hpp"

namespace svimport {

struct ZKey {
  std::string name;  // as written
  std::string value;
  Where where;
};

struct ZSection {
  std::string type;  // lower-cased; "" for the top level
  std::string name;
  Where where;
  std::vector<ZKey> keys;
  std::vector<ZSection> children;
};

// Parses the file at path (and what it %includes) into root. False with
// d.error "FILE:LINE: why" on bad input (an unterminated or mismatched
// section, an undefined $name, ...), or "unable to read FILE" with
// d.sys_errno set.
bool zconfig_parse(const std::string& path, const Context& ctx, ZSection& root, Diag& d);

// Converts the file at path, appending its one Spec to out.
bool convert_zdaemon(const std::string& path, const Context& ctx, std::vector<Spec>& out, Diag& d);

}  // namespace svimport
