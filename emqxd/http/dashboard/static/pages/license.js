// The license (EMQX's License page): what GET /api/v5/license says, in
// EMQX 5.8's fields, and an upload of a new key (POST /api/v5/license
// {"key"}); a refused key leaves the old license, and the page says why.
import { call, get } from "../api.js";
import { el, formValues, message, table } from "../ui.js";
import { act } from "./action.js";

const FIELDS = [["customer", "Customer"], ["customer_type", "Customer type"], ["type", "Type"],
  ["deployment", "Deployment"], ["email", "Email"], ["max_connections", "Max connections"],
  ["issued_at", "Issued at"], ["start_at", "Starts at"], ["expiry_at", "Expires at"],
  ["expiry", "Expired", (v) => (v ? "yes" : "no")]];

export function licensePage(view) {
  const status = el("div");
  const info = el("div", { id: "license-info" });
  const upload = el("form", { id: "license-upload" },
    el("label", {}, "License key", el("textarea", { name: "key", rows: 6, cols: 80, required: true })),
    el("button", { type: "submit" }, "Upload"));
  view.append(el("h1", {}, "License"), status, info, el("h2", {}, "Upload a license"), upload);

  const refresh = async () => {
    const l = await get("/api/v5/license");
    info.replaceChildren(table([["Field", ([, label]) => label], ["Value", ([k, , show]) => (show ? show(l[k]) : l[k])]],
      FIELDS));
  };
  upload.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (await act(status, () => call("POST", "/api/v5/license", { key: formValues(upload).key.trim() }),
      "Applied the new license", refresh)) upload.reset();
  });
  refresh().catch((e) => status.replaceChildren(message(e.message)));
}
