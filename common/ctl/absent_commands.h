#pragma once
// EMQX 5's ctl commands that emqxd does not have (from EMQX's sources:
// emqx_mgmt_cli.erl and every other register_command), with why. emqxctl
// answers them with that reason instead of calling them unknown, so a script
// written for EMQX learns what is missing rather than that it mistyped.
#include <span>
#include <string_view>

namespace emqx::ctl {

// Why the cluster commands, present or absent, cannot be carried out.
inline constexpr std::string_view kNoClusterYet = "clustering is not available on this node yet";

struct AbsentSpec {
    std::string_view group;  // EMQX's word: "plugins"
    std::string_view verb;   // "" for the whole group, else the one subcommand missing here
    std::string_view why;
};

std::span<const AbsentSpec> absentTable();

// The entry for `group` (a whole group), or for `group verb`; null if neither is absent.
const AbsentSpec* findAbsent(std::string_view group, std::string_view verb);

}  // namespace emqx::ctl
