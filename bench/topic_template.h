#pragma once
// A pub topic with emqtt_bench's %rand_N levels: a level that is exactly
// "%rand_N" (N >= 1) becomes a uniform random number 1..N, drawn again for
// every message; in the other levels %i and %c are the client's (expand),
// as emqtt_bench renders each level once.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace emqx::bench {

class TopicTemplate {
public:
    // False with `error` set when a level starts with %rand_ but N is not a number from 1 to 2^32-1.
    bool parse(const std::string& topic, std::string& error);
    // %i and %c of the levels that are not random, for one client (a client
    // id that reads "%rand_N" stays literal).
    void expand(uint64_t seq, const std::string& client_id);

    bool isRandom() const { return !random_levels_.empty(); }
    // The topic as given, when !isRandom().
    const std::string& text() const { return text_; }
    // One drawing of the topic into `out`.
    void render(std::mt19937_64& rng, std::string& out) const;

private:
    struct RandomLevel {
        size_t at;  // where in text_ the number goes (the "%rand_N" level is cut out of text_)
        uint32_t max;
    };
    std::string text_;
    std::vector<RandomLevel> random_levels_;
};

}  // namespace emqx::bench
