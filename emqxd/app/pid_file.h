#pragma once
// <data_dir>/emqxd.pid, held under an exclusive flock for the daemon's life:
// the lock, not the file's existence, says a daemon owns the data dir. A
// second start finds the lock taken and leaves the file alone (it names the
// live daemon that bin/emqx stop and ping look for); a crash releases the
// lock, so a stale file is simply overwritten.
#include <string>

namespace emqx {

class PidFile {
public:
    PidFile() = default;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile();

    // Locks the file and writes this process's pid. False with a message
    // (naming the owner's pid when another daemon holds it) otherwise.
    bool acquire(const std::string& path, std::string& error);

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace emqx
