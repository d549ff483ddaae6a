#include "svimport/ini.hpp"

#include <cctype>

#include "svimport/words.hpp"

namespace svimport {

const IniKey* IniSection::find(std::string_view key) const {
  for (const IniKey& k : keys)
    if (k.name == key) return &k;
  return nullptr;
}

IniSection* Ini::find(std::string_view name) {
  for (IniSection& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

const IniSection* Ini::find(std::string_view name) const {
  for (const IniSection& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

const IniKey* Ini::get(const IniSection& s, std::string_view key) const {
  if (const IniKey* k = s.find(key)) return k;
  return defaults.find(key);
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n'; }

// Where configparser cuts an inline comment: the first ';' or '#' at the
// start of the line or after white space; npos if none.
size_t inline_comment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i)
    if ((line[i] == ';' || line[i] == '#') && (i == 0 || is_space(line[i - 1]))) return i;
  return std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace

bool ini_parse(std::string_view text, const std::string& file, Ini& ini, std::string& error) {
  IniSection* cur = nullptr;
  IniKey* key = nullptr;           // the key a continuation line would extend
  std::vector<std::string> parts;  // its lines so far
  size_t indent_level = 0;
  auto flush = [&] {
    if (!key) return;
    std::string v;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i) v += '\n';
      v += parts[i];
    }
    while (!v.empty() && is_space(v.back())) v.pop_back();
    key->value = v;
    key = nullptr;
    parts.clear();
  };
  auto fail = [&](int line, const std::string& why) {
    error = file + ":" + std::to_string(line) + ": " + why;
    return false;
  };
  int lineno = 0;
  while (!text.empty()) {
    ++lineno;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    size_t cut = inline_comment(line);
    std::string_view stripped = py_strip(line);
    if (!stripped.empty() && (stripped.front() == '#' || stripped.front() == ';')) cut = 0;
    std::string_view value = py_strip(line.substr(0, cut));
    if (value.empty()) {
      // A blank line belongs to the value being read (configparser's
      // empty_lines_in_values), unless it held a comment.
      if (cut == std::string_view::npos && key) parts.emplace_back();
      continue;
    }
    size_t indent = 0;
    while (indent < line.size() && is_space(line[indent])) ++indent;
    if (cur && key && indent > indent_level) {
      parts.emplace_back(value);
      continue;
    }
    flush();
    indent_level = indent;
    if (value.front() == '[') {
      size_t close = value.rfind(']');
      if (close == std::string_view::npos) return fail(lineno, "unterminated section header");
      if (close == 1) return fail(lineno, "empty section name");
      std::string name(value.substr(1, close - 1));
      Where w{file, lineno};
      ini.headers.push_back({name, w});
      if (name == "DEFAULT") {
        cur = &ini.defaults;
        if (cur->where.line == 0) cur->where = w;
      } else if (IniSection* s = ini.find(name)) {
        cur = s;
      } else {
        ini.sections.push_back(IniSection{name, w, {}});
        cur = &ini.sections.back();
      }
      continue;
    }
    if (!cur) return fail(lineno, "a key outside any section");
    size_t d = value.find_first_of("=:");
    if (d == std::string_view::npos) return fail(lineno, "not a section header nor a key = value line");
    std::string name = lower(py_strip(value.substr(0, d)));
    if (name.empty()) return fail(lineno, "a value without a key");
    std::string_view v = py_strip(value.substr(d + 1));
    Where w{file, lineno};
    IniKey* k = nullptr;
    for (IniKey& existing : cur->keys)
      if (existing.name == name) k = &existing;
    if (k) {
      k->where = w;
    } else {
      cur->keys.push_back(IniKey{name, "", w});
      k = &cur->keys.back();
    }
    key = k;
    parts.assign(1, std::string(v));
  }
  flush();
  return true;
}

}  // namespace svimport
