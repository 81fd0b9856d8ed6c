#pragma once
// A file replaced whole or not at all: written to <path>.tmp with its final
// mode, fsynced, renamed over <path>. A reader sees the old text or the new,
// never a part.
#include <sys/types.h>
#include <string>
#include <string_view>

namespace emqx {

// Creates the parent directories as needed. On failure returns false with
// the file and errno's words; the old file, if any, is unchanged.
bool replaceFile(const std::string& path, std::string_view text, mode_t mode, std::string& error);

// Files only the daemon's user may read (stored users, API keys): mode 0600.
inline bool writePrivateFile(const std::string& path, std::string_view text, std::string& error) {
    return replaceFile(path, text, 0600, error);
}

}  // namespace emqx
