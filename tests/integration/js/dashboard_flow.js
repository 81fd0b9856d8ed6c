// Drives the dashboard in Debian's headless chromium (puppeteer-core) for
// tests/integration/test_dashboard_browser.py: logs in as admin/public, makes
// the forced password change, visits every page, kicks a client, starts a
// trace, watches its log and downloads it. Each page is screenshotted once it
// shows what the test waits for; the report (stdout, JSON) has each page's
// screenshot and rendered text, which the test checks.
// Usage: node dashboard_flow.js '<json: url, chromium, profile, out, password, sub, watch>'
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const cfg = JSON.parse(process.argv[2]);
const WAIT_MS = 20000;
const report = { pages: {} };
let page;

// Waits until `selector`'s rendered text has (or, with absent, lacks) `text`.
async function waitText(selector, text, { absent = false } = {}) {
  try {
    await page.waitForFunction((sel, t, absent) => {
      const e = document.querySelector(sel);
      return e && e.innerText.includes(t) !== absent;
    }, { timeout: WAIT_MS, polling: 100 }, selector, text, absent);
  } catch (e) {
    const body = await page.evaluate(() => document.body.innerText);
    throw new Error(`${selector} ${absent ? "still has" : "never had"} "${text}"; the page said:\n${body}`);
  }
}

async function shot(name, selectors = []) {
  const file = path.join(cfg.out, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  const parts = {};
  for (const s of selectors) parts[s] = await page.$eval(s, (e) => e.innerText);
  report.pages[name] = { screenshot: file, text: await page.evaluate(() => document.body.innerText), parts };
}

async function open(name) {
  await page.click(`#nav a[data-page="${name}"]`);
  await page.waitForFunction((n) => location.hash === "#/" + n, { timeout: WAIT_MS }, name);
}

// Clicks the button labelled `label` in the table row that has `rowText`.
async function clickInRow(container, rowText, label) {
  const clicked = await page.evaluate((c, r, l) => {
    const row = [...document.querySelectorAll(`${c} tr`)].find((tr) => tr.innerText.includes(r));
    const b = row && [...row.querySelectorAll("button")].find((x) => x.textContent === l);
    if (b) b.click();
    return !!b;
  }, container, rowText, label);
  if (!clicked) throw new Error(`no "${label}" button in the row of ${rowText} in ${container}`);
}

// A page renders after its hash changes: wait for the field first.
async function fill(selector, value) {
  await page.waitForSelector(selector, { timeout: WAIT_MS });
  await page.$eval(selector, (e) => (e.value = ""));
  await page.type(selector, value);
}

// Whether anything was drawn on the canvas (a blank one is all transparent).
const drawn = (id) => page.$eval(id, (c) => c.getContext("2d").getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0));

async function flow() {
  await page.goto(cfg.url, { waitUntil: "load" });
  await page.waitForSelector("#login-form", { timeout: WAIT_MS });
  await shot("login");
  await fill("#login-form input[name=username]", "admin");
  await fill("#login-form input[name=password]", "public");
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#change-password-form", { timeout: WAIT_MS });
  await shot("change_password");
  await page.type("#change-password-form input[name=new_pwd]", cfg.password);
  await page.type("#change-password-form input[name=repeat]", cfg.password);
  await page.click("#change-password-form button[type=submit]");

  await waitText("#view", "Overview");
  await waitText(".cards", "Connections");
  await waitText("#view", "Node emqx@");
  // Two polls give the first rate; then the chart has its lines.
  await page.waitForFunction(() => Number(document.querySelector("#rates").dataset.samples) >= 1, { timeout: WAIT_MS });
  report.overview_charts = { rates: await drawn("#rates"), counts: await drawn("#counts") };
  await shot("overview", [".cards"]);

  await open("clients");
  await waitText("#client-list", cfg.sub);
  await shot("clients", ["#client-list"]);
  await clickInRow("#client-list", cfg.sub, "Show");
  await waitText("#client-detail", "Client " + cfg.sub);
  await waitText("#client-detail", "dash/kick/#");
  await shot("client_detail", ["#client-detail"]);
  await clickInRow("#client-list", cfg.sub, "Kick");
  await waitText("#view", "Kicked " + cfg.sub);
  await waitText("#client-list", cfg.sub, { absent: true });
  await shot("clients_after_kick", ["#client-list"]);

  await open("subscriptions");
  await waitText(".list", cfg.watch);
  await shot("subscriptions", [".list"]);

  await open("topics");
  await waitText(".list", "dash/retained/#");
  await shot("topics", [".list"]);

  await open("retained");
  await waitText(".list", "dash/retained/1");
  await clickInRow(".list", "dash/retained/1", "Show");
  await waitText("#retained-detail", "kept-for-the-dashboard");
  await shot("retained", [".list", "#retained-detail"]);

  await open("listeners");
  await waitText("#listener-list", "tcp:default");
  await waitText("#listener-shutdowns", "kicked");
  await shot("listeners", ["#listener-list", "#listener-shutdowns"]);

  await open("traces");
  await fill("#trace-start input[name=name]", "dash-trace");
  await page.select("#trace-start select[name=type]", "clientid");
  await fill("#trace-start input[name=target]", cfg.watch);
  await page.click("#trace-start button[type=submit]");
  await waitText("#trace-list", "dash-trace");
  await waitText("#trace-log", "Log of dash-trace");
  // Something for the trace to record: a message to the traced subscriber.
  const status = await page.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem("emqxd.login"));
    const r = await fetch("/api/v5/publish", { method: "POST", headers: { Authorization: "Bearer " + token,
      "Content-Type": "application/json" }, body: JSON.stringify({ topic: "dash/retained/2", payload: "traced", qos: 0 }) });
    return r.status;
  });
  if (status !== 200) throw new Error("publish through the API answered " + status);
  await waitText("#trace-log", "dash/retained/2");
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: cfg.out });
  await clickInRow("#trace-list", "dash-trace", "Download");
  const zip = path.join(cfg.out, "dash-trace.zip");
  const deadline = Date.now() + WAIT_MS;
  while (!fs.existsSync(zip) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  report.trace_zip = fs.existsSync(zip) ? zip : null;
  await shot("traces", ["#trace-list", "#trace-log"]);

  await open("metrics");
  await waitText("#metric-list", "messages.received");
  await shot("metrics", ["#metric-list"]);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: cfg.chromium,
    headless: true,
    userDataDir: cfg.profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  fs.writeFileSync(path.join(cfg.out, "chromium.pid"), String(browser.process().pid));
  const errors = [];
  try {
    page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 800 });
    page.on("pageerror", (e) => errors.push(String(e)));
    await flow();
  } catch (e) {
    report.error = e.message;
    try {
      await page.screenshot({ path: path.join(cfg.out, "failure.png"), fullPage: true });
    } catch {}
  } finally {
    report.page_errors = errors;
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
})();
