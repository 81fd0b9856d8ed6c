// A page that is one paged list from the API with filters: the form's
// non-empty fields become the query, and the table is refreshed on submit
// and every few seconds.
import { enc, get } from "../api.js";
import { el, formValues, message, table } from "../ui.js";
import { poll } from "./poll.js";

export function listPage(view, { title, path, filters, columns, empty, below }) {
  const status = el("div");
  const list = el("div", { class: "list" });
  const form = el("form", {}, filters.map(([name, label]) => el("label", {}, label, el("input", { name }))),
    el("button", { type: "submit" }, "Filter"));
  view.append(el("h1", {}, title), form, status, list, below || "");
  let query = "";
  const refresh = async () => {
    const page = await get(path + (path.includes("?") ? "&" : "?") + "limit=100" + query);
    const rows = Array.isArray(page) ? page : page.data;
    const count = Array.isArray(page) ? rows.length : page.meta.count;
    list.replaceChildren(el("p", {}, `${count} in all`), table(columns, rows, empty));
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    query = Object.entries(formValues(form)).filter(([, v]) => v).map(([k, v]) => `&${k}=${enc(v)}`).join("");
    refresh().catch((e) => status.replaceChildren(message(e.message)));
  });
  return { refresh, stop: poll(5000, status, refresh) };
}
