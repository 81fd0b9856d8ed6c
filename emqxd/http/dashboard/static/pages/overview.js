// The node, its counts, and message rates from /api/v5/metrics, polled every
// few seconds: a rate is the counter's growth over the time between polls.
import { get } from "../api.js";
import { drawChart } from "../chart.js";
import { el } from "../ui.js";
import { poll } from "./poll.js";

const EVERY_MS = 3000;
const SAMPLES = 100;  // 5 minutes

function card(label, value) {
  return el("div", { class: "card" }, label, el("b", {}, value));
}

export function overviewPage(view) {
  const node = el("p");
  const cards = el("div", { class: "cards" });
  const rates = el("canvas", { id: "rates", width: 720, height: 220 });
  const counts = el("canvas", { id: "counts", width: 720, height: 220 });
  const status = el("div");
  view.append(el("h1", {}, "Overview"), node, cards, el("h2", {}, "Messages per second"), rates,
    el("h2", {}, "Connections and subscriptions"), counts, status);
  const hist = { received: [], sent: [], dropped: [], connections: [], subscriptions: [] };
  let last = null;
  const push = (k, v) => {
    hist[k].push(v);
    if (hist[k].length > SAMPLES) hist[k].shift();
  };
  return poll(EVERY_MS, status, async () => {
    const [nodes, stats, metrics] = await Promise.all([
      get("/api/v5/nodes"), get("/api/v5/stats?aggregate=true"), get("/api/v5/metrics?aggregate=true")]);
    const n = nodes[0];
    node.textContent = `Node ${n.node} (${n.node_status}), emqxd ${n.version}, up ${Math.round(n.uptime / 1000)} s`;
    cards.replaceChildren(card("Connections", stats["connections.count"]), card("Sessions", stats["sessions.count"]),
      card("Topics", stats["topics.count"]), card("Subscriptions", stats["subscriptions.count"]),
      card("Retained", stats["retained.count"]));
    const now = performance.now();
    if (last) {
      const dt = (now - last.at) / 1000;
      for (const [k, m] of [["received", "messages.received"], ["sent", "messages.sent"], ["dropped", "messages.dropped"]])
        push(k, Math.max(0, (metrics[m] - last.metrics[m]) / dt));
    }
    last = { at: now, metrics };
    rates.dataset.samples = hist.received.length;
    push("connections", stats["connections.count"]);
    push("subscriptions", stats["subscriptions.count"]);
    const label = `last ${Math.round((SAMPLES * EVERY_MS) / 60000)} min, every ${EVERY_MS / 1000} s`;
    drawChart(rates, [{ name: "received", color: "#2a7ab0", points: hist.received },
      { name: "sent", color: "#3cb371", points: hist.sent }, { name: "dropped", color: "#c0392b", points: hist.dropped }], label);
    drawChart(counts, [{ name: "connections", color: "#8e44ad", points: hist.connections },
      { name: "subscriptions", color: "#e67e22", points: hist.subscriptions }], label);
  });
}
