// The dashboard as a browser sees it, for the flows of the dashboard tests
// (dashboard_flow.js, dashboard_admin_flow.js): Debian's headless chromium
// under puppeteer-core, one page, helpers that wait for rendered text, and a
// report (stdout, one JSON line at the end) with each screenshotted page's
// text, which the Python test checks. A flow may stop at a checkpoint: it
// prints {"checkpoint": name, ...} and waits for the test's answer on stdin
// ({} to go on, {"error": ...} to stop), so that the test can check the
// broker with its own clients in the middle of the flow.
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const puppeteer = require("puppeteer-core");

const WAIT_MS = 20000;

class Dashboard {
  constructor(page, cfg, report) {
    this.page = page;
    this.cfg = cfg;
    this.report = report;
    this.answers = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  }

  // Waits until `selector`'s rendered text has (or, with absent, lacks) `text`.
  async waitText(selector, text, { absent = false, timeout = WAIT_MS } = {}) {
    try {
      await this.page.waitForFunction((sel, t, absent) => {
        const e = document.querySelector(sel);
        return e && e.innerText.includes(t) !== absent;
      }, { timeout, polling: 100 }, selector, text, absent);
    } catch (e) {
      const body = await this.page.evaluate(() => document.body.innerText);
      throw new Error(`${selector} ${absent ? "still has" : "never had"} "${text}"; the page said:\n${body}`);
    }
  }

  // A screenshot of the page, its text, the text of `selectors`, the number
  // of <img> elements in the view (the dashboard has none of its own) and
  // what the tests' HTML in client-chosen text recorded if it ever ran
  // (window.injected).
  async shot(name, selectors = []) {
    const file = path.join(this.cfg.out, name + ".png");
    await this.page.screenshot({ path: file, fullPage: true });
    const parts = {};
    for (const s of selectors) parts[s] = await this.page.$eval(s, (e) => e.innerText);
    const [text, images, injected] = await this.page.evaluate(() =>
      [document.body.innerText, document.querySelectorAll("#view img").length, window.injected || []]);
    this.report.pages[name] = { screenshot: file, text, parts, images, injected };
  }

  async open(name) {
    await this.page.click(`#nav a[data-page="${name}"]`);
    await this.page.waitForFunction((n) => location.hash === "#/" + n, { timeout: WAIT_MS }, name);
  }

  // Clicks the button labelled `label` in the table row that has `rowText`.
  async clickInRow(container, rowText, label) {
    const clicked = await this.page.evaluate((c, r, l) => {
      const row = [...document.querySelectorAll(`${c} tr`)].find((tr) => tr.innerText.includes(r));
      const b = row && [...row.querySelectorAll("button")].find((x) => x.textContent === l);
      if (b) b.click();
      return !!b;
    }, container, rowText, label);
    if (!clicked) throw new Error(`no "${label}" button in the row of ${rowText} in ${container}`);
  }

  // A page renders after its hash changes: wait for the field first.
  async fill(selector, value) {
    await this.page.waitForSelector(selector, { timeout: WAIT_MS });
    await this.page.$eval(selector, (e) => (e.value = ""));
    await this.page.type(selector, value);
  }

  // Fills the form's fields ({name: value}) and submits it: text is typed,
  // a <select> selected, other fields (a date, a long text) set.
  async submit(form, values) {
    for (const [name, value] of Object.entries(values)) {
      const selector = `${form} [name=${name}]`;
      await this.page.waitForSelector(selector, { timeout: WAIT_MS });
      const kind = await this.page.$eval(selector, (e) => (e.tagName === "INPUT" ? e.type : e.tagName));
      if (kind === "SELECT") await this.page.select(selector, value);
      else if (kind === "text" || kind === "password") await this.fill(selector, value);
      else await this.page.$eval(selector, (e, v) => (e.value = v), value);
    }
    await this.page.click(`${form} button[type=submit]`);
  }

  async login(username, password) {
    await this.page.waitForSelector("#login-form", { timeout: WAIT_MS });
    await this.submit("#login-form", { username, password });
  }

  // The first login as admin/public, and the password change it forces.
  async firstLogin(newPassword, { shots = false } = {}) {
    await this.page.goto(this.cfg.url, { waitUntil: "load" });
    await this.page.waitForSelector("#login-form", { timeout: WAIT_MS });
    if (shots) await this.shot("login");
    await this.login("admin", "public");
    await this.page.waitForSelector("#change-password-form", { timeout: WAIT_MS });
    if (shots) await this.shot("change_password");
    await this.submit("#change-password-form", { new_pwd: newPassword, repeat: newPassword });
    await this.waitText("#view", "Overview");
  }

  async checkpoint(name, data = {}) {
    process.stdout.write(JSON.stringify({ checkpoint: name, ...data }) + "\n");
    const { value, done } = await this.answers.next();
    const answer = done ? { error: "the test closed stdin" } : JSON.parse(value);
    if (answer.error) throw new Error(`checkpoint ${name}: ${answer.error}`);
    return answer;
  }
}

// Runs `flow(dashboard)` in a fresh browser with the test's configuration
// (argv[2], JSON: url, chromium, profile, out, ...); prints the report.
async function runFlow(flow) {
  const cfg = JSON.parse(process.argv[2]);
  const report = { pages: {} };
  const browser = await puppeteer.launch({
    executablePath: cfg.chromium,
    headless: true,
    userDataDir: cfg.profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  fs.writeFileSync(path.join(cfg.out, "chromium.pid"), String(browser.process().pid));
  const errors = [];
  let page;
  try {
    page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 800 });
    page.on("pageerror", (e) => errors.push(String(e)));
    await flow(new Dashboard(page, cfg, report));
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
  process.exit(0);
}

module.exports = { runFlow, WAIT_MS };
