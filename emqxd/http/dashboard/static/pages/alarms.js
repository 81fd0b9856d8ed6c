// Alarms (EMQX's Alarms page): the active ones and the history of those
// deactivated, polled; clearing the history (DELETE /api/v5/alarms).
import { call, get } from "../api.js";
import { el, table } from "../ui.js";
import { act } from "./action.js";
import { poll } from "./poll.js";

const seconds = (ms) => `${Math.round((ms || 0) / 1000)} s`;

export function alarmsPage(view) {
  const status = el("div");
  const pollStatus = el("div");
  const active = el("div", { id: "alarms-active" });
  const history = el("div", { id: "alarms-history" });
  view.append(el("h1", {}, "Alarms"), status, pollStatus, el("h2", {}, "Active"), active,
    el("h2", {}, "History"), el("button", { type: "button", id: "alarms-clear", onclick: () => clear() }, "Clear history"),
    history);
  const columns = (deactivated) => [["Name", (a) => a.name], ["Message", (a) => a.message], ["Details", (a) => a.details],
    ["Node", (a) => a.node], ["Activated at", (a) => a.activate_at],
    ...(deactivated ? [["Deactivated at", (a) => a.deactivate_at]] : []), ["Duration", (a) => seconds(a.duration)]];
  const refresh = async () => {
    const [on, off] = await Promise.all([get("/api/v5/alarms?activated=true&limit=100"),
      get("/api/v5/alarms?activated=false&limit=100")]);
    active.replaceChildren(table(columns(false), on.data, "No active alarms"));
    history.replaceChildren(table(columns(true), off.data, "No deactivated alarms"));
  };
  const clear = () => act(status, () => call("DELETE", "/api/v5/alarms"), "Cleared the alarm history", refresh);
  return poll(5000, pollStatus, refresh);
}
