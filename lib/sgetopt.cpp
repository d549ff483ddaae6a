#include "lib/sgetopt.hpp"

#include <string_view>

#include "lib/err.hpp"

namespace lib {

// One step of djb's subgetopt, kept to its exact rules (see the header).
int SGetOpt::scan() noexcept {
  arg_ = nullptr;
  if (!argv_ || ind_ >= argc_ || !argv_[ind_]) return kDone;
  if (pos_ && !argv_[ind_][pos_]) {  // this group of letters is used up
    ++ind_;
    pos_ = 0;
    if (ind_ >= argc_ || !argv_[ind_]) return kDone;
  }
  if (!pos_) {
    if (argv_[ind_][0] != '-') return kDone;
    ++pos_;
    char c = argv_[ind_][1];
    if (c == '-' || c == 0) {  // "--" is consumed, "-" is an argument
      if (c) ++ind_;
      pos_ = 0;
      return kDone;
    }
  }
  char c = argv_[ind_][pos_];
  ++pos_;
  for (const char* s = opts_; *s; ++s) {
    if (*s == ':') continue;
    if (c != *s) continue;
    if (s[1] == ':') {
      arg_ = argv_[ind_] + pos_;
      ++ind_;
      pos_ = 0;
      if (!*arg_) {
        arg_ = ind_ < argc_ ? argv_[ind_] : nullptr;
        if (!arg_) {
          problem_ = c;
          return '?';
        }
        ++ind_;
      }
    }
    return static_cast<unsigned char>(c);
  }
  problem_ = c;
  return '?';
}

int SGetOpt::next() noexcept {
  int c = scan();
  if (c == '?') {
    std::string_view name = argc_ > 0 && argv_[0] ? argv_[0] : "";
    size_t slash = name.rfind('/');
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    const bool missing = !(ind_ < argc_ && argv_[ind_]);
    char letter[1] = {problem_};
    write_line(2, {name, missing ? ": option requires an argument -- " : ": illegal option -- ",
                   std::string_view(letter, 1)});
  }
  return c;
}

}  // namespace lib
