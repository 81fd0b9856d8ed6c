// emqxd: the broker daemon. `emqxd console` runs it in the foreground.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/config/config_loader.h"
#include "emqxd/app/broker_app.h"
#include "emqxd/app/startup_warnings.h"
#include "emqxd/log/log.h"
#include "emqxd/log/logging.h"

namespace {

// Every connection is a file descriptor: take the open-files soft limit up to
// the hard limit, as mosquitto, FlashMQ and EMQX's VM do, instead of stopping
// at the 1024 a shell or service manager usually hands out. An unlimited hard
// limit is capped at fs.nr_open (setrlimit refuses more).
void raiseOpenFilesLimit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max) return;
    rlim_t want = rl.rlim_max;
    if (want == RLIM_INFINITY) {
        unsigned long nr_open = 1048576;
        std::ifstream("/proc/sys/fs/nr_open") >> nr_open;
        want = static_cast<rlim_t>(nr_open);
    }
    if (want <= rl.rlim_cur) return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        emqx::log::warn("cannot raise the open files limit from {} to {}: {}", was, want, std::strerror(errno));
    else emqx::log::info("open files limit raised from {} to {}", was, want);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"emqxd: an MQTT 3.1/3.1.1/5.0 broker administered as EMQX is"};
    app.set_version_flag("-v,--version", std::string("emqxd ") + EMQX_VERSION);
    std::string config_file;
    bool console = true;
    app.require_subcommand(0, 1);
    auto* console_cmd = app.add_subcommand("console", "run in the foreground, logging to the console (default)");
    auto* foreground_cmd = app.add_subcommand("foreground", "run in the foreground, logging to the log file only");
    bool quarantine_data = false;
    for (auto* cmd : {console_cmd, foreground_cmd}) {
        cmd->add_option("-c,--config", config_file, "configuration file (TOML)");
        cmd->add_flag("--quarantine-data", quarantine_data,
                      "if the durable store (<data_dir>/<node.name>/rocksdb) cannot be read, move it aside "
                      "(kept as rocksdb.damaged-<timestamp>) and start with an empty one");
    }
    // A -c file that cannot be read is a configuration error (exit 1, named by
    // the loader with the reason), not a usage error.
    app.add_option("-c,--config", config_file, "configuration file (TOML)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (foreground_cmd->parsed()) console = false;

    emqx::config::BrokerConfig cfg;
    std::vector<emqx::config::ConfigError> errors;
    if (!emqx::config::loadConfig(config_file, emqx::config::processEnvironment(), cfg, errors)) {
        for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    emqx::warnDefaultCookie(cfg, config_file);
    emqx::warnAnonymousListeners(cfg, config_file);
    std::signal(SIGPIPE, SIG_IGN);
    emqx::setupLogging(cfg.log, cfg.node.data_dir, console);
    raiseOpenFilesLimit();
    int rc;
    {
        emqx::BrokerApp broker(std::move(cfg));
        broker.setQuarantineData(quarantine_data);
        rc = broker.run();
    }
    emqx::shutdownLogging();
    return rc;
}
