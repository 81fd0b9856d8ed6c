#include "emqxd/app/broker_app.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "emqxd/app/broker_context.h"
#include "emqxd/ctl/ctl_server.h"
#include "emqxd/license/license.h"
#include "emqxd/log/log.h"
#include "emqxd/net/listener.h"
#include "emqxd/net/tls/tls_context.h"
#include "emqxd/session/session.h"
#include "emqxd/sys/sys_publisher.h"
#include "emqxd/trace/trace_hooks.h"
#include "emqxd/trace/trace_registry.h"
#include "emqxd/worker/worker.h"

namespace emqx {

namespace {

unsigned workerCount(const config::NodeConfig& node) {
    if (node.workers > 0) return node.workers;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

}  // namespace

BrokerApp::BrokerApp(config::BrokerConfig cfg) {
    unsigned n = workerCount(cfg.node);
    ctx_ = std::make_unique<BrokerContext>(std::move(cfg), n);
    uv_loop_init(&loop_);
}

BrokerApp::~BrokerApp() {
    listeners_.clear();
    ctx_->workers.clear();
    Session::setDropObserver(nullptr);
    ctl_.reset();
    uv_loop_close(&loop_);
}

bool BrokerApp::prepareDataDir(std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(ctx_->cfg.node.data_dir, ec);
    if (ec) {
        error = "node.data_dir " + ctx_->cfg.node.data_dir + ": " + ec.message();
        return false;
    }
    pid_file_ = (std::filesystem::path(ctx_->cfg.node.data_dir) / "emqxd.pid").string();
    std::ofstream(pid_file_) << getpid() << "\n";
    return true;
}

int BrokerApp::run() {
    BrokerContext& ctx = *ctx_;
    std::string error;
    if (!prepareDataDir(error)) {
        log::critical("{}", error);
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    if (!loadLicense(error)) {
        log::critical("{}", error);
        std::fprintf(stderr, "%s\n", error.c_str());
        std::filesystem::remove(pid_file_);
        return 1;
    }
    drop_tracer_ = std::make_unique<trace::DropTracer>(ctx);
    Session::setDropObserver(drop_tracer_.get());
    // Only enabled listeners exist at run time (and in `emqxctl listeners`):
    // ssl.default and wss.default are declared but off by default, and a
    // fresh start must not list listeners that need certificates it has not got.
    for (const auto& lc : ctx.cfg.listeners) {
        if (!lc.enable) continue;
        auto stats = std::make_unique<ListenerStats>(lc);
        if (lc.type == "ssl" || lc.type == "wss") {
            // Certificates that cannot be loaded fail the start, naming the listener and the file.
            stats->tls = TlsContext::create(lc, error);
            if (!stats->tls) {
                log::critical("{}", error);
                std::fprintf(stderr, "%s\n", error.c_str());
                std::filesystem::remove(pid_file_);
                return 1;
            }
        }
        ctx.listeners.push_back(std::move(stats));
    }
    for (unsigned i = 0; i < ctx.worker_count; ++i) ctx.workers.push_back(std::make_unique<Worker>(ctx, i));
    // The ctl socket is up before the MQTT port answers, so whoever waits for
    // the port can use emqxctl at once.
    ctl_ = std::make_unique<CtlServer>(&loop_, ctx,
                                       CtlHooks{[this](const std::string& id, std::string& e) { return stopListener(id, e); },
                                                [this](const std::string& id, std::string& e) { return startListener(id, e); }});
    if (!ctl_->start(error)) {
        log::critical("{}", error);
        std::fprintf(stderr, "%s\n", error.c_str());
        ctl_->stop();
        uv_run(&loop_, UV_RUN_NOWAIT);
        std::filesystem::remove(pid_file_);
        return 1;
    }
    // Bind everything before serving anything: a port in use fails the start.
    for (auto& stats : ctx.listeners) {
        if (!stats->config.enable) continue;
        auto l = std::make_unique<Listener>(&loop_, ctx, *stats);
        if (!l->start(error)) {
            log::critical("{}", error);
            std::fprintf(stderr, "%s\n", error.c_str());
            listeners_.clear();
            ctl_->stop();
            uv_run(&loop_, UV_RUN_NOWAIT);
            std::filesystem::remove(pid_file_);
            return 1;
        }
        listeners_.push_back(std::move(l));
    }
    ctx.started_at_ms = Worker::wallMs();
    for (auto& w : ctx.workers) w->start();
    sys_ = std::make_unique<SysPublisher>(&loop_, ctx);
    sys_->start();
    uv_timer_init(&loop_, &trace_timer_);
    trace_timer_.data = this;
    uv_timer_start(
        &trace_timer_,
        [](uv_timer_t* t) {
            auto* app = static_cast<BrokerApp*>(t->data);
            app->ctx_->traces->expire(Worker::wallMs());
        },
        200, 200);

    uv_signal_init(&loop_, &sigterm_);
    uv_signal_init(&loop_, &sigint_);
    sigterm_.data = this;
    sigint_.data = this;
    auto on_signal = [](uv_signal_t* s, int) { static_cast<BrokerApp*>(s->data)->stop(); };
    uv_signal_start(&sigterm_, on_signal, SIGTERM);
    uv_signal_start(&sigint_, on_signal, SIGINT);
    log::info("{} {} is running with {} workers", ctx.cfg.node.name, EMQX_VERSION, ctx.worker_count);
    std::printf("EMQX %s is running now!\n", EMQX_VERSION);
    std::fflush(stdout);

    uv_run(&loop_, UV_RUN_DEFAULT);
    for (auto& w : ctx.workers) w->join();
    std::filesystem::remove(pid_file_);
    log::info("{} stopped", ctx.cfg.node.name);
    return 0;
}

void BrokerApp::stop() {
    if (stopping_) return;
    stopping_ = true;
    ctx_->stopping.store(true);
    log::info("stopping: closing listeners and connections");
    for (auto& l : listeners_) l->stop();
    ctl_->stop();
    sys_->stop();
    uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&trace_timer_), nullptr);
    for (auto& w : ctx_->workers) w->requestStop();
}

bool BrokerApp::stopListener(const std::string& id, std::string& error) {
    if (stopping_) {
        error = "the broker is stopping";
        return false;
    }
    for (auto& l : listeners_)
        if (l->stats().id == id) l->stop();  // idempotent; connections and counters stay
    return true;
}

bool BrokerApp::startListener(const std::string& id, std::string& error) {
    if (stopping_) {
        error = "the broker is stopping";
        return false;
    }
    for (auto& l : listeners_)
        if (l->stats().id == id) return l->start(error);
    for (auto& stats : ctx_->listeners) {
        if (stats->id != id) continue;
        auto l = std::make_unique<Listener>(&loop_, *ctx_, *stats);
        if (!l->start(error)) return false;
        listeners_.push_back(std::move(l));
        return true;
    }
    error = "not_found";
    return false;
}

bool BrokerApp::loadLicense(std::string& error) {
    namespace fs = std::filesystem;
    const auto& lc = ctx_->cfg.license;
    std::string path = lc.file;
    if (path.empty()) path = (fs::path(ctx_->cfg.node.data_dir) / "license" / "emqx.lic").string();
    else if (fs::path(path).is_relative()) path = (fs::path(ctx_->cfg.node.data_dir) / path).string();
    std::string pem;
    if (!lc.public_key_file.empty()) {
        std::ifstream f(lc.public_key_file, std::ios::binary);
        if (!f) {
            error = "license.public_key_file " + lc.public_key_file + ": cannot read";
            return false;
        }
        pem.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    std::string warning;
    if (!ctx_->license->load(path, pem, error, warning)) {
        error = "license: " + error;
        return false;
    }
    if (!warning.empty()) {
        log::warn("license: {}", warning);
        std::fprintf(stderr, "WARNING: %s\n", warning.c_str());
    }
    return true;
}

}  // namespace emqx
