// Banned clients (EMQX's Blacklist page): the list with EMQX's exact
// filters, a ban by client id, username or address with its reason and end,
// and lifting one (DELETE /api/v5/banned/:as/:who).
import { call, enc } from "../api.js";
import { el, formValues } from "../ui.js";
import { act } from "./action.js";
import { listPage } from "./simple_list.js";

const KINDS = [["clientid", "Client ID"], ["username", "Username"], ["peerhost", "IP address"]];

export function bannedPage(view) {
  const status = el("div");
  const add = el("form", { id: "ban-add" },
    el("label", {}, "Ban by", el("select", { name: "as" }, KINDS.map(([v, label]) => el("option", { value: v }, label)))),
    el("label", {}, "Client ID, username or address", el("input", { name: "who", required: true })),
    el("label", {}, "Reason", el("input", { name: "reason" })),
    el("label", {}, "Until (empty: for ever)", el("input", { name: "until", type: "datetime-local" })),
    el("button", { type: "submit" }, "Ban"));
  const page = listPage(view, {
    title: "Banned clients",
    path: "/api/v5/banned",
    filters: KINDS.map(([v, label]) => [v, label + " (exact)"]),
    columns: [["Banned by", (b) => b.as], ["Who", (b) => b.who], ["Reason", (b) => b.reason], ["By", (b) => b.by],
      ["At", (b) => b.at], ["Until", (b) => b.until],
      ["", (b) => el("button", { type: "button", onclick: () => lift(b) }, "Lift")]],
    empty: "No bans",
    below: el("section", { id: "ban-form" }, el("h2", {}, "Ban a client"), status, add),
  });
  const lift = (b) => act(status, () => call("DELETE", `/api/v5/banned/${enc(b.as)}/${enc(b.who)}`),
    `Lifted the ban of ${b.as} ${b.who}`, page.refresh);
  add.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { until, ...ban } = formValues(add);
    // datetime-local is the browser's local time; the API wants RFC 3339.
    if (until) ban.until = new Date(until).toISOString();
    if (await act(status, () => call("POST", "/api/v5/banned", ban), (b) => `Banned ${b.as} ${b.who}`, page.refresh))
      add.reset();
  });
  return page.stop;
}
