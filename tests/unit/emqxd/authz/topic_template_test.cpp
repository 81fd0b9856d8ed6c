#include "emqxd/authz/topic_template.h"

#include <catch2/catch.hpp>

using namespace emqx::authz;

TEST_CASE("topic template: placeholders are found and rendered once", "[authz]") {
    CHECK(hasPlaceholder("${clientid}/#"));
    CHECK(hasPlaceholder("a/%u"));
    CHECK_FALSE(hasPlaceholder("a/b/#"));
    CHECK_FALSE(hasPlaceholder("100%/x"));  // a lone % is a character
    std::string out;
    TemplateResult r = renderTopicTemplate("${clientid}/x/%u/${username}/%c", {"bob", "dev1"}, {}, out);
    CHECK(r.outcome == TemplateOutcome::Rendered);
    CHECK(out == "dev1/x/bob/bob/dev1");
    // A value is never searched for placeholders: username "%c" stays "%c".
    r = renderTopicTemplate("%u/t", {"%c", "dev1"}, {}, out);
    CHECK(r.outcome == TemplateOutcome::Rendered);
    CHECK(out == "%c/t");
}

TEST_CASE("topic template: empty and unsafe values refuse the rule", "[authz]") {
    std::string out;
    TemplateResult r = renderTopicTemplate("${username}/#", {"", "c"}, {}, out);
    CHECK(r.outcome == TemplateOutcome::MissingValue);
    CHECK(r.placeholder == "${username}");
    struct Case {
        std::string value;
        char bad;
    };
    for (const Case& c :
         {Case{"#", '#'}, Case{"+", '+'}, Case{"a/b", '/'}, Case{std::string("a\0b", 3), '\0'}, Case{"ok+#", '+'}}) {
        r = renderTopicTemplate("pre/%c/#", {"u", c.value}, {}, out);
        CHECK(r.outcome == TemplateOutcome::UnsafeValue);
        CHECK(r.placeholder == "%c");
        CHECK(r.offending == c.bad);
    }
    TemplatePolicy all{true, true, true};
    r = renderTopicTemplate("pre/%c/#", {"u", "a/+#"}, all, out);
    CHECK(r.outcome == TemplateOutcome::Rendered);
    CHECK(out == "pre/a/+#/#");
    r = renderTopicTemplate("pre/%c/#", {"u", std::string("a\0", 2)}, all, out);
    CHECK(r.outcome == TemplateOutcome::UnsafeValue);  // NUL: whatever the policy
}
