#include "bench/topic_template.h"

#include <charconv>
#include <string_view>

#include "bench/options.h"

namespace emqx::bench {

namespace {

constexpr std::string_view kRandPrefix = "%rand_";

}  // namespace

bool TopicTemplate::parse(const std::string& topic, std::string& error) {
    text_.clear();
    random_levels_.clear();
    size_t start = 0;
    for (;;) {
        const size_t slash = topic.find('/', start);
        const std::string_view level = std::string_view(topic).substr(start, slash - start);
        if (level.starts_with(kRandPrefix)) {
            const std::string_view digits = level.substr(kRandPrefix.size());
            uint32_t max = 0;
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), max);
            if (ec != std::errc() || end != digits.data() + digits.size() || max == 0) {
                error = "'" + std::string(level) + "': %rand_N needs a whole number N from 1 to 4294967295";
                return false;
            }
            random_levels_.push_back({text_.size(), max});
        } else {
            text_ += level;
        }
        if (slash == std::string::npos) return true;
        text_ += '/';
        start = slash + 1;
    }
}

void TopicTemplate::expand(uint64_t seq, const std::string& client_id) {
    std::string out;
    size_t from = 0;
    for (RandomLevel& r : random_levels_) {
        out += expandPlaceholders(text_.substr(from, r.at - from), seq, client_id);
        from = r.at;
        r.at = out.size();
    }
    out += expandPlaceholders(text_.substr(from), seq, client_id);
    text_ = std::move(out);
}

void TopicTemplate::render(std::mt19937_64& rng, std::string& out) const {
    out.clear();
    size_t from = 0;
    for (const RandomLevel& r : random_levels_) {
        out.append(text_, from, r.at - from);
        out += std::to_string(std::uniform_int_distribution<uint32_t>(1, r.max)(rng));
        from = r.at;
    }
    out.append(text_, from, std::string::npos);
}

}  // namespace emqx::bench
