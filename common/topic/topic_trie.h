#pragma once
// TopicTrie<Value>: the subscription index the router consults on every
// PUBLISH. Maps topic filters to small values ({worker, session, options}...).
//
// Design
// ------
// * Two structures:
//   - `exact_`: hash map from a whole wildcard-free filter to its values. Exact
//     filters are the common case; a PUBLISH costs one hash of the topic and
//     one lookup for all of them, whatever their number.
//   - a trie holding only the filters with '+' or '#'. Each node has its
//     literal children in a LevelTable (open addressing; each child keeps its
//     own level, looked up by std::string_view: see level_table.h),
//     the '+' child as a separate pointer, the values of filters ending at the
//     node, and the values of filters "<node>/#" (`hashValues`: '#' is always
//     last, so it never needs a node of its own). So matching a level costs
//     one hash lookup (the literal), whatever wildcards the node has.
//   Keeping exact filters out of the trie keeps it small (only wildcard
//   prefixes), so a topic walk usually stops after a level or two instead of
//   descending through every level of a deep exact-filter path. Measured with
//   100k exact + 1k wildcard filters and random 5-level topics (-O2): ~750
//   ns/match with the split vs ~1500 ns with every filter in the trie.
// * match() allocates nothing: levels are string_views into the topic, and
//   the pending branches live on a fixed in-object stack (a heap vector takes
//   over only past kInlineFrames pending branches, i.e. for topics/filters far
//   deeper than any sane max_topic_levels). Cost is O(levels x matching
//   branches), independent of the number of filters.
// * Each filter's values are visited at most once per match: every trie node
//   is a unique filter prefix and is reached through a single path.
// * '$' rule (4.7.2): at the root, '+' and '#' are skipped for topics starting
//   with '$'.
// * erase() prunes nodes that became empty, so memory goes back.
// * Nothing recurses level by level: insert, find, match, erase, forEach and
//   the destruction of a node walk with loops and explicit stacks. A filter may
//   have 65,535 levels (max_topic_levels allows it); one stack frame per level
//   overflowed a thread's 8 MiB stack there.
// * Filters must be valid per topic::isValidTopicFilter (shared forms split
//   with topic::parseFilter first); insert rejects anything else.
// * Not thread-safe: the caller (router) holds a reader/writer lock.
#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/topic/level_table.h"
#include "common/topic/topic.h"

namespace emqx::topic {

// Transparent string hash: lets unordered_map<std::string, ..., StringHash,
// std::equal_to<>> be searched with a std::string_view (C++20).
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace emqx::topic

// libstdc++ stores a node's hash code only for hashes it does not deem fast
// (std::hash<std::string> is not, a custom hash is). Without the code, a lookup
// hashes the key of each node it walks past to see where the bucket ends, and
// every rehash hashes every key again: at a million filters each is a cache
// miss on the node's string. Profiled while subscribing 200k filters, 19% of
// the broker's CPU was exact_'s lookups and rehashes. The code costs no
// memory: an exact_ node still fits its 80 B glibc chunk.
#if defined(__GLIBCXX__)
template <>
struct std::__is_fast_hash<emqx::topic::StringHash> : std::false_type {};
#endif

namespace emqx::topic {

template <class Value>
class TopicTrie {
public:
    using Values = std::vector<Value>;

    TopicTrie() = default;
    TopicTrie(const TopicTrie&) = delete;
    TopicTrie& operator=(const TopicTrie&) = delete;
    TopicTrie(TopicTrie&& o) noexcept
        : exact_(std::move(o.exact_)),
          root_(std::move(o.root_)),
          filterCount_(std::exchange(o.filterCount_, 0)),
          valueCount_(std::exchange(o.valueCount_, 0)),
          nodeCount_(std::exchange(o.nodeCount_, 0)) {
        o.clear();
    }
    TopicTrie& operator=(TopicTrie&& o) noexcept {
        if (this != &o) {
            exact_ = std::move(o.exact_);
            root_ = std::move(o.root_);
            filterCount_ = std::exchange(o.filterCount_, 0);
            valueCount_ = std::exchange(o.valueCount_, 0);
            nodeCount_ = std::exchange(o.nodeCount_, 0);
            o.clear();
        }
        return *this;
    }

