#pragma once
// The one table of control commands (STYLE.md practice 12). The daemon binds
// a handler to every entry (emqxd/ctl/ctl_commands.cpp, checked at start-up),
// emqxctl builds its command line and --help from it and prints each answer
// with the entry's formatter, and the tests check that man/emqxctl.1 and
// docs/ctl-protocol.md name every entry.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

// Path: a string naming a file; emqxctl sends it made absolute against its
// own working directory, and the daemon refuses a relative one.
// Flag: a --<name> option without a value; sent as true when given.
// StringList: a repeatable option (--clientid a --clientid b), a JSON array of strings.
enum class ArgKind { String, UInt, Path, Flag, StringList };

struct ArgSpec {
    std::string_view name;  // key in "args"; the option is --<name> unless positional
    ArgKind kind;
    bool positional;  // emqxctl <group> <verb> <value>
    bool required;
    std::string_view help;
};

// How emqxctl prints a successful answer's data (common/ctl/format.h's human::).
using HumanFormat = std::string (*)(const Json& data);

struct CommandSpec {
    std::string_view name;   // protocol name: "clients.list"
    std::string_view group;  // emqxctl word: "clients"
    std::string_view verb;   // emqxctl word after the group: "list"; "" for the group itself ("broker")
    std::span<const ArgSpec> args;
    std::string_view summary;  // one line for --help and the man page
    HumanFormat human;
    // What EMQX prints as ordinary output (exit 0) when the answer is
    // not_found; empty: a failure like any other (stderr, exit 1).
    std::string_view not_found_output = {};
};

std::span<const CommandSpec> commandTable();
const CommandSpec* findCommand(std::string_view name);

// Checks `args` (a JSON object) against the spec: no unknown keys, required
// ones present, types right. On failure returns false with a message.
bool validateArgs(const CommandSpec& spec, const Json& args, std::string& error);

// "clients list", or "broker" for a group command.
std::string cliWords(const CommandSpec& spec);

}  // namespace emqx::ctl
