// libFuzzer target: bytes -> a temp config file -> loadConfig must never
// crash. Input after a line "%%" is the environment, one NAME=VALUE a line.
// A config the loader accepts from the file alone must render (renderConfig)
// to TOML that loads back to the same config.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config_keys.h"
#include "common/config/config_loader.h"

namespace {

const std::string& tempPath() {
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/emqx-config-fuzz-" + std::to_string(::getpid()) + ".toml";
    }();
    return path;
}

bool writeFile(const std::string& path, std::string_view text) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
}

std::map<std::string, std::string> parseEnv(std::string_view text) {
    std::map<std::string, std::string> env;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace emqx::config;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view file = input;
    std::map<std::string, std::string> env;
    if (size_t sep = input.find("\n%%\n"); sep != std::string_view::npos) {
        file = input.substr(0, sep);
        env = parseEnv(input.substr(sep + 4));
    }
    if (!writeFile(tempPath(), file)) return 0;

    BrokerConfig config;
    std::vector<ConfigError> errors;
    bool ok = loadConfig(tempPath(), env, config, errors);
    if (ok != errors.empty()) std::abort();
    for (const ConfigError& e : errors)
        if (e.message.empty() || e.message.find('\n') != std::string::npos) std::abort();  // one line each

    if (ok && env.empty()) {
        std::string rendered = renderConfig(config);
        if (!writeFile(tempPath(), rendered)) return 0;
        BrokerConfig again;
        std::vector<ConfigError> again_errors;
        if (!loadConfig(tempPath(), {}, again, again_errors)) std::abort();
        if (renderConfig(again) != rendered) std::abort();
    }
    return 0;
}
