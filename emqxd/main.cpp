// emqxd: the broker daemon. `emqxd console` runs it in the foreground.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "common/config/config_loader.h"
#include "emqxd/app/broker_app.h"
#include "emqxd/log/logging.h"

namespace {

void warnDefaultCookie(const emqx::config::BrokerConfig& cfg, const std::string& file) {
    if (cfg.node.cookie != "emqxsecretcookie") return;
    std::fprintf(stderr,
                 "WARNING: Default (insecure) cookie is in use.\n"
                 "WARNING: Configure node.cookie in %s or override from environment variable EMQX_NODE__COOKIE\n"
                 "WARNING: NOTE: Use the same cookie for all nodes in the cluster.\n",
                 file.empty() ? "etc/emqx.toml" : file.c_str());
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
        cmd->add_option("-c,--config", config_file, "configuration file (TOML)")->check(CLI::ExistingFile);
        cmd->add_flag("--quarantine-data", quarantine_data,
                      "if the durable store (<data_dir>/<node.name>/rocksdb) cannot be read, move it aside "
                      "(kept as rocksdb.damaged-<timestamp>) and start with an empty one");
    }
    app.add_option("-c,--config", config_file, "configuration file (TOML)")->check(CLI::ExistingFile);
    CLI11_PARSE(app, argc, argv);
    if (foreground_cmd->parsed()) console = false;

    emqx::config::BrokerConfig cfg;
    std::vector<emqx::config::ConfigError> errors;
    if (!emqx::config::loadConfig(config_file, emqx::config::processEnvironment(), cfg, errors)) {
        for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.message.c_str());
        return 1;
    }
    warnDefaultCookie(cfg, config_file);
    std::signal(SIGPIPE, SIG_IGN);
    emqx::setupLogging(cfg.log, cfg.node.data_dir, console);
    int rc;
    {
        emqx::BrokerApp broker(std::move(cfg));
        broker.setQuarantineData(quarantine_data);
        rc = broker.run();
    }
    emqx::shutdownLogging();
    return rc;
}