    // Adds `v` under `filter`. False if an equal value (operator==) is already
    // there (nothing is replaced) or if `filter` is not a valid filter.
    bool insert(std::string_view filter, const Value& v) {
        return insertImpl(
            filter, v, [](const Value& a, const Value& b) { return a == b; }, false);
    }

    // Adds `v` under `filter`, or, if a value `e` with eq(e, v) exists there,
    // overwrites it with `v` (e.g. same session re-subscribing with new
    // options). True when a new value was added, false when one was replaced
    // or `filter` is invalid.
    template <class Eq>
    bool insertOrAssign(std::string_view filter, const Value& v, Eq&& eq) {
        return insertImpl(filter, v, std::forward<Eq>(eq), true);
    }

    // Removes the value equal (operator==) to `v` under `filter`. False if absent.
    bool erase(std::string_view filter, const Value& v) {
        return eraseIf(filter, [&v](const Value& e) { return e == v; }) != 0;
    }

    // Removes every value under `filter` for which pred(value) holds; returns
    // how many were removed. Empty nodes are pruned.
    template <class Pred>
    size_t eraseIf(std::string_view filter, Pred&& pred) {
        if (filter.empty()) return 0;
        if (!hasWildcard(filter)) {
            auto it = exact_.find(filter);
            if (it == exact_.end()) return 0;
            const size_t n = removeFrom(it->second, pred);
            if (it->second.empty()) exact_.erase(it);
            return n;
        }
        return eraseWildcard(filter, pred);
    }

    // The values stored under exactly `filter` (no matching), or nullptr.
    const Values* find(std::string_view filter) const {
        if (filter.empty()) return nullptr;
        if (!hasWildcard(filter)) {
            auto it = exact_.find(filter);
            return it == exact_.end() ? nullptr : &it->second;
        }
        const Node* node = &root_;
        size_t pos = 0;
        for (;;) {
            const size_t e = levelEnd(filter, pos);
            const std::string_view level = filter.substr(pos, e - pos);
            if (level == "#") return node->hashValues.empty() ? nullptr : &node->hashValues;
            if (level == "+") {
                node = node->plus.get();
            } else {
                node = node->children.find(level);
            }
            if (node == nullptr) return nullptr;
            if (e == filter.size()) return node->values.empty() ? nullptr : &node->values;
            pos = e + 1;
        }
    }

    // Calls visit(const Value&) for every value whose filter matches `topic`
    // (a topic name: no wildcards). No allocation.
    template <class F>
    void match(std::string_view topic, F&& visit) const {
        if (topic.empty()) return;
        if (!exact_.empty()) {
            auto it = exact_.find(topic);
            if (it != exact_.end()) {
                for (const Value& v : it->second) visit(v);
            }
        }
        if (root_.isEmpty()) return;

        const bool dollar = topic.front() == '$';
        FrameStack stack;
        stack.push({&root_, 0, false});
        while (!stack.empty()) {
            const Frame f = stack.pop();
            const Node* node = f.node;
            const bool atRoot = node == &root_;
            // "<prefix>/#" matches the prefix itself and everything below.
            if (!(atRoot && dollar)) {
                for (const Value& v : node->hashValues) visit(v);
            }
            if (f.done) {
                for (const Value& v : node->values) visit(v);
                continue;
            }
            const size_t e = levelEnd(topic, f.pos);
            const bool last = e == topic.size();
            const size_t next = last ? e : e + 1;
            if (const Node* child = node->children.find(topic.substr(f.pos, e - f.pos))) {
                stack.push({child, next, last});
            }
            if (node->plus && !(atRoot && dollar)) stack.push({node->plus.get(), next, last});
        }
    }

    // Calls visit(std::string_view filter, const Value&) for every stored
    // value (order unspecified). Allocates (rebuilds the filter strings).
    template <class F>
    void forEach(F&& visit) const {
        for (const auto& [filter, values] : exact_) {
            for (const Value& v : values) visit(std::string_view(filter), v);
        }
        forEachWildcard(visit);
    }

