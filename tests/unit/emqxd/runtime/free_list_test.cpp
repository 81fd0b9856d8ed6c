// A worker's free list: objects given back are taken again, newest first, and
// at most kMaxFree are kept.
#include <catch2/catch.hpp>

#include <memory>

#include "emqxd/runtime/free_list.h"

using namespace emqx;

TEST_CASE("free list: reuses what was given back, keeps at most kMaxFree", "[core][free_list]") {
    FreeList<int, 2> list;
    std::unique_ptr<int> a = list.take();
    std::unique_ptr<int> b = list.take();
    std::unique_ptr<int> c = list.take();
    int* pa = a.get();
    int* pb = b.get();
    list.give(std::move(a));
    list.give(std::move(b));
    list.give(std::move(c));  // over the bound: freed
    CHECK(list.kept() == 2);
    list.give(nullptr);
    CHECK(list.kept() == 2);
    CHECK(list.take().get() == pb);
    CHECK(list.take().get() == pa);
    CHECK(list.kept() == 0);
    CHECK(list.take() != nullptr);  // empty: a new one
}
