// The dashboard's shell: the navigation, and one page at a time by the URL's
// hash (#/clients). A page is a function that fills the view and may return a
// cleanup (its timers), run when another page is opened.
import { call, dropSession, session } from "./api.js";
import { el, message } from "./ui.js";
import { loginPage } from "./pages/login.js";
import { overviewPage } from "./pages/overview.js";
import { clientsPage } from "./pages/clients.js";
import { subscriptionsPage } from "./pages/subscriptions.js";
import { topicsPage } from "./pages/topics.js";
import { retainedPage } from "./pages/retained.js";
import { listenersPage } from "./pages/listeners.js";
import { tracesPage } from "./pages/traces.js";
import { metricsPage } from "./pages/metrics.js";
import { alarmsPage } from "./pages/alarms.js";
import { bannedPage } from "./pages/banned.js";
import { usersPage } from "./pages/users.js";
import { apiKeysPage } from "./pages/api_keys.js";
import { licensePage } from "./pages/license.js";

const pages = [
  ["overview", "Overview", overviewPage],
  ["clients", "Clients", clientsPage],
  ["subscriptions", "Subscriptions", subscriptionsPage],
  ["topics", "Topics", topicsPage],
  ["retained", "Retained", retainedPage],
  ["listeners", "Listeners", listenersPage],
  ["traces", "Traces", tracesPage],
  ["metrics", "Metrics", metricsPage],
  ["alarms", "Alarms", alarmsPage],
  ["banned", "Banned", bannedPage],
  ["users", "Users", usersPage],
  ["api-keys", "API keys", apiKeysPage],
  ["license", "License", licensePage],
];

let cleanup = null;

async function show() {
  if (cleanup) cleanup();
  cleanup = null;
  const view = document.getElementById("view");
  view.replaceChildren();
  const name = location.hash.replace(/^#\/?/, "").split("/")[0];
  const s = session();
  document.getElementById("top").hidden = !s || name === "login";
  if (!s || name === "login") {
    // The page asked for (#/clients) once logged in; a hash that does not
    // change fires no hashchange, so show() is called then.
    const next = name && name !== "login" ? location.hash : "#/overview";
    loginPage(view, () => (location.hash === next ? show() : (location.hash = next)));
    return;
  }
  document.getElementById("who").textContent = s.username;
  const page = pages.find(([n]) => n === name) || pages[0];
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", a.dataset.page === page[0]);
  try {
    cleanup = (await page[2](view)) || null;
  } catch (e) {
    view.append(message(e.message));
  }
}

document.getElementById("nav").append(...pages.map(([n, title]) => el("a", { href: "#/" + n, "data-page": n }, title)));
document.getElementById("logout").addEventListener("click", async () => {
  const s = session();
  try {
    await call("POST", "/api/v5/logout", { username: s.username });
  } finally {
    dropSession();
    location.hash = "#/login";
  }
});
window.addEventListener("hashchange", show);
show();
