import { listPage } from "./simple_list.js";

export function subscriptionsPage(view) {
  return listPage(view, {
    title: "Subscriptions",
    path: "/api/v5/subscriptions",
    filters: [["clientid", "Client ID"], ["match_topic", "Matching topic filter"]],
    columns: [["Client ID", (s) => s.clientid], ["Topic", (s) => s.topic], ["QoS", (s) => s.qos],
      ["No local", (s) => s.nl], ["Retain as published", (s) => s.rap], ["Retain handling", (s) => s.rh], ["Node", (s) => s.node]],
    empty: "No subscriptions",
  }).stop;
}
