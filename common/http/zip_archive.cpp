#include "common/http/zip_archive.h"

#include <zip.h>

#include <memory>
#include <stdexcept>

namespace emqx::http {

namespace {

struct ErrorHolder {
    zip_error_t error;
    ErrorHolder() { zip_error_init(&error); }
    ~ErrorHolder() { zip_error_fini(&error); }
};

[[noreturn]] void fail(const char* step, zip_error_t* error) {
    throw std::runtime_error(std::string("zip: ") + step + ": " + zip_error_strerror(error));
}

struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

// zip_discard frees the archive with its error: keep a copy for the message.
[[noreturn]] void discardAndFail(zip_t* za, const char* step) {
    ErrorHolder copy;
    zip_error_set(&copy.error, zip_error_code_zip(zip_get_error(za)), zip_error_code_system(zip_get_error(za)));
    zip_discard(za);
    fail(step, &copy.error);
}

// The bytes libzip wrote into the in-memory source `archive`.
std::string readBack(zip_source_t* archive) {
    if (zip_source_open(archive) < 0) fail("reopening the archive", zip_source_error(archive));
    std::string bytes;
    char chunk[16 * 1024];
    zip_int64_t n;
    while ((n = zip_source_read(archive, chunk, sizeof chunk)) > 0) bytes.append(chunk, static_cast<size_t>(n));
    if (n < 0) {
        zip_source_close(archive);
        fail("reading the archive", zip_source_error(archive));
    }
    zip_source_close(archive);
    return bytes;
}

}  // namespace

std::string zipOneFile(std::string_view name, std::string_view data, int64_t wall_ms) {
    ErrorHolder err;
    SourcePtr archive(zip_source_buffer_create(nullptr, 0, 0, &err.error));
    if (!archive) fail("creating the archive", &err.error);
    // zip_close frees the source it was opened on; keep it to read the result.
    zip_source_keep(archive.get());
    zip_t* za = zip_open_from_source(archive.get(), ZIP_TRUNCATE, &err.error);
    if (!za) fail("opening the archive", &err.error);

    zip_source_t* file = zip_source_buffer(za, data.data(), data.size(), 0);
    zip_int64_t index = file ? zip_file_add(za, std::string(name).c_str(), file, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
        zip_source_free(file);
        discardAndFail(za, "adding the file");
    }
    auto at = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(za, at, ZIP_CM_DEFLATE, 0) < 0 ||
        zip_file_set_mtime(za, at, static_cast<time_t>(wall_ms / 1000), 0) < 0 || zip_close(za) < 0)
        discardAndFail(za, "writing the archive");
    return readBack(archive.get());
}

}  // namespace emqx::http