    size_t filterCount() const { return filterCount_; }
    size_t valueCount() const { return valueCount_; }
    bool empty() const { return valueCount_ == 0; }
    // Trie nodes below the root: one per distinct prefix of the wildcard
    // filters, '#' levels excluded. What the trie's memory grows with.
    size_t nodeCount() const { return nodeCount_; }

    void clear() {
        exact_.clear();
        root_ = Node{};
        filterCount_ = 0;
        valueCount_ = 0;
        nodeCount_ = 0;
    }

private:
    struct Node {
        std::string level;           // its key in the parent's `children` (empty: the root and '+' nodes)
        LevelTable<Node> children;   // the literal levels below
        std::unique_ptr<Node> plus;  // the '+' level
        Values values;               // filters ending at this node
        Values hashValues;           // filters "<this node>/#" ("#" at the root)

        Node() = default;
        Node(Node&&) noexcept = default;
        Node& operator=(Node&& o) noexcept {
            if (this != &o) {
                releaseChildren();
                level = std::move(o.level);
                children = std::move(o.children);
                plus = std::move(o.plus);
                values = std::move(o.values);
                hashValues = std::move(o.hashValues);
            }
            return *this;
        }
        // Frees the subtree without recursing: each node's children are moved
        // out before it is destroyed.
        ~Node() { releaseChildren(); }

        bool isEmpty() const { return children.empty() && !plus && values.empty() && hashValues.empty(); }

    private:
        void releaseChildren() {
            if (children.empty() && !plus) return;
            std::vector<std::unique_ptr<Node>> pending;
            auto detach = [&pending](Node& n) {
                if (n.plus) pending.push_back(std::move(n.plus));
                n.children.drainInto(pending);
            };
            detach(*this);
            while (!pending.empty()) {
                std::unique_ptr<Node> n = std::move(pending.back());
                pending.pop_back();
                detach(*n);
            }  // n, now childless, is freed here
        }
    };

    struct Frame {
        const Node* node;
        size_t pos;  // start of the next topic level to consume
        bool done;   // no topic level left
    };

    // LIFO of pending branches: in-object up to kInlineFrames, then the heap.
    // A pop pushes at most two frames one level deeper, so the depth stays
    // around the topic's level count.
    class FrameStack {
    public:
        void push(const Frame& f) {
            if (size_ < kInlineFrames) {
                inline_[size_] = f;
            } else {
                overflow_.push_back(f);
            }
            ++size_;
        }
        Frame pop() {
            --size_;
            if (size_ < kInlineFrames) return inline_[size_];
            Frame f = overflow_.back();
            overflow_.pop_back();
            return f;
        }
        bool empty() const { return size_ == 0; }

    private:
        static constexpr size_t kInlineFrames = 160;
        std::array<Frame, kInlineFrames> inline_;
        std::vector<Frame> overflow_;
        size_t size_ = 0;
    };

    static size_t levelEnd(std::string_view s, size_t from) {
        const size_t e = s.find('/', from);
        return e == std::string_view::npos ? s.size() : e;
    }

    template <class Pred>
    size_t removeFrom(Values& values, Pred& pred) {
        const size_t before = values.size();
        std::erase_if(values, [&pred](const Value& e) { return static_cast<bool>(pred(e)); });
        const size_t n = before - values.size();
        valueCount_ -= n;
        if (n != 0 && values.empty()) --filterCount_;
        if (values.empty()) Values().swap(values);  // give the capacity back
        return n;
    }

    template <class Eq>
    bool addTo(Values& values, const Value& v, Eq& eq, bool assign) {
        for (Value& e : values) {
            if (eq(e, v)) {
                if (assign) e = v;
                return false;
            }
        }
        if (values.empty()) ++filterCount_;
        values.push_back(v);
        ++valueCount_;
        return true;
    }

    std::unique_ptr<Node> newNode() {
        ++nodeCount_;
        return std::make_unique<Node>();
    }

