#pragma once
// The first words of an emqxctl command line (the group and its subcommand),
// checked against the command table before the full parse, so that an
// unknown, absent or incomplete command is answered in EMQX's terms: the
// commands there are, the subcommands of a group, or what emqxd does not have
// (absent_commands.h).
#include <span>
#include <string>
#include <string_view>

namespace emqx::ctl {

// emqxctl's own options, which may come before or between the words.
struct GlobalOptions {
    std::span<const std::string_view> flags;       // --json, -h, --help
    std::span<const std::string_view> with_value;  // --socket PATH (or --socket=PATH)
};

struct WordsCheck {
    enum class Verdict {
        Parse,         // nothing to say: the full parse decides
        NoCommand,     // no word at all (and no --help)
        UnknownGroup,  // the first word is no command
        UnknownVerb,   // the group has subcommands and the second word is none of them
        MissingVerb,   // the group needs a subcommand and none was given (and no --help)
        Absent,        // an EMQX command that emqxd does not have
    };
    Verdict verdict = Verdict::Parse;
    std::string message;  // what to tell the user (no trailing LF); empty for Parse
};

// `args`: the command line without the program name.
WordsCheck checkCommandWords(std::span<const std::string_view> args, const GlobalOptions& globals);

}  // namespace emqx::ctl
