// Traces: start one on a client id, topic or address; watch its log grow
// (GET /trace/:name/log from the last position, every 2 s); download its zip;
// stop or delete it.
import { call, download, enc, get } from "../api.js";
import { el, formValues, message, table } from "../ui.js";
import { act } from "./action.js";
import { poll } from "./poll.js";

export function tracesPage(view) {
  const status = el("div");
  const listStatus = el("div");
  const list = el("div", { id: "trace-list" });
  const logView = el("div", { id: "trace-log" });
  const form = el("form", { id: "trace-start" },
    el("label", {}, "Name", el("input", { name: "name", required: true, pattern: "[A-Za-z0-9_-]{1,64}" })),
    el("label", {}, "Type", el("select", { name: "type" },
      el("option", { value: "clientid" }, "Client ID"), el("option", { value: "topic" }, "Topic"),
      el("option", { value: "ip_address" }, "IP address"))),
    el("label", {}, "Client ID, topic or address", el("input", { name: "target", required: true })),
    el("button", { type: "submit" }, "Start trace"));
  view.append(el("h1", {}, "Traces"), form, status, listStatus, list, logView);
  let stopWatching = () => {};

  const refresh = async () => {
    const traces = await get("/api/v5/trace");
    list.replaceChildren(table([
      ["Name", (t) => t.name], ["Type", (t) => t.type], ["Target", (t) => t[t.type]], ["Status", (t) => t.status],
      ["Ends at", (t) => t.end_at], ["Log bytes", (t) => Object.values(t.log_size || {}).reduce((a, b) => a + b, 0)],
      ["", (t) => el("span", {},
        el("button", { type: "button", class: "watch", onclick: () => watch(t.name) }, "View log"), " ",
        el("button", { type: "button", onclick: () => save(t.name) }, "Download"), " ",
        el("button", { type: "button", onclick: () => change("PUT", `/api/v5/trace/${enc(t.name)}/stop`, `Trace ${t.name} stopped`) }, "Stop"), " ",
        el("button", { type: "button", onclick: () => change("DELETE", "/api/v5/trace/" + enc(t.name), `Trace ${t.name} deleted`) }, "Delete"))],
    ], traces, "No traces"));
  };
  const change = (method, path, notice) => act(status, () => call(method, path), notice, refresh);
  const watch = (name) => {
    stopWatching();
    const pre = el("pre", { class: "log" });
    const where = el("div");
    logView.replaceChildren(el("h2", {}, "Log of " + name + " (live)"), where, pre);
    let position = 0;
    stopWatching = poll(2000, where, async () => {
      for (;;) {
        const r = await get(`/api/v5/trace/${enc(name)}/log?bytes=32768&position=${position}`);
        if (!r.items) break;
        pre.append(r.items);
        position = r.meta.position;
      }
    });
  };
  const save = async (name) => {
    try {
      const url = URL.createObjectURL(await download(`/api/v5/trace/${enc(name)}/download`));
      const a = el("a", { href: url, download: name + ".zip" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      status.replaceChildren(message(e.message));
    }
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { name, type, target } = formValues(form);
    if (await act(status, () => call("POST", "/api/v5/trace", { name, type, [type]: target }), `Trace ${name} started`,
      refresh)) watch(name);
  });
  const stopList = poll(5000, listStatus, refresh);
  return () => {
    stopList();
    stopWatching();
  };
}
