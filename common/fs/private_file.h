#pragma once
// Files only the daemon's user may read (stored users, API keys), replaced
// whole or not at all: written to <path>.tmp (mode 0600), fsynced, renamed.
#include <string>
#include <string_view>

namespace emqx {

// Creates the parent directories as needed. On failure returns false with
// the file and errno's words; the old file, if any, is unchanged.
bool writePrivateFile(const std::string& path, std::string_view text, std::string& error);

}  // namespace emqx
