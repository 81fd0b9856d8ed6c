// Drives the dashboard's administration pages for
// tests/integration/test_dashboard_admin_browser.py: users (add, edit, delete,
// then log in as the new user and change its password), API keys (create,
// hand the secret shown once to the test, delete), banned clients (ban, the
// test sees mosquitto_sub refused, lift), the license (a bad key refused, the
// test's license uploaded) and alarms (raised by the license's quota, cleared,
// the history emptied). Every page gets client-chosen text that is HTML
// (cfg.xss, with %s for where it is) and must show it as text.
// Usage: node dashboard_admin_flow.js '<json: url, chromium, profile, out, password, user, user_password,
//   user_new_password, banned, xss, license, customer>'
const { runFlow } = require("./dashboard_driver");

// The page's one error line (role=alert) has `text`.
const alerted = (d, text) => d.waitText("[role=alert]", text);
const xss = (cfg, where) => cfg.xss.replace("%s", where);
// The alarm waits: the quota is looked at every second, the page polls every 5 s.
const ALARM_MS = 30000;

async function users(d, cfg) {
  await d.open("users");
  await d.waitText("#user-list", "admin");
  await d.submit("#user-add", { username: cfg.user, password: "short", role: "viewer" });
  await alerted(d, "8~64");
  await d.submit("#user-add", { username: cfg.user, password: cfg.user_password, role: "viewer",
    description: xss(cfg, "user") });
  await d.waitText("#view", "Added user " + cfg.user);
  await d.waitText("#user-list", xss(cfg, "user"));
  await d.clickInRow("#user-list", cfg.user, "Edit");
  await d.submit("#user-edit form", { role: "administrator" });
  await d.waitText("#view", "Saved user " + cfg.user);
  await d.submit("#user-add", { username: "dash_gone", password: cfg.user_password, role: "viewer", description: "" });
  await d.waitText("#user-list", "dash_gone");
  await d.clickInRow("#user-list", "dash_gone", "Delete");
  await d.waitText("#view", "Deleted user dash_gone");
  await d.waitText("#user-list", "dash_gone", { absent: true });
  await d.shot("users", ["#user-list"]);
}

async function apiKeys(d, cfg) {
  await d.open("api-keys");
  await d.waitText("#api-key-list", "No API keys");
  const create = async (name, role, desc) => {
    await d.submit("#api-key-add", { name, role, desc });
    await d.waitText("#api-key-secret", `Key ${name} created`);
    await d.waitText("#api-key-list", name);
    return d.page.evaluate(() => ({ key: document.querySelector("#api-key-secret code.api-key").textContent,
      secret: document.querySelector("#api-key-secret code.api-secret").textContent }));
  };
  const viewer = await create("dash-viewer", "viewer", xss(cfg, "api_key"));
  await d.waitText("#api-key-list", xss(cfg, "api_key"));
  await d.shot("api_keys", ["#api-key-list", "#api-key-secret"]);
  const gone = await create("dash-gone", "administrator", "");
  await d.checkpoint("api_keys", { viewer, gone });
  await d.clickInRow("#api-key-list", "dash-gone", "Delete");
  await d.waitText("#view", "Deleted key dash-gone");
  await d.waitText("#api-key-list", "dash-gone", { absent: true });
  await d.waitText("#api-key-secret", "dash-gone", { absent: true });
  await d.checkpoint("api_key_deleted", { viewer, gone });
  await d.submit("#api-key-add", { name: "dash-viewer", role: "viewer", desc: "" });
  await alerted(d, "name_already_existed");
  await d.shot("api_keys_taken", ["#api-key-list"]);
}

async function banned(d, cfg) {
  await d.open("banned");
  await d.waitText(".list", "No bans");
  await d.submit("#ban-add", { as: "peerhost", who: "not-an-address", reason: "" });
  await alerted(d, "not an IP address");
  await d.submit("#ban-add", { as: "clientid", who: cfg.banned, reason: "banned from the dashboard" });
  await d.waitText("#view", "Banned clientid " + cfg.banned);
  await d.waitText(".list", cfg.banned);
  await d.checkpoint("banned");
  await d.submit("#ban-add", { as: "clientid", who: xss(cfg, "banned_who"), reason: xss(cfg, "banned_reason"),
    until: "2099-01-02T03:04" });
  await d.waitText(".list", xss(cfg, "banned_reason"));
  await d.waitText(".list", "2099-01-0");
  await d.shot("banned", [".list"]);
  await d.clickInRow(".list", cfg.banned, "Lift");
  await d.waitText("#view", "Lifted the ban of clientid " + cfg.banned);
  await d.waitText(".list", cfg.banned, { absent: true });
  await d.checkpoint("unbanned");
}

async function license(d, cfg) {
  await d.open("license");
  await d.waitText("#license-info", "community");
  await d.submit("#license-upload", { key: "not a license" });
  await d.page.waitForSelector("[role=alert]");
  await d.waitText("#license-info", "community");
  await d.shot("license_refused", ["#license-info"]);
  await d.submit("#license-upload", { key: cfg.license });
  await d.waitText("#view", "Applied the new license");
  await d.waitText("#license-info", cfg.customer);
  await d.shot("license", ["#license-info"]);
}

async function alarms(d) {
  await d.open("alarms");
  await d.checkpoint("over_quota");
  await d.waitText("#alarms-active", "license_quota", { timeout: ALARM_MS });
  await d.shot("alarms_active", ["#alarms-active"]);
  await d.checkpoint("under_quota");
  await d.waitText("#alarms-active", "license_quota", { absent: true, timeout: ALARM_MS });
  await d.waitText("#alarms-history", "license_quota", { timeout: ALARM_MS });
  await d.shot("alarms_history", ["#alarms-history"]);
  await d.page.click("#alarms-clear");
  await d.waitText("#view", "Cleared the alarm history");
  await d.waitText("#alarms-history", "license_quota", { absent: true });
}

// Logs out, in as the new user, and changes its password (which logs it out).
async function asTheNewUser(d, cfg) {
  await d.page.click("#logout");
  await d.login(cfg.user, cfg.user_password);
  await d.waitText("#who", cfg.user);
  await d.open("users");
  await d.submit("#user-password", { username: cfg.user, old_pwd: cfg.user_password, new_pwd: cfg.user_new_password,
    repeat: cfg.user_new_password });
  await d.page.waitForSelector("#login-form");
  await d.login(cfg.user, cfg.user_new_password);
  await d.waitText("#who", cfg.user);
  await d.waitText("#view", "Overview");
  await d.shot("new_user");
}

runFlow(async (d) => {
  const { cfg } = d;
  await d.firstLogin(cfg.password);
  await users(d, cfg);
  await apiKeys(d, cfg);
  await banned(d, cfg);
  await license(d, cfg);
  await alarms(d);
  await asTheNewUser(d, cfg);
});
