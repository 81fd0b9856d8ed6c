// Clients: search by client id (a substring, EMQX's like_clientid), show one
// with its subscriptions, kick one (DELETE /api/v5/clients/:clientid).
import { call, enc, get } from "../api.js";
import { el, fields, formValues, message, table } from "../ui.js";
import { act } from "./action.js";
import { poll } from "./poll.js";

export function clientsPage(view) {
  const status = el("div");
  const listStatus = el("div");
  const list = el("div", { id: "client-list" });
  const detail = el("div", { id: "client-detail" });
  let search = "";
  const form = el("form", { id: "client-search" },
    el("label", {}, "Client ID contains", el("input", { name: "like_clientid" })),
    el("button", { type: "submit" }, "Search"));
  view.append(el("h1", {}, "Clients"), form, status, listStatus, list, detail);

  const refresh = async () => {
    const q = search ? "&like_clientid=" + enc(search) : "";
    const page = await get("/api/v5/clients?limit=100" + q);
    list.replaceChildren(el("p", {}, `${page.meta.count} clients`), table([
      ["Client ID", (c) => c.clientid], ["Username", (c) => c.username], ["Address", (c) => `${c.ip_address}:${c.port}`],
      ["Connected", (c) => (c.connected ? "yes" : "no")], ["MQTT", (c) => c.proto_ver], ["Keepalive", (c) => c.keepalive],
      ["Subscriptions", (c) => c.subscriptions_cnt], ["Connected at", (c) => c.connected_at],
      ["", (c) => el("span", {},
        el("button", { type: "button", class: "show", "data-clientid": c.clientid, onclick: () => show(c.clientid) }, "Show"),
        " ",
        el("button", { type: "button", class: "kick", "data-clientid": c.clientid, onclick: () => kick(c.clientid) }, "Kick"))],
    ], page.data, "No clients"));
  };
  const show = async (id) => {
    try {
      const [c, subs] = await Promise.all([get("/api/v5/clients/" + enc(id)), get(`/api/v5/clients/${enc(id)}/subscriptions`)]);
      detail.replaceChildren(el("h2", {}, "Client " + id), fields(c), el("h2", {}, "Its subscriptions"),
        table([["Topic", (s) => s.topic], ["QoS", (s) => s.qos]], subs, "No subscriptions"));
    } catch (e) {
      detail.replaceChildren(message(e.message));
    }
  };
  const kick = async (id) => {
    if (await act(status, () => call("DELETE", "/api/v5/clients/" + enc(id)), `Kicked ${id}`, refresh))
      detail.replaceChildren();
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    search = formValues(form).like_clientid;
    refresh().catch((e) => status.replaceChildren(message(e.message)));
  });
  return poll(5000, listStatus, refresh);
}
