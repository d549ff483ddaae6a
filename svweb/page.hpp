// The two pages svweb serves: the service list (GET /) and the log view
// (GET /log/NAME). Plain HTML with one inline style and one inline script
// each, no external URL; the scripts fill the pages from the JSON API and
// insert every text from a service (names, STATUS text, log lines) with
// textContent, never as markup. The Content-Security-Policy allows exactly
// those inline blocks by their SHA-256 hashes, and fetches to 'self'.
#pragma once
#include <string>

namespace svweb {

struct Pages {
  std::string index;  // GET /
  std::string log;    // GET /log/NAME (the name is read from the URL by the script)
  std::string csp;    // the Content-Security-Policy header value
};

// Builds the pages once, at start-up; control: svweb has a token file
// (<body data-control="1">, the token field and the buttons).
void build_pages(bool control, Pages& out);

}  // namespace svweb
