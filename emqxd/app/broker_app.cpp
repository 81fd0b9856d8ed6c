#include "emqxd/app/broker_app.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/clock/wall_clock.h"
#include "emqxd/alarm/alarm_actions.h"
#include "emqxd/alarm/alarm_monitor.h"
#include "emqxd/alarm/alarm_registry.h"
#include "emqxd/auth/admin_store.h"
#include "emqxd/auth/api_key_store.h"
#include "emqxd/auth/dashboard_token.h"
#include "emqxd/auth/login_lock.h"
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_server.h"
#include "emqxd/http/http_server.h"
#include "emqxd/license/license.h"
#include "emqxd/log/log.h"
#include "emqxd/net/listener.h"
#include "emqxd/net/tls/tls_context.h"
#include "emqxd/protocol/client_events.h"
#include "emqxd/retain/rocksdb_retain_store.h"
#include "emqxd/runtime/loop_compactor.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/storage/ban_loader.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"
#include "emqxd/storage/rocksdb_user_store.h"
#include "emqxd/storage/session_loader.h"
#include "emqxd/sys/os_stats.h"
#include "emqxd/sys/sys_publisher.h"
#include "emqxd/trace/trace_hooks.h"
#include "emqxd/trace/trace_registry.h"
#include "emqxd/worker/worker.h"

