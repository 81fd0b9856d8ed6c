#include <catch2/catch.hpp>

#include <string>

#include "emqxd/message/message.h"

using namespace emqx;

TEST_CASE("message: make copies topic, payload and publisher into one block", "[core][message]") {
    std::string topic = "sensors/42/temperature";
    std::string payload(300, 'p');
    std::string publisher = "a-client-id-longer-than-sso";
    MessagePtr m = Message::make(topic, payload, publisher);
    topic.assign(topic.size(), 'x');  // the message holds copies, not views of the arguments
    payload.assign(payload.size(), 'x');
    publisher.assign(publisher.size(), 'x');
    CHECK(m->topic == "sensors/42/temperature");
    CHECK(m->payload == std::string(300, 'p'));
    CHECK(m->publisher == "a-client-id-longer-than-sso");
    // Contiguous, right behind the Message: one allocation for all of it.
    CHECK(m->payload.data() == m->topic.data() + m->topic.size());
    CHECK(m->publisher.data() == m->payload.data() + m->payload.size());
    const char* self = reinterpret_cast<const char*>(m.get());
    CHECK(m->topic.data() >= self + sizeof(Message));
    CHECK(m->topic.data() < self + sizeof(Message) + 64);  // only the control block's tail lies between
}

TEST_CASE("message: empty parts and sharing", "[core][message]") {
    MessagePtr m = Message::make("t", "");
    CHECK(m->topic == "t");
    CHECK(m->payload.empty());
    CHECK(m->publisher.empty());
    MessagePtr copy = m;
    CHECK(m.use_count() == 2);
    m.reset();
    CHECK(copy->topic == "t");  // alive while any reference is
}
