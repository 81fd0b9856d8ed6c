// API keys (EMQX's API Key page): list, create, delete. The secret is in
// the creation's answer only (emqxd keeps a hash of it), so it is shown
// once, there, as EMQX's dashboard does.
import { call, enc, get } from "../api.js";
import { el, formValues, message, table } from "../ui.js";
import { act } from "./action.js";
import { roleSelect } from "./users.js";

const ROLES = ["administrator", "viewer", "publisher"];

export function apiKeysPage(view) {
  const status = el("div");
  const list = el("div", { id: "api-key-list" });
  const secret = el("div", { id: "api-key-secret" });
  const add = el("form", { id: "api-key-add" },
    el("label", {}, "Name", el("input", { name: "name", required: true })),
    el("label", {}, "Description", el("input", { name: "desc" })),
    el("label", {}, "Role", roleSelect(ROLES, "administrator")),
    el("button", { type: "submit" }, "Create key"));
  view.append(el("h1", {}, "API keys"), status, secret, list, el("h2", {}, "Create a key"), add);

  const refresh = async () => {
    const keys = await get("/api/v5/api_key");
    list.replaceChildren(table([
      ["Name", (k) => k.name], ["API key", (k) => k.api_key], ["Role", (k) => k.role], ["Description", (k) => k.desc],
      ["Enabled", (k) => (k.enable ? "yes" : "no")], ["Expires", (k) => k.expired_at], ["Created at", (k) => k.created_at],
      ["", (k) => el("button", { type: "button", onclick: () => remove(k.name) }, "Delete")],
    ], keys, "No API keys"));
  };
  const remove = (name) => {
    secret.replaceChildren();
    return act(status, () => call("DELETE", "/api/v5/api_key/" + enc(name)), `Deleted key ${name}`, refresh);
  };
  const showSecret = (k) => {
    secret.replaceChildren(el("section", { class: "secret" },
      el("p", {}, `Key ${k.name} created. Its secret is shown only now: copy it.`),
      el("dl", {}, el("dt", {}, "API key"), el("dd", {}, el("code", { class: "api-key" }, k.api_key)),
        el("dt", {}, "Secret key"), el("dd", {}, el("code", { class: "api-secret" }, k.api_secret))),
      el("button", { type: "button", onclick: () => secret.replaceChildren() }, "I have copied it")));
    return `Created key ${k.name}`;
  };
  add.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (await act(status, () => call("POST", "/api/v5/api_key", formValues(add)), showSecret, refresh)) add.reset();
  });
  refresh().catch((e) => status.replaceChildren(message(e.message)));
}