namespace emqx {

namespace {

// How often worker 0 reads the worker threads' CPU clocks and its loop's idle
// time to decide whether their loops share a thread (runtime/compaction_policy.h).
constexpr int64_t kCompactionPeriodMs = 200;

unsigned workerCount(const config::NodeConfig& node) {
    if (node.workers > 0) return node.workers;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

}  // namespace

BrokerApp::BrokerApp(config::BrokerConfig cfg) {
    unsigned n = workerCount(cfg.node);
    ctx_ = std::make_unique<BrokerContext>(std::move(cfg), n);
    traces_ = std::make_unique<trace::TraceRegistry>(ctx_->cfg.trace.max_file_size);
    const config::AlarmConfig& ac = ctx_->cfg.alarm;
    ctx_->alarms = std::make_shared<alarm::AlarmRegistry>(
        ac.size_limit, ac.validity_period * 1000,
        alarm::alarmActions(ac.actions, [this](const std::string& op, std::string json) {
            if (sys_) sys_->publishAlarm(op, std::move(json));
        }));
    ctx_->host_cpu = std::make_shared<sys::HostCpuMeter>();
    uv_loop_init(&loop_);
}

BrokerApp::~BrokerApp() {
    listeners_.clear();
    closeDurable();  // its writer thread posts to the workers: stop it first
    workers_.clear();
    ctl_.reset();
    http_.reset();
    uv_loop_close(&loop_);
}

bool BrokerApp::prepareDataDir(std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(ctx_->cfg.node.data_dir, ec);
    if (ec) {
        error = "node.data_dir " + ctx_->cfg.node.data_dir + ": " + ec.message();
        return false;
    }
    return pid_file_.acquire((std::filesystem::path(ctx_->cfg.node.data_dir) / "emqxd.pid").string(), error);
}

int BrokerApp::refuseStart(const std::string& error) {
    log::critical("{}", error);
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
}

int BrokerApp::run() {
    std::string error;
    if (!prepareDataDir(error) || !loadLicense(error) || !loadApiKeys(error) || !loadAdmins(error) ||
        !openStores(error) || !makeListenerStates(error))
        return refuseStart(error);
    makeWorkers();
    catchSignals();
    // The ctl socket is up before the MQTT port answers, so whoever waits for
    // the port can use emqxctl at once.
    if (!startCtl(error) || !startHttp(error) || !bindListeners(error)) return refuseStart(error);
    startServing();
    return runControlLoop();
}

bool BrokerApp::openStores(std::string& error) {
    // Authentication and authorization (docs/security.md); the durable store
    // first, since it holds the banned clients and the built-in database's users.
    ctx_->security = std::make_shared<auth::Security>(ctx_->cfg);
    if (!openDurable(error)) return false;
    if (!startSecurity(error)) {
        closeDurable();
        return false;
    }
    return true;
}

bool BrokerApp::makeListenerStates(std::string& error) {
    // Only enabled listeners exist at run time (and in `emqxctl listeners`):
    // ssl.default and wss.default are declared but off by default, and a
    // fresh start must not list listeners that need certificates it has not got.
    for (const auto& lc : ctx_->cfg.listeners) {
        if (!lc.enable) continue;
        auto stats = std::make_unique<ListenerStats>(lc);
        if (lc.type == "ssl" || lc.type == "wss") {
            // Certificates that cannot be loaded fail the start, naming the listener and the file.
            stats->tls = TlsContext::forListener(lc, error);
            if (!stats->tls.load()) return false;
        }
        ctx_->listeners.push_back(std::move(stats));
    }
    return true;
}

void BrokerApp::makeWorkers() {
    // The hook bus's subscribers, while no worker runs (emqxd/hooks/hook_bus.h).
    trace::subscribe(ctx_->hooks, *traces_);
    subscribeClientEvents(ctx_->hooks, ctx_->cfg);
    auto send_to_owner = [this](MigratingConnection m, uint32_t owner) {
        workers_[owner]->adoptMigrating(std::move(m));
    };
    for (unsigned i = 0; i < ctx_->worker_count; ++i)
        workers_.push_back(std::make_unique<Worker>(*ctx_, i, send_to_owner));
    if (workers_.size() > 1 && ctx_->cfg.node.worker_compaction) {
        std::vector<WorkerRuntime*> runtimes;
        for (auto& w : workers_) runtimes.push_back(&w->runtime());
        compactor_ = std::make_unique<LoopCompactor>(std::move(runtimes), CompactionPolicy{}, kCompactionPeriodMs);
        for (auto& w : workers_) w->runtime().setCompactor(compactor_.get());
    }
    restoreSessions();
}

void BrokerApp::catchSignals() {
    // Signals are caught before anything binds: a SIGTERM during the start
    // is remembered and stops the broker as soon as it runs, instead of
    // killing it with the default action (and an exit code of -15).
    uv_signal_init(&loop_, &sigterm_);
    uv_signal_init(&loop_, &sigint_);
    sigterm_.data = this;
    sigint_.data = this;
    auto on_signal = [](uv_signal_t* s, int) {
        auto* app = static_cast<BrokerApp*>(s->data);
        if (app->running_) app->stop();
        else app->stop_requested_ = true;
    };
    uv_signal_start(&sigterm_, on_signal, SIGTERM);
    uv_signal_start(&sigint_, on_signal, SIGINT);
}

CtlHooks BrokerApp::ctlHooks() {
    return CtlHooks{[this](const std::string& id, std::string& e) { return stopListener(id, e); },
                    [this](const std::string& id, std::string& e) { return startListener(id, e); }};
}

void BrokerApp::abandonControl() {
    if (ctl_) ctl_->stop();
    if (http_) http_->stop();
    uv_run(&loop_, UV_RUN_NOWAIT);
}

bool BrokerApp::startCtl(std::string& error) {
    ctl_ = std::make_unique<CtlServer>(&loop_, loop_owner_, *ctx_, workers_, *traces_, ctlHooks());
    if (ctl_->start(error)) return true;
    abandonControl();
    return false;
}

bool BrokerApp::startHttp(std::string& error) {
    http_ = std::make_unique<http::HttpServer>(&loop_, loop_owner_, *ctx_, workers_, *traces_, ctlHooks());
    if (http_->start(error)) return true;
    abandonControl();
    return false;
}

bool BrokerApp::loadApiKeys(std::string& error) {
    std::string path = (std::filesystem::path(ctx_->cfg.node.data_dir) / "api_keys.json").string();
    auto keys = std::make_shared<auth::ApiKeyStore>(path);
    if (!keys->load(ctx_->cfg.api_key.bootstrap_file, wallClockMs() / 1000, error)) return false;
    ctx_->api_keys = std::move(keys);
    return true;
}

bool BrokerApp::loadAdmins(std::string& error) {
    const config::DashboardConfig& d = ctx_->cfg.dashboard;
    auto admins =
        std::make_shared<auth::AdminStore>((std::filesystem::path(ctx_->cfg.node.data_dir) / "admins.json").string());
    if (!admins->load(d.default_username, d.default_password, error)) return false;
    ctx_->admins = std::move(admins);
    ctx_->dashboard_tokens = std::make_shared<auth::DashboardTokens>(d.token_expired_time);
    ctx_->login_lock = std::make_shared<auth::LoginLock>(
        d.unsuccessful_login_max_attempts, d.unsuccessful_login_interval, d.unsuccessful_login_lock_duration);
    return true;
}

std::unique_ptr<Listener> BrokerApp::makeListener(ListenerStats& stats) {
    return std::make_unique<Listener>(&loop_, *ctx_, stats,
                                      [this](unsigned w, int fd, ListenerStats* s, std::string peer) {
                                          workers_[w]->adoptSocket(fd, s, std::move(peer));
                                      });
}

bool BrokerApp::bindListeners(std::string& error) {
    // Bind everything before serving anything: a port in use fails the start.
    for (auto& stats : ctx_->listeners) {
        if (!stats->config.enable) continue;
        auto l = makeListener(*stats);
        if (!l->start(error)) {
            listeners_.clear();
            abandonControl();
            return false;
        }
        listeners_.push_back(std::move(l));
    }
    return true;
}

void BrokerApp::startServing() {
    ctx_->started_at_ms = wallClockMs();
    for (auto& w : workers_) w->start();
    sys_ = std::make_unique<SysPublisher>(&loop_, *ctx_);
    sys_->start();
    alarm_monitor_ = std::make_unique<alarm::AlarmMonitor>(&loop_, *ctx_, *ctx_->alarms);
    alarm_monitor_->start();
    uv_timer_init(&loop_, &trace_timer_);
    trace_timer_.data = this;
    uv_timer_start(
        &trace_timer_,
        [](uv_timer_t* t) {
            auto* app = static_cast<BrokerApp*>(t->data);
            app->traces_->expire(wallClockMs());
        },
        200, 200);
}

int BrokerApp::runControlLoop() {
    running_ = true;
    if (stop_requested_) stop();  // a SIGTERM that came while starting
    log::info("{} {} is running with {} workers", ctx_->cfg.node.name, EMQX_VERSION, ctx_->worker_count);
    std::printf("EMQX %s is running now!\n", EMQX_VERSION);
    std::fflush(stdout);

    loop_owner_.enter();
    uv_run(&loop_, UV_RUN_DEFAULT);
    loop_owner_.leave();
    for (auto& w : workers_) w->join();
    closeDurable();
    log::info("{} stopped", ctx_->cfg.node.name);
    return 0;
}

void BrokerApp::stop() {
    if (stopping_) return;
    stopping_ = true;
    ctx_->stopping.store(true);
    log::info("stopping: closing listeners and connections");
    for (auto& l : listeners_) l->stop();
    ctl_->stop();
    http_->stop();
    sys_->stop();
    alarm_monitor_->stop();
    uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&trace_timer_), nullptr);
    for (auto& w : workers_) w->requestStop();
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
        auto l = makeListener(*stats);
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

namespace {

std::string timestampForName() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

}  // namespace

bool BrokerApp::loadDurable(storage::DurableStore& store, RocksDbRetainStore& retain, size_t& loaded,
                            std::string& error) {
    int64_t now = wallClockMs();
    size_t expired = 0;
    if (!retain.load(now, loaded, expired, error)) return false;
    if (expired > 0) log::info("durable store: removed {} expired retained messages", expired);
    storage::LoadedSessions sessions;
    if (!storage::loadSessions(store, now, sessions, error)) return false;
    if (sessions.expired > 0) log::info("durable store: removed {} expired sessions", sessions.expired);
    if (sessions.journaled > 0)
        log::info("durable store: {} journaled messages for persistent sessions", sessions.journaled);
    // Journals are keyed by session id: new sessions never reuse a stored one.
    ctx_->next_session_id.store(sessions.max_session_id + 1);
    loaded_sessions_ = std::move(sessions.sessions);
    storage::LoadedBans bans;
    if (!storage::loadBans(store, now, bans, error)) return false;
    if (bans.expired > 0) log::info("durable store: removed {} expired bans", bans.expired);
    loaded_bans_ = std::move(bans.bans);
    loaded_users_.clear();  // a second attempt after --quarantine-data starts afresh
    return auth::RocksDbUserStore::read(store, loaded_users_, error);
}

bool BrokerApp::startSecurity(std::string& error) {
    BrokerContext& ctx = *ctx_;
    std::unique_ptr<auth::UserStore> users;
    if (ctx.durable) {
        auto store = std::make_unique<auth::RocksDbUserStore>(ctx.durable, std::move(loaded_users_));
        loaded_users_.clear();
        std::string file = (std::filesystem::path(ctx.cfg.node.data_dir) / "auth" / "users.json").string();
        size_t imported = 0;
        if (!store->importFile(file, imported, error)) {
            error = "authentication: " + error;
            return false;
        }
        if (imported > 0) log::info("authentication: {} users imported from {} into the durable store", imported, file);
        users = std::move(store);
    }
    return ctx.security->start(error, std::move(users));
}

bool BrokerApp::openDurable(std::string& error) {
    namespace fs = std::filesystem;
    BrokerContext& ctx = *ctx_;
    if (!ctx.cfg.durable.enable) {
        log::info(
            "durable storage is off (durable.enable = false): retained messages and sessions are kept in memory only");
        return true;
    }
    const std::string& node = ctx.cfg.node.name;
    fs::path data_dir(ctx.cfg.node.data_dir);
    // The store follows node.name: another name's store in this data dir is not ours to load.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(data_dir, ec)) {
        std::error_code e2;
        if (!entry.is_directory(e2)) continue;
        std::string other = entry.path().filename().string();
        if (other == node || !fs::exists(entry.path() / "rocksdb", e2)) continue;
        std::string warning =
            "data dir " + data_dir.string() + " holds the durable store of node '" + other + "', but this node is '" +
            node +
            "': its retained messages and sessions are NOT loaded. "
            "If the node was renamed by mistake, set node.name (EMQX_NODE__NAME, or EMQX_HOST) back to '" +
            other + "'.";
        log::warn("{}", warning);
        std::fprintf(stderr, "WARNING: %s\n", warning.c_str());
    }
    std::string dir = (data_dir / node / "rocksdb").string();
    auto mode = storage::fsyncModeFromName(ctx.cfg.durable.fsync);
    storage::DurableStore::OpenFailure failure;
    size_t loaded = 0;
    std::unique_ptr<RocksDbRetainStore> retain;
    // Opens and reads everything (retained messages, sessions): a record that
    // cannot be read is damage, found before anything is served or written.
    auto openAndLoad = [&]() -> std::shared_ptr<storage::DurableStore> {
        std::shared_ptr<storage::DurableStore> st(storage::DurableStore::open(dir, mode, error, failure));
        if (!st) return nullptr;
        retain = std::make_unique<RocksDbRetainStore>(st);
        // The load removes what expired while the broker was down; held until
        // everything was read, so a store found damaged half-way is unchanged.
        st->holdWrites();
        bool ok = loadDurable(*st, *retain, loaded, error);
        if (ok) {
            st->releaseWrites();
            return st;
        }
        failure = storage::DurableStore::OpenFailure::Damaged;
        retain.reset();
        st->discardWrites();
        st->close();
        return nullptr;
    };
    std::shared_ptr<storage::DurableStore> shared = openAndLoad();
    if (!shared && failure == storage::DurableStore::OpenFailure::Damaged && quarantine_data_) {
        std::string aside = dir + ".damaged-" + timestampForName();
        fs::rename(dir, aside, ec);
        if (ec) {
            error = "cannot move the damaged durable store " + dir + " aside to " + aside + ": " + ec.message();
            return false;
        }
        std::string note = "durable store " + dir + " could not be read (" + error + "); moved it aside to " + aside +
                           " (kept for inspection) and starting with an empty store";
        log::warn("{}", note);
        std::fprintf(stderr, "WARNING: %s\n", note.c_str());
        error.clear();
        shared = openAndLoad();
    }
    if (!shared) {
        if (failure == storage::DurableStore::OpenFailure::Locked) {
            error = "durable store " + dir + " is locked by another process (" + error +
                    "): is another emqxd running with node.data_dir " + data_dir.string() + "?";
        } else if (failure == storage::DurableStore::OpenFailure::Damaged) {
            error = "durable store " + dir + " is damaged or unreadable: " + error +
                    ". Nothing was changed. To keep it for inspection and start with an empty store, start with "
                    "--quarantine-data (bin/emqx start --quarantine-data, or emqxd console --quarantine-data): "
                    "it moves " +
                    dir + " aside to " + dir + ".damaged-<timestamp>. Or restore it from a backup.";
        } else {
            error = "durable store " + dir + ": " + error;
        }
        return false;
    } else if (quarantine_data_ && error.empty() && failure == storage::DurableStore::OpenFailure::None) {
        log::info("--quarantine-data: durable store {} is readable, nothing moved", dir);
    }
    ctx.durable = shared;
    ctx.retain = std::move(retain);
    log::info("durable store {} (fsync={}): loaded {} retained messages", dir, ctx.cfg.durable.fsync, loaded);
    std::printf("Loaded %zu retained messages from %s\n", loaded, dir.c_str());
    // Banned clients: back in memory, and every change written through from now on.
    size_t bans = loaded_bans_.size();
    ctx.security->banned().restore(std::move(loaded_bans_));
    loaded_bans_.clear();
    ctx.security->banned().persistTo(ctx.durable.get());
    log::info("durable store {}: loaded {} banned clients", dir, bans);
    std::printf("Loaded %zu banned clients from %s\n", bans, dir.c_str());
    std::fflush(stdout);
    return true;
}

