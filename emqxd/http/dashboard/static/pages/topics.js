import { listPage } from "./simple_list.js";

export function topicsPage(view) {
  return listPage(view, {
    title: "Topics",
    path: "/api/v5/topics",
    filters: [["topic", "Topic"]],
    columns: [["Topic", (t) => t.topic], ["Node", (t) => t.node]],
    empty: "No topics",
  }).stop;
}
