#pragma once
// The daemon as a whole, on the control loop (the main thread): it binds the
// listeners, starts the workers, runs $SYS timers, and on SIGTERM/SIGINT
// stops gracefully (listeners first, then every connection with reason
// `shutdown`, MQTT 5 clients getting DISCONNECT 0x8B).
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "common/config/broker_config.h"
#include "common/thread/owner_thread.h"
#include "emqxd/app/pid_file.h"

namespace emqx {

struct BrokerContext;
namespace trace {
class TraceRegistry;
}
class CtlServer;
struct CtlHooks;
namespace http {
class HttpServer;
}
class Listener;
class LoopCompactor;
class Worker;
struct ListenerStats;
class SysPublisher;
namespace alarm {
class AlarmMonitor;
}
class RocksDbRetainStore;
namespace auth {
struct BanEntry;
struct UserRecord;
}  // namespace auth
namespace storage {
class DurableStore;
struct StoredSession;
}  // namespace storage

class BrokerApp {
public:
    explicit BrokerApp(config::BrokerConfig cfg);
    ~BrokerApp();

    // Runs until stopped; returns the process exit code.
    int run();
    // `--quarantine-data`: a damaged durable store is moved aside (kept, named
    // with a timestamp) and the node starts empty instead of failing.
    void setQuarantineData(bool on) { quarantine_data_ = on; }

private:
    // Creates the data dir and takes its pid file (and with it the dir's lock).
    bool prepareDataDir(std::string& error);
    // Logs why the start failed, on the log and stderr; returns the exit code.
    int refuseStart(const std::string& error);
    // The steps of run(), in order.
    bool openStores(std::string& error);
    bool makeListenerStates(std::string& error);
    void makeWorkers();
    void catchSignals();
    bool startCtl(std::string& error);
    // The HTTP API (emqxd/http), bound before the MQTT listeners.
    bool startHttp(std::string& error);
    // What ctl commands (from emqxctl or the HTTP API) may ask of BrokerApp.
    CtlHooks ctlHooks();
    // Closes the ctl socket and the HTTP API after a failed start.
    void abandonControl();
    // The HTTP API's keys: <data_dir>/api_keys.json and api_key.bootstrap_file.
    bool loadApiKeys(std::string& error);
    // The dashboard's users (<data_dir>/admins.json, made from dashboard.default_* at the
    // first start), its login tokens and lock-out.
    bool loadAdmins(std::string& error);
    bool bindListeners(std::string& error);
    void startServing();
    int runControlLoop();
    void stop();
    // For `emqxctl listeners stop|start|restart`, on the control loop.
    std::unique_ptr<Listener> makeListener(ListenerStats& stats);
    bool stopListener(const std::string& id, std::string& error);
    bool startListener(const std::string& id, std::string& error);
    // The license in force at start (a bad file fails the start; an expired one warns).
    bool loadLicense(std::string& error);
    // Durable storage: opens <data_dir>/<node.name>/rocksdb and loads the
    // retained messages (before the workers exist), then the sessions (onto
    // the workers, before they start); at stop saves and closes.
    bool openDurable(std::string& error);
    void restoreSessions();
    // Security::start with the durable store's users (importing users.json once) when there is one.
    bool startSecurity(std::string& error);
    bool loadDurable(storage::DurableStore& store, RocksDbRetainStore& retain, size_t& loaded, std::string& error);
    void closeDurable();

    uv_loop_t loop_{};
    OwnerThread loop_owner_;  // this thread while runControlLoop() runs the loop
    std::unique_ptr<BrokerContext> ctx_;
    // `emqxctl trace`'s traces; after ctx_: its switch counts in ctx_->hooks.
    std::unique_ptr<trace::TraceRegistry> traces_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::unique_ptr<SysPublisher> sys_;
    std::unique_ptr<alarm::AlarmMonitor> alarm_monitor_;  // raises and clears the alarms emqxd watches
    std::unique_ptr<CtlServer> ctl_;                      // outlives the workers: they post completions to it
    std::unique_ptr<http::HttpServer> http_;              // likewise
    std::unique_ptr<LoopCompactor> compactor_;            // outlives the workers: their threads run loops through it
    std::vector<std::unique_ptr<Worker>> workers_;
    uv_signal_t sigterm_{};
    uv_signal_t sigint_{};
    uv_timer_t trace_timer_{};  // ends named traces at their end time
    PidFile pid_file_;
    bool stopping_ = false;
    bool running_ = false;         // set once everything is started
    bool stop_requested_ = false;  // a signal came before that
    bool quarantine_data_ = false;
    std::vector<storage::StoredSession> loaded_sessions_;  // read at open, placed on workers before they start
    std::vector<auth::BanEntry> loaded_bans_;              // read at open, given to Banned once all is read
    std::vector<auth::UserRecord> loaded_users_;           // read at open, for the RocksDbUserStore
};

}  // namespace emqx
