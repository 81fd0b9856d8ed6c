#include "emqxd/app/pid_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace emqx {

namespace {

std::string readOwner(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string pid(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return pid;
}

}  // namespace

bool PidFile::acquire(const std::string& path, std::string& error) {
    // Opened without O_TRUNC: until the lock is ours the file belongs to whoever holds it.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "pid file " + path + ": " + std::strerror(errno);
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        if (err == EWOULDBLOCK) {
            std::string owner = readOwner(fd);
            error = "node.data_dir is in use by another emqxd" +
                    (owner.empty() ? std::string() : " (pid " + owner + ")") + ": " + path +
                    " is locked; stop it first (bin/emqx stop) or use another node.data_dir";
        } else {
            error = "pid file " + path + ": " + std::strerror(err);
        }
        ::close(fd);
        return false;
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        error = "pid file " + path + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    path_ = path;
    fd_ = fd;
    return true;
}

PidFile::~PidFile() {
    if (fd_ < 0) return;
    // Removed while still locked, so no other daemon can have written it in between.
    ::unlink(path_.c_str());
    ::close(fd_);
}

}  // namespace emqx
