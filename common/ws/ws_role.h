#pragma once
// Which end of a WebSocket the code runs at: the broker is the server, emqx-bench the client.
namespace emqx::ws {

enum class Role { Server, Client };

}  // namespace emqx::ws
