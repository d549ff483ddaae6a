// Splitting and quoting words the way the imported configurations and sh
// do it. Pure functions of their text; failures return false with `why`
// set to a short lower-case phrase (no errno involved).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace svimport {

// Python's shlex.split(s) (POSIX mode, no comments), as supervisord splits
// `command`: white space separates words; '...' is literal; in "..." a
// backslash escapes only " and \; outside quotes a backslash escapes any
// character; '' gives an empty word. Fails on "no closing quotation" and
// "no escaped character" (a final backslash).
bool shlex_split(std::string_view s, std::vector<std::string>& out, std::string& why);

// supervisord's dict_of_key_value_pairs: KEY=VAL,KEY2="VAL 2" tokenised by
// Python's non-POSIX shlex (word characters: letters, digits, _ and
// /.+-():; '#' starts a comment), each KEY = VAL triple followed by one
// separator token (whatever it is), quotes stripped from both ends of VAL.
// Later keys replace earlier ones in place.
using EnvList = std::vector<std::pair<std::string, std::string>>;
bool parse_env_pairs(std::string_view s, EnvList& out, std::string& why);
// Sets key to value in env: replaced where it is, else appended.
void env_set(EnvList& env, const std::string& key, const std::string& value);

// s as one sh word: single-quoted, each ' written as '\''.
std::string sh_quote(std::string_view s);

// A value for Python's "%" operator with a mapping.
struct ExpValue {
  bool is_int = false;
  int64_t i = 0;
  std::string s;
};
using Expansions = std::map<std::string, ExpValue>;

// Python's `s % expansions`, as supervisord and its configparser expand
// values: %(name)s, %(name)d, %(name)02d (flags - 0 + space, width,
// precision; conversions s r d i u), %% for %. Fails with why
// "%(name)s cannot be expanded" or "badly formatted: ...".
bool py_format(std::string_view s, const Expansions& e, std::string& out, std::string& why);

// Python's int(s): optional white space and sign, decimal digits (with
// single underscores between them). False when it is not one.
bool py_int(std::string_view s, int64_t& out);

// Python's str(s).strip(): s without white space at either end.
std::string_view py_strip(std::string_view s);

}  // namespace svimport
