#pragma once
// A fresh directory under the system's temporary directory (mkdtemp: unique
// even across parallel test processes), removed with everything in it at the
// end; and a whole file read back, for tests of what was written.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace emqx::test {

struct TempDir {
    std::filesystem::path dir;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "emqx-unit-XXXXXX").string();
        const char* made = ::mkdtemp(tmpl.data());
        if (!made) throw std::runtime_error("mkdtemp " + tmpl + " failed");
        dir = made;
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const char* name) const { return (dir / name).string(); }
};

inline std::string readWholeFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace emqx::test
