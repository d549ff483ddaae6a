// Option parsing exactly as daemontools' sgetopt/subgetopt does it, so
// that odd command lines behave as under 0.76:
//   - options end at the first argument not starting with '-', at a lone
//     "-" (which stays an argument) and after "--" (which is skipped);
//   - letters may be grouped ("-nx"); an option's value is the rest of its
//     argument ("-o5") or else the next argument, even an empty one;
//   - an unknown letter or a missing value returns '?' after printing
//     "<name>: illegal option -- c" or "<name>: option requires an argument -- c"
//     on stderr, <name> being argv[0] without its directories.
#pragma once

namespace lib {

class SGetOpt {
 public:
  static constexpr int kDone = -1;
  // opts: the option letters, each followed by ':' if it takes a value.
  SGetOpt(int argc, char* const* argv, const char* opts) noexcept
      : argc_(argc), argv_(argv), opts_(opts) {}
  // The next option letter, '?' (message printed), or kDone.
  int next() noexcept;
  // The value of the option just returned (null if it takes none).
  const char* arg() const noexcept { return arg_; }
  // Index of the first argument after the options, once next() gave kDone.
  int index() const noexcept { return ind_; }
  // The offending letter after '?'.
  char problem() const noexcept { return problem_; }

 private:
  int scan() noexcept;

  int argc_;
  char* const* argv_;
  const char* opts_;
  int ind_ = 1;
  int pos_ = 0;
  const char* arg_ = nullptr;
  char problem_ = 0;
};

}  // namespace lib
