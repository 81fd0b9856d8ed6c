#include "emqxd/auth/api_key_file.h"

namespace emqx::auth {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool isApiKeyRole(std::string_view role) {
    return role == kDefaultApiKeyRole || role == "viewer" || role == "publisher";
}

std::string apiKeyNameProblem(std::string_view name) {
    if (name.empty() || name.size() > 256) return "Name Length must =< 256";
    bool ok = isLetter(name.front());
    for (char c : name) ok = ok && (isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_');
    return ok ? "" : "Name should be ^[A-Za-z]+[A-Za-z0-9-_]*$";
}

bool parseApiKeyFile(std::string_view text, std::string_view file, std::vector<BootstrapApiKey>& out,
                     std::string& error) {
    size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        size_t nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        if (line.empty()) continue;
        auto where = [&] { return std::string(file) + ":" + std::to_string(line_no) + ": "; };
        size_t c1 = line.find(':');
        size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
        BootstrapApiKey k;
        k.line = line_no;
        k.api_key = std::string(line.substr(0, c1));
        if (c1 != std::string_view::npos) k.api_secret = std::string(line.substr(c1 + 1, c2 - c1 - 1));
        k.role = c2 == std::string_view::npos ? std::string(kDefaultApiKeyRole) : std::string(line.substr(c2 + 1));
        if (c1 == std::string_view::npos || k.api_key.empty() || k.api_secret.empty() || k.role.empty()) {
            error = where() + "expected key:secret or key:secret:role";
            return false;
        }
        if (!isApiKeyRole(k.role)) {
            error = where() + "invalid role \"" + k.role + "\" (administrator, viewer or publisher)";
            return false;
        }
        out.push_back(std::move(k));
    }
    return true;
}

}  // namespace emqx::auth
