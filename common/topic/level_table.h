#pragma once
// LevelTable<Node>: a trie node's literal children, keyed by topic level.
//
// Open addressing with linear probing over slots of {hash, owning pointer};
// the level itself lives in the child (`Node::level`). A lookup in a big
// table is then two cache misses, the slot and the child it needs anyway,
// where std::unordered_map took three or four (bucket, the node before, the
// node, the next node to see where the bucket ends) plus a division by its
// prime bucket count: at a million subscriptions the walk spent about half
// of each publish's CPU in those misses. A 64-bit hash match is compared on
// the child's level, so a probe touches no other child.
// Memory: 16 B per slot at a load of at most 3/4, and nothing for a leaf,
// against a 64 B map node, an 8 B bucket and a 56 B empty map per node.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::topic {

template <class Node>
class LevelTable {
public:
    LevelTable() = default;
    LevelTable(const LevelTable&) = delete;
    LevelTable& operator=(const LevelTable&) = delete;
    LevelTable(LevelTable&& o) noexcept
        : slots_(std::move(o.slots_)), mask_(std::exchange(o.mask_, 0)), size_(std::exchange(o.size_, 0)) {}
    LevelTable& operator=(LevelTable&& o) noexcept {
        slots_ = std::move(o.slots_);
        mask_ = std::exchange(o.mask_, 0);
        size_ = std::exchange(o.size_, 0);
        return *this;
    }

    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }

    Node* find(std::string_view level) const {
        if (size_ == 0) return nullptr;
        const size_t h = hash(level);
        for (size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (!s.node) return nullptr;
            if (s.hash == h && s.node->level == level) return s.node.get();
        }
    }

    // The child at `level`, made by make() (a std::unique_ptr<Node> whose
    // level is `level`) when there is none.
    template <class Make>
    Node* findOrAdd(std::string_view level, Make&& make) {
        if (Node* n = find(level)) return n;
        if ((size_ + 1) * 4 > capacity() * 3) grow();
        std::unique_ptr<Node> n = make();
        Node* raw = n.get();
        place(Slot{hash(level), std::move(n)});
        ++size_;
        return raw;
    }

    // Removes (and frees) the child at `level`, if any. `level` may be that
    // child's own: it is not read once the child is freed.
    void erase(std::string_view level) {
        if (size_ == 0) return;
        const size_t h = hash(level);
        size_t i = h & mask_;
        for (;; i = (i + 1) & mask_) {
            if (!slots_[i].node) return;
            if (slots_[i].hash == h && slots_[i].node->level == level) break;
        }
        slots_[i] = Slot{};
        // Backward shift: a later slot of the same probe run moves into the
        // hole unless its home lies after the hole (cyclically).
        for (size_t j = (i + 1) & mask_; slots_[j].node; j = (j + 1) & mask_) {
            const size_t home = slots_[j].hash & mask_;
            if (((j - home) & mask_) >= ((j - i) & mask_)) {
                slots_[i] = std::move(slots_[j]);
                i = j;
            }
        }
        if (--size_ == 0) *this = LevelTable{};  // a node left without children gives its slots back
    }

    // Slot-order access for walks: capacity() slots, at(i) null when empty.
    size_t capacity() const { return slots_ ? mask_ + 1 : 0; }
    const Node* at(size_t i) const { return slots_[i].node.get(); }

    // Moves every child out into `out`, leaving the table empty (freeing a
    // subtree without recursion).
    void drainInto(std::vector<std::unique_ptr<Node>>& out) {
        for (size_t i = 0; i < capacity(); ++i) {
            if (slots_[i].node) out.push_back(std::move(slots_[i].node));
        }
        *this = LevelTable{};
    }

private:
    struct Slot {
        size_t hash = 0;
        std::unique_ptr<Node> node;  // null: free
    };

    static size_t hash(std::string_view level) { return std::hash<std::string_view>{}(level); }

    void place(Slot&& s) {
        size_t i = s.hash & mask_;
        while (slots_[i].node) i = (i + 1) & mask_;
        slots_[i] = std::move(s);
    }

    void grow() {
        const size_t cap = capacity() == 0 ? 2 : capacity() * 2;
        std::unique_ptr<Slot[]> old = std::exchange(slots_, std::make_unique<Slot[]>(cap));
        const size_t oldCap = old ? mask_ + 1 : 0;
        mask_ = static_cast<uint32_t>(cap - 1);
        for (size_t i = 0; i < oldCap; ++i) {
            if (old[i].node) place(std::move(old[i]));
        }
    }

    std::unique_ptr<Slot[]> slots_;
    uint32_t mask_ = 0;  // capacity - 1 (a power of two) while slots_ is set
    uint32_t size_ = 0;
};

}  // namespace emqx::topic
