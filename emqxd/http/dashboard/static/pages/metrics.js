// Every metric of the node (/api/v5/metrics?aggregate=true), filtered by name.
import { get } from "../api.js";
import { el, table } from "../ui.js";
import { poll } from "./poll.js";

export function metricsPage(view) {
  const status = el("div");
  const list = el("div", { id: "metric-list" });
  const filter = el("input", { name: "filter", placeholder: "messages." });
  view.append(el("h1", {}, "Metrics"), el("form", {}, el("label", {}, "Name contains", filter)), status, list);
  let metrics = {};
  const render = () => list.replaceChildren(table([["Metric", ([k]) => k], ["Value", ([, v]) => v]],
    Object.entries(metrics).filter(([k]) => k.includes(filter.value)).sort(([a], [b]) => a.localeCompare(b)), "No metric matches"));
  filter.addEventListener("input", render);
  return poll(5000, status, async () => {
    metrics = await get("/api/v5/metrics?aggregate=true");
    render();
  });
}
