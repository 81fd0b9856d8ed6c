#include "common/http/request_parser.h"

#include <http_parser.h>

#include <cctype>

namespace emqx::http {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

struct RequestParser::State {
    http_parser parser{};
    http_parser_settings settings{};
    const HttpLimits* limits = nullptr;
    HttpRequest req;
    std::string url;
    std::string field;
    std::string value;
    bool in_value = false;
    bool started = false;
    bool headers_done = false;
    bool complete = false;
    bool expect_continue = false;
    int refusal = 0;  // a status a callback refused the request with
    std::string refusal_reason;

    void commitHeader() {
        if (!field.empty()) req.headers.emplace_back(lower(std::move(field)), std::move(value));
        field.clear();
        value.clear();
        in_value = false;
    }

    void init() {
        http_parser_init(&parser, HTTP_REQUEST);
        parser.data = this;
        req = HttpRequest{};
        url.clear();
        field.clear();
        value.clear();
        in_value = started = headers_done = complete = expect_continue = false;
        refusal = 0;
        refusal_reason.clear();
    }
};

namespace {

RequestParser::State* stateOf(http_parser* p) { return static_cast<RequestParser::State*>(p->data); }

int onMessageBegin(http_parser* p) {
    stateOf(p)->started = true;
    return 0;
}

int onUrl(http_parser* p, const char* at, size_t len) {
    stateOf(p)->url.append(at, len);
    return 0;
}

int onField(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    if (s->in_value) s->commitHeader();
    s->field.append(at, len);
    return 0;
}

int onValue(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    s->in_value = true;
    s->value.append(at, len);
    return 0;
}

int onHeadersComplete(http_parser* p) {
    auto* s = stateOf(p);
    if (s->in_value || !s->field.empty()) s->commitHeader();
    s->headers_done = true;
    if (p->http_major != 1) {
        s->refusal = 505;
        s->refusal_reason = "HTTP/" + std::to_string(p->http_major) + "." + std::to_string(p->http_minor);
        return -1;
    }
    // The limit is known before any of the body is read: refuse it at once.
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > s->limits->max_body_bytes) {
        s->refusal = 413;
        s->refusal_reason = "a body of " + std::to_string(p->content_length) + " bytes (at most " +
                            std::to_string(s->limits->max_body_bytes) + ")";
        return -1;
    }
    s->req.method = http_method_str(static_cast<http_method>(p->method));
    std::string_view url = s->url;
    size_t q = url.find('?');
    s->req.path = std::string(url.substr(0, q));
    if (q != std::string_view::npos) s->req.query = std::string(url.substr(q + 1, url.find('#', q) - q - 1));
    if (const std::string* e = s->req.header("expect"); e && lower(*e) == "100-continue")
        s->expect_continue = (p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0);
    return 0;
}

int onBody(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    if (s->req.body.size() + len > s->limits->max_body_bytes) {
        s->refusal = 413;
        s->refusal_reason = "a body over " + std::to_string(s->limits->max_body_bytes) + " bytes";
        return -1;
    }
    s->req.body.append(at, len);
    return 0;
}

int onMessageComplete(http_parser* p) {
    auto* s = stateOf(p);
    s->complete = true;
    s->req.keep_alive = http_should_keep_alive(p) != 0 && !p->upgrade;
    // One request at a time: the next one is read after this one's answer.
    http_parser_pause(p, 1);
    return 0;
}

}  // namespace

RequestParser::RequestParser(HttpLimits limits) : limits_(limits), st_(std::make_unique<State>()) {
    st_->limits = &limits_;
    http_parser_settings_init(&st_->settings);
    st_->settings.on_message_begin = onMessageBegin;
    st_->settings.on_url = onUrl;
    st_->settings.on_header_field = onField;
    st_->settings.on_header_value = onValue;
    st_->settings.on_headers_complete = onHeadersComplete;
    st_->settings.on_body = onBody;
    st_->settings.on_message_complete = onMessageComplete;
    st_->init();
}

RequestParser::~RequestParser() = default;

void RequestParser::reset() {
    st_->init();
    head_seen_ = 0;
    bad_ = false;
    error_ = {};
}

HttpRequest& RequestParser::request() { return st_->req; }

bool RequestParser::started() const { return st_->started; }

bool RequestParser::takeExpectContinue() {
    bool e = st_->expect_continue && !st_->complete;
    st_->expect_continue = false;
    return e;
}

ParseStatus RequestParser::fail(int status, std::string reason) {
    bad_ = true;
    error_ = {status, std::move(reason)};
    return ParseStatus::Bad;
}

ParseStatus RequestParser::feed(const char* data, size_t len, size_t& consumed) {
    consumed = 0;
    if (bad_) return ParseStatus::Bad;
    if (st_->complete) return ParseStatus::Done;
    while (consumed < len) {
        size_t take = len - consumed;
        bool capped = false;
        if (!st_->headers_done) {
            size_t room = limits_.max_head_bytes - head_seen_;
            if (take > room) {
                take = room;
                capped = true;
            }
        }
        if (take == 0)  // (http-parser reads a call with no bytes as the end of the stream)
            return fail(431, "request line and headers over " + std::to_string(limits_.max_head_bytes) + " bytes");
        bool head_before = !st_->headers_done;
        size_t n = http_parser_execute(&st_->parser, &st_->settings, data + consumed, take);
        if (head_before) head_seen_ += n;
        consumed += n;
        auto err = HTTP_PARSER_ERRNO(&st_->parser);
        if (st_->refusal) return fail(st_->refusal, st_->refusal_reason);
        if (err == HPE_PAUSED || st_->complete) return ParseStatus::Done;
        if (err != HPE_OK) return fail(400, std::string("bad HTTP request: ") + http_errno_description(err));
        if (capped && !st_->headers_done)
            return fail(431, "request line and headers over " + std::to_string(limits_.max_head_bytes) + " bytes");
        if (n < take) return fail(400, "bad HTTP request");  // http-parser stopped without saying why
    }
    return ParseStatus::NeedMore;
}

}  // namespace emqx::http
