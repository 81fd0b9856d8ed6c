// Listeners, and the connections each one closed by reason: the API's
// listeners have no shutdown counts, the Prometheus endpoint has them
// (emqx_listener_shutdown_total{listener_type, listener_name, reason}).
import { call, get } from "../api.js";
import { el, table } from "../ui.js";
import { poll } from "./poll.js";

function shutdownCounts(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("emqx_listener_shutdown_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    rows.push({ listener: `${labels.listener_type}:${labels.listener_name}`, reason: labels.reason, count: Number(line.split(" ").pop()) });
  }
  return rows;
}

export function listenersPage(view) {
  const status = el("div");
  const list = el("div", { id: "listener-list" });
  const shutdowns = el("div", { id: "listener-shutdowns" });
  view.append(el("h1", {}, "Listeners"), status, list, el("h2", {}, "Connections closed, by reason"), shutdowns);
  return poll(5000, status, async () => {
    const [listeners, prom] = await Promise.all([get("/api/v5/listeners"), call("GET", "/api/v5/prometheus/stats")]);
    list.replaceChildren(table([
      ["ID", (l) => l.id], ["Type", (l) => l.type], ["Bind", (l) => l.bind], ["Running", (l) => (l.status.running ? "yes" : "no")],
      ["Connections", (l) => l.status.current_connections], ["Max connections", (l) => l.status.max_connections],
      ["Acceptors", (l) => l.acceptors],
    ], listeners, "No listeners"));
    shutdowns.replaceChildren(table([["Listener", (r) => r.listener], ["Reason", (r) => r.reason], ["Count", (r) => r.count]],
      shutdownCounts(prom), "No connection closed yet"));
  });
}
