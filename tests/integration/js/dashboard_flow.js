// Drives the dashboard for tests/integration/test_dashboard_browser.py: logs
// in as admin/public, makes the forced password change, visits every
// monitoring page, kicks a client, starts a trace, watches its log and
// downloads it (dashboard_driver.js has the browser and the report).
// Usage: node dashboard_flow.js '<json: url, chromium, profile, out, password, sub, watch>'
const fs = require("fs");
const path = require("path");
const { runFlow, WAIT_MS } = require("./dashboard_driver");

// Whether anything was drawn on the canvas (a blank one is all transparent).
const drawn = (page, id) =>
  page.$eval(id, (c) => c.getContext("2d").getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0));

runFlow(async (d) => {
  const { page, cfg, report } = d;
  await d.firstLogin(cfg.password, { shots: true });
  await d.waitText(".cards", "Connections");
  await d.waitText("#view", "Node emqx@");
  // Two polls give the first rate; then the chart has its lines.
  await page.waitForFunction(() => Number(document.querySelector("#rates").dataset.samples) >= 1, { timeout: WAIT_MS });
  report.overview_charts = { rates: await drawn(page, "#rates"), counts: await drawn(page, "#counts") };
  await d.shot("overview", [".cards"]);

  await d.open("clients");
  await d.waitText("#client-list", cfg.sub);
  await d.shot("clients", ["#client-list"]);
  await d.clickInRow("#client-list", cfg.sub, "Show");
  await d.waitText("#client-detail", "Client " + cfg.sub);
  await d.waitText("#client-detail", "dash/kick/#");
  await d.shot("client_detail", ["#client-detail"]);
  await d.clickInRow("#client-list", cfg.sub, "Kick");
  await d.waitText("#view", "Kicked " + cfg.sub);
  await d.waitText("#client-list", cfg.sub, { absent: true });
  await d.shot("clients_after_kick", ["#client-list"]);

  await d.open("subscriptions");
  await d.waitText(".list", cfg.watch);
  await d.shot("subscriptions", [".list"]);

  await d.open("topics");
  await d.waitText(".list", "dash/retained/#");
  await d.shot("topics", [".list"]);

  await d.open("retained");
  await d.waitText(".list", "dash/retained/1");
  await d.clickInRow(".list", "dash/retained/1", "Show");
  await d.waitText("#retained-detail", "kept-for-the-dashboard");
  await d.shot("retained", [".list", "#retained-detail"]);

  await d.open("listeners");
  await d.waitText("#listener-list", "tcp:default");
  await d.waitText("#listener-shutdowns", "kicked");
  await d.shot("listeners", ["#listener-list", "#listener-shutdowns"]);

  await d.open("traces");
  await d.submit("#trace-start", { name: "dash-trace", type: "clientid", target: cfg.watch });
  await d.waitText("#trace-list", "dash-trace");
  await d.waitText("#trace-log", "Log of dash-trace");
  // Something for the trace to record: a message to the traced subscriber.
  const status = await page.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem("emqxd.login"));
    const r = await fetch("/api/v5/publish", { method: "POST", headers: { Authorization: "Bearer " + token,
      "Content-Type": "application/json" }, body: JSON.stringify({ topic: "dash/retained/2", payload: "traced", qos: 0 }) });
    return r.status;
  });
  if (status !== 200) throw new Error("publish through the API answered " + status);
  await d.waitText("#trace-log", "dash/retained/2");
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: cfg.out });
  await d.clickInRow("#trace-list", "dash-trace", "Download");
  const zip = path.join(cfg.out, "dash-trace.zip");
  const deadline = Date.now() + WAIT_MS;
  while (!fs.existsSync(zip) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  report.trace_zip = fs.existsSync(zip) ? zip : null;
  await d.shot("traces", ["#trace-list", "#trace-log"]);

  await d.open("metrics");
  await d.waitText("#metric-list", "messages.received");
  await d.shot("metrics", ["#metric-list"]);
});
