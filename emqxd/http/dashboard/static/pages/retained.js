// Retained messages: the list (without payloads), one message's payload on
// demand, and deleting one.
import { call, enc, get } from "../api.js";
import { el, fields, message } from "../ui.js";
import { act } from "./action.js";
import { listPage } from "./simple_list.js";

export function retainedPage(view) {
  const detail = el("div", { id: "retained-detail" });
  const page = listPage(view, {
    title: "Retained messages",
    path: "/api/v5/mqtt/retainer/messages",
    filters: [["topic", "Topic filter"]],
    columns: [["Topic", (m) => m.topic], ["QoS", (m) => m.qos], ["Published at", (m) => m.publish_at],
      ["From client", (m) => m.from_clientid],
      ["", (m) => el("span", {}, el("button", { type: "button", onclick: () => show(m.topic) }, "Show"), " ",
        el("button", { type: "button", onclick: () => remove(m.topic) }, "Delete"))]],
    empty: "No retained messages",
    below: detail,
  });
  const show = async (topic) => {
    try {
      const m = await get("/api/v5/mqtt/retainer/message/" + enc(topic));
      detail.replaceChildren(el("h2", {}, "Retained on " + topic), fields({ ...m, payload: decode(m.payload) }));
    } catch (e) {
      detail.replaceChildren(message(e.message));
    }
  };
  const remove = (topic) => act(detail, () => call("DELETE", "/api/v5/mqtt/retainer/message/" + enc(topic)),
    "Deleted the retained message on " + topic, page.refresh);
  return page.stop;
}

// The payload as text when it is UTF-8, else its base64 as the API gave it.
function decode(b64) {
  const bytes = Uint8Array.from(atob(b64 || ""), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "base64: " + b64;
  }
}
