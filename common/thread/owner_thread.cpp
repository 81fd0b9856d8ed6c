#include "common/thread/owner_thread.h"

#include <cstdio>
#include <cstdlib>

namespace emqx {

void ownerThreadViolation(const char* function, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: %s: called from a thread other than its owner's loop\n", file, line, function);
    std::fflush(stderr);
    std::abort();
}

}  // namespace emqx
