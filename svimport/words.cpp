#include "svimport/words.hpp"

#include <cstring>

namespace svimport {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The white space of Python's shlex.
bool is_shlex_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_env_wordchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         std::strchr("/.+-():", c) != nullptr;
}

}  // namespace

std::string_view py_strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool shlex_split(std::string_view s, std::vector<std::string>& out, std::string& why) {
  out.clear();
  std::string word;
  bool in_word = false;  // a word has begun (possibly an empty quoted one)
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_shlex_space(c)) {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\\') {
      if (++i == s.size()) return why = "no escaped character", false;
      word += s[i];
      in_word = true;
    } else if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return why = "no closing quotation", false;
      word.append(s.substr(i + 1, end - i - 1));
      i = end;
      in_word = true;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i == s.size()) return why = "no closing quotation", false;
        if (s[i] == '"') break;
        if (s[i] == '\\') {
          if (++i == s.size()) return why = "no escaped character", false;
          if (s[i] != '"' && s[i] != '\\') word += '\\';
        }
        word += s[i];
      }
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(word));
  return true;
}

namespace {

// Python's shlex.shlex(s) in non-POSIX mode, with supervisord's word
// characters: the tokens of an `environment` value.
bool env_tokens(std::string_view s, std::vector<std::string>& out, std::string& why) {
  size_t i = 0, n = s.size();
  auto skip_line = [&] {
    while (i < n && s[i] != '\n') ++i;
    if (i < n) ++i;
  };
  while (i < n) {
    char c = s[i];
    if (is_shlex_space(c)) {
      ++i;
    } else if (c == '#') {
      skip_line();
    } else if (c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) return why = "no closing quotation", false;
      out.emplace_back(s.substr(i, end - i + 1));
      i = end + 1;
    } else if (is_env_wordchar(c)) {
      std::string tok;
      while (i < n) {
        char d = s[i];
        if (d == '#') {
          skip_line();  // non-POSIX shlex: the word goes on after a comment
        } else if (is_env_wordchar(d) || d == '\'' || d == '"') {
          tok += d;
          ++i;
        } else {
          break;
        }
      }
      out.push_back(std::move(tok));
    } else {
      out.emplace_back(1, c);
      ++i;
    }
  }
  return true;
}

}  // namespace

void env_set(EnvList& env, const std::string& key, const std::string& value) {
  for (auto& kv : env)
    if (kv.first == key) {
      kv.second = value;
      return;
    }
  env.emplace_back(key, value);
}

bool parse_env_pairs(std::string_view s, EnvList& out, std::string& why) {
  std::vector<std::string> t;
  if (!env_tokens(s, t, why)) return false;
  for (size_t i = 0; i < t.size(); i += 4) {
    if (i + 3 > t.size() || t[i + 1] != "=") {
      why = "unexpected end of key/value pairs";
      return false;
    }
    std::string_view v = t[i + 2];
    while (!v.empty() && (v.front() == '\'' || v.front() == '"')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\'' || v.back() == '"')) v.remove_suffix(1);
    env_set(out, t[i], std::string(v));
  }
  return true;
}

std::string sh_quote(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  q += '\'';
  return q;
}

bool py_int(std::string_view s, int64_t& out) {
  s = py_strip(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  int64_t v = 0;
  char prev = 0;
  for (char c : s) {
    if (c == '_') {
      if (prev == '_') return false;
    } else if (c >= '0' && c <= '9') {
      if (v > (INT64_MAX - (c - '0')) / 10) return false;
      v = v * 10 + (c - '0');
    } else {
      return false;
    }
    prev = c;
  }
  out = neg ? -v : v;
  return true;
}

namespace {

std::string py_repr(const std::string& s) {
  bool sq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  char q = sq ? '"' : '\'';
  std::string r(1, q);
  for (unsigned char c : s) {
    if (c == '\\') r += "\\\\";
    else if (c == q) (r += '\\') += char(c);
    else if (c == '\n') r += "\\n";
    else if (c == '\t') r += "\\t";
    else if (c == '\r') r += "\\r";
    else if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      r += "\\x";
      r += hex[c >> 4];
      r += hex[c & 15];
    } else {
      r += char(c);
    }
  }
  r += q;
  return r;
}

}  // namespace

bool py_format(std::string_view s, const Expansions& e, std::string& out, std::string& why) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return why = "badly formatted: incomplete format", false;
    if (s[i] == '%') {
      out += '%';
      continue;
    }
    if (s[i] != '(') return why = "badly formatted: format requires a mapping", false;
    // The name ends at the matching parenthesis (Python counts nesting).
    size_t start = ++i;
    int depth = 1;
    for (; i < s.size(); ++i) {
      if (s[i] == '(') ++depth;
      if (s[i] == ')' && --depth == 0) break;
    }
    if (i == s.size()) return why = "badly formatted: incomplete format key", false;
    std::string name(s.substr(start, i - start));
    ++i;
    bool left = false, zero = false, plus = false, space = false;
    for (; i < s.size() && std::strchr("-0+ #", s[i]); ++i) {
      if (s[i] == '-') left = true;
      if (s[i] == '0') zero = true;
      if (s[i] == '+') plus = true;
      if (s[i] == ' ') space = true;
    }
    size_t width = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) width = width * 10 + size_t(s[i] - '0');
    bool has_prec = false;
    size_t prec = 0;
    if (i < s.size() && s[i] == '.') {
      has_prec = true;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) prec = prec * 10 + size_t(s[i] - '0');
    }
    while (i < s.size() && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) ++i;
    if (i == s.size()) return why = "badly formatted: incomplete format", false;
    char conv = s[i];
    auto it = e.find(name);
    if (it == e.end()) {
      why = "%(" + name + ")s cannot be expanded";
      return false;
    }
    const ExpValue& v = it->second;
    std::string text;
    switch (conv) {
      case 's':
      case 'r':
        text = v.is_int ? std::to_string(v.i) : (conv == 'r' ? py_repr(v.s) : v.s);
        if (has_prec && text.size() > prec) text.resize(prec);
        break;
      case 'd':
      case 'i':
      case 'u': {
        if (!v.is_int) {
          why = "badly formatted: %" + std::string(1, conv) + " format: a real number is required, not str";
          return false;
        }
        uint64_t mag = v.i < 0 ? uint64_t(0) - uint64_t(v.i) : uint64_t(v.i);
        std::string digits = std::to_string(mag);
        if (has_prec && digits.size() < prec) digits.insert(0, prec - digits.size(), '0');
        std::string sign = v.i < 0 ? "-" : plus ? "+" : space ? " " : "";
        if (zero && !left && !has_prec && sign.size() + digits.size() < width)
          digits.insert(0, width - sign.size() - digits.size(), '0');
        text = sign + digits;
        break;
      }
      default:
        why = "badly formatted: unsupported format character '" + std::string(1, conv) + "'";
        return false;
    }
    if (text.size() < width) {
      if (left)
        text.append(width - text.size(), ' ');
      else
        text.insert(0, width - text.size(), ' ');
    }
    out += text;
  }
  return true;
}

}  // namespace svimport
