#pragma once
#include <cstdint>

namespace emqx {

// A node of the cluster as this node's router and shards know it: a small
// integer, so a route to a node costs what a route to a session does. The
// cluster (a later issue) gives each peer node its id; 0 is this node.
using NodeId = uint16_t;
inline constexpr NodeId kThisNode = 0;

}  // namespace emqx
