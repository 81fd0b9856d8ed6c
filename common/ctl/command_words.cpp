#include "common/ctl/command_words.h"

#include <algorithm>
#include <vector>

#include "common/ctl/absent_commands.h"
#include "common/ctl/commands.h"

namespace emqx::ctl {

namespace {

bool contains(std::span<const std::string_view> names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string joined(const std::vector<std::string_view>& words) {
    std::string s;
    for (auto w : words) {
        if (!s.empty()) s += ", ";
        s += w;
    }
    return s;
}

std::vector<std::string_view> groups() {
    std::vector<std::string_view> out;
    for (const auto& c : commandTable())
        if (std::find(out.begin(), out.end(), c.group) == out.end()) out.push_back(c.group);
    return out;
}

std::vector<std::string_view> verbsOf(std::string_view group) {
    std::vector<std::string_view> out;
    for (const auto& c : commandTable())
        if (c.group == group && !c.verb.empty()) out.push_back(c.verb);
    return out;
}

// The command a group's name alone runs ("broker"), or null.
const CommandSpec* groupCommand(std::string_view group) {
    for (const auto& c : commandTable())
        if (c.group == group && c.verb.empty()) return &c;
    return nullptr;
}

bool takesPositional(const CommandSpec& c) {
    return std::any_of(c.args.begin(), c.args.end(), [](const ArgSpec& a) { return a.positional; });
}

std::string commandList() { return "Commands: " + joined(groups()) + "\nRun 'emqxctl --help' for what each does."; }

WordsCheck absent(const AbsentSpec& a) {
    std::string words(a.group);
    if (!a.verb.empty()) words += " " + std::string(a.verb);
    return {WordsCheck::Verdict::Absent,
            "EMQX's \"" + words + "\" command does not exist in emqxd: " + std::string(a.why)};
}

}  // namespace

WordsCheck checkCommandWords(std::span<const std::string_view> args, const GlobalOptions& globals) {
    std::vector<std::string_view> words;
    bool help = false;
    bool unknown_option = false;  // the full parse will name it
    for (size_t i = 0; i < args.size() && words.size() < 2 && !unknown_option; ++i) {
        std::string_view a = args[i];
        if (a.empty() || a.front() != '-') {
            words.push_back(a);
        } else if (a == "-h" || a == "--help") {
            help = true;
        } else if (contains(globals.with_value, a)) {
            ++i;
        } else if (!contains(globals.flags, a) && !contains(globals.with_value, a.substr(0, a.find('=')))) {
            unknown_option = true;
        }
    }
    using V = WordsCheck::Verdict;
    if (words.empty()) {
        if (help || unknown_option) return {};
        return {V::NoCommand, "a command is required\n" + commandList()};
    }
    std::string_view group = words[0];
    auto verbs = verbsOf(group);
    const CommandSpec* self = groupCommand(group);
    if (verbs.empty() && !self) {
        if (const AbsentSpec* a = findAbsent(group, "")) return absent(*a);
        return {V::UnknownGroup, "unknown command \"" + std::string(group) + "\"\n" + commandList()};
    }
    if (verbs.empty() || (self && takesPositional(*self))) return {};
    if (words.size() < 2) {
        if (self || help || unknown_option) return {};
        return {V::MissingVerb, std::string(group) + " needs a subcommand: " + joined(verbs)};
    }
    std::string_view verb = words[1];
    if (std::find(verbs.begin(), verbs.end(), verb) != verbs.end()) return {};
    if (const AbsentSpec* a = findAbsent(group, verb)) return absent(*a);
    return {V::UnknownVerb, "unknown subcommand \"" + std::string(verb) + "\" of " + std::string(group) +
                                "\nSubcommands of " + std::string(group) + ": " + joined(verbs)};
}

}  // namespace emqx::ctl
