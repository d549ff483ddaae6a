// An INI file read as supervisord reads it: Python's configparser
// (RawConfigParser, strict=False) with supervisord's settings.
//
//   [section]            a header: the name is what lies between the '['
//                        and the last ']' (text after it is ignored)
//   key = value          or key: value; keys are lower-cased, white space
//                        around key and value dropped
//     more               an indented line continues the value (joined with
//                        a newline); blank lines inside a value are kept,
//                        trailing ones dropped
//   ; comment, # comment a line whose first non-blank is ; or #
//   value ;comment       inline comments: ; or # at the start of a value
//                        or after white space
//   [DEFAULT]            keys every section inherits
//
// A section named twice is merged (a later key replaces an earlier one),
// as configparser does with strict=False; every header is also recorded,
// so that callers can refuse duplicates where they matter.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace svimport {

// Where a key or a section comes from, for messages: "FILE:LINE".
struct Where {
  std::string file;
  int line = 0;
  std::string str() const { return file + ":" + std::to_string(line); }
};

struct IniKey {
  std::string name;  // lower-cased
  std::string value;
  Where where;
};

struct IniSection {
  std::string name;
  Where where;  // its first header
  std::vector<IniKey> keys;
  const IniKey* find(std::string_view key) const;
};

struct Ini {
  std::vector<IniSection> sections;  // in order of first appearance
  IniSection defaults;               // [DEFAULT]
  struct Header {
    std::string name;
    Where where;
  };
  std::vector<Header> headers;  // every header line read, in order

  IniSection* find(std::string_view name);
  const IniSection* find(std::string_view name) const;
  // A key of section, or else of [DEFAULT]; null when neither has it.
  const IniKey* get(const IniSection& s, std::string_view key) const;
};

// Adds the text of file to ini. False on a line configparser refuses
// (error: "FILE:LINE: why"): an unterminated section header, a key
// outside any section, a line that is neither a header nor key = value.
bool ini_parse(std::string_view text, const std::string& file, Ini& ini, std::string& error);

}  // namespace svimport
