// The descriptor limit of programs that hold a descriptor per service.
#pragma once

namespace lib {

// Raises the soft RLIMIT_NOFILE to the hard one. false if it already is,
// or if the limit cannot be read or set; errno preserved either way, so a
// caller can still report the EMFILE that sent it here.
bool raise_nofile() noexcept;

}  // namespace lib
