#pragma once
// The bodies of POST /api/v5/clients/{clientid}/subscribe and /unsubscribe
// (and of their /bulk forms, an array of them), as EMQX 5.8 takes them, turned
// into the arguments of `emqxctl subscriptions add|del`. Ranges other than
// qos's (nl, rap, rh) and the topic filter itself are the ctl handler's to
// check, so emqxctl and the API refuse the same things. Pure code.
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::http {

// {topic, qos = 0, nl = 0, rap = 0, rh = 0} -> the args of subscriptions.add;
// nullopt with why.
std::optional<ctl::Json> subscribeArgs(std::string_view clientid, const ctl::Json& body, std::string& error);

// {topic} -> the args of subscriptions.del; nullopt with why.
std::optional<ctl::Json> unsubscribeArgs(std::string_view clientid, const ctl::Json& body, std::string& error);

}  // namespace emqx::http