void BrokerApp::restoreSessions() {
    BrokerContext& ctx = *ctx_;
    if (!ctx.durable) return;
    // Commits wake the workers that hold acks waiting for them (on the store's writer thread).
    ctx.durable->setCommitListener([this](uint64_t seq) {
        for (auto& w : workers_)
            if (w->acksWaitForCommit()) {
                Worker* wp = w.get();
                wp->post([wp, seq] { wp->shard().acks().onCommitted(seq); });
            }
    });
    size_t restored = 0;
    for (storage::StoredSession& st : loaded_sessions_) {
        uint32_t w = static_cast<uint32_t>(std::hash<std::string_view>{}(st.client_id) % ctx.worker_count);
        workers_[w]->shard().sessions().restore(std::move(st));
        ++restored;
    }
    loaded_sessions_.clear();
    loaded_sessions_.shrink_to_fit();
    log::info("durable store {}: loaded {} sessions", ctx.durable->dir(), restored);
    std::printf("Loaded %zu sessions from %s\n", restored, ctx.durable->dir().c_str());
    std::fflush(stdout);
}

void BrokerApp::closeDurable() {
    BrokerContext& ctx = *ctx_;
    if (!ctx.durable) return;
    // Called with the workers stopped (or never started): their sessions are ours to read.
    size_t saved = 0;
    for (auto& w : workers_) saved += w->shard().sessions().save();
    if (ctx.security) ctx.security->banned().persistTo(nullptr);  // memory only from here on
    ctx.durable->close();
    log::info("durable store {}: saved {} sessions, {} retained messages; closed", ctx.durable->dir(), saved,
              ctx.retain->size());
    ctx.durable.reset();
}

}  // namespace emqx