    template <class Eq>
    bool insertImpl(std::string_view filter, const Value& v, Eq&& eq, bool assign) {
        if (!isValidTopicFilter(filter)) return false;
        if (!hasWildcard(filter)) {
            auto it = exact_.find(filter);
            if (it == exact_.end()) it = exact_.emplace(std::string(filter), Values{}).first;
            return addTo(it->second, v, eq, assign);
        }
        Node* node = &root_;
        size_t pos = 0;
        for (;;) {
            const size_t e = levelEnd(filter, pos);
            const std::string_view level = filter.substr(pos, e - pos);
            if (level == "#") return addTo(node->hashValues, v, eq, assign);  // always last
            if (level == "+") {
                if (!node->plus) node->plus = newNode();
                node = node->plus.get();
            } else {
                node = node->children.findOrAdd(level, [&] {
                    std::unique_ptr<Node> n = newNode();
                    n->level = level;
                    return n;
                });
            }
            if (e == filter.size()) return addTo(node->values, v, eq, assign);
            pos = e + 1;
        }
    }

    // Removes matching values for the wildcard `filter`, then prunes the nodes
    // of its path left empty, deepest first.
    template <class Pred>
    size_t eraseWildcard(std::string_view filter, Pred& pred) {
        struct Step {
            Node* parent;
            Node* child;  // parent->plus, or parent's literal child child->level
        };
        std::vector<Step> path;
        Node* node = &root_;
        size_t pos = 0;
        size_t removed = 0;
        for (;;) {
            const size_t e = levelEnd(filter, pos);
            const std::string_view level = filter.substr(pos, e - pos);
            if (level == "#") {
                if (e == filter.size()) removed = removeFrom(node->hashValues, pred);
                break;
            }
            Node* child;
            if (level == "+") {
                if (!node->plus) break;
                child = node->plus.get();
            } else {
                child = node->children.find(level);
                if (!child) break;
            }
            path.push_back({node, child});
            if (e == filter.size()) {
                removed = removeFrom(child->values, pred);
                break;
            }
            node = child;
            pos = e + 1;
        }
        for (auto s = path.rbegin(); s != path.rend() && s->child->isEmpty(); ++s) {
            --nodeCount_;
            if (s->child == s->parent->plus.get()) {
                s->parent->plus.reset();
            } else {
                s->parent->children.erase(s->child->level);
            }
        }
        return removed;
    }

    // Depth-first over the trie with an explicit stack; `path` is the filter
    // of the node on top, rebuilt in place as the walk goes down and up.
    template <class F>
    void forEachWildcard(F& visit) const {
        struct Walk {
            const Node* node;
            size_t depth;
            size_t saved;  // path.size() before this node's level was appended
            bool plus_done;
            size_t next;  // the next slot of node->children to look at
        };
        std::string path;
        std::vector<Walk> stack;
        auto enter = [&](const Node& n, size_t depth, size_t saved) {
            for (const Value& v : n.values) visit(std::string_view(path), v);
            if (!n.hashValues.empty()) {
                const std::string filter = depth == 0 ? std::string("#") : path + "/#";
                for (const Value& v : n.hashValues) visit(std::string_view(filter), v);
            }
            stack.push_back({&n, depth, saved, false, 0});
        };
        enter(root_, 0, 0);
        while (!stack.empty()) {
            Walk& w = stack.back();
            const Node* child = nullptr;
            std::string_view level;
            if (!w.plus_done) {
                w.plus_done = true;
                if (w.node->plus) {
                    child = w.node->plus.get();
                    level = "+";
                }
            }
            while (child == nullptr && w.next < w.node->children.capacity()) {
                child = w.node->children.at(w.next++);
                if (child) level = child->level;
            }
            if (child == nullptr) {
                path.resize(w.saved);
                stack.pop_back();
                continue;
            }
            const size_t saved = path.size();
            const size_t depth = w.depth + 1;
            if (w.depth != 0) path += '/';
            path += level;
            enter(*child, depth, saved);  // may reallocate `stack`: `w` is not used after this
        }
    }

    std::unordered_map<std::string, Values, StringHash, std::equal_to<>> exact_;
    Node root_;
    size_t filterCount_ = 0;
    size_t valueCount_ = 0;
    size_t nodeCount_ = 0;
};

}  // namespace emqx::topic
