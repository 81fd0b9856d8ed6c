// Login, and the password change the API forces on the default user
// (403 DEFAULT_CREDENTIALS_NOT_CHANGED): after it the token is revoked, so we
// log in again with the new password.
import { call, dropSession, saveSession } from "../api.js";
import { el, formValues, message } from "../ui.js";

async function login(username, password) {
  const r = await call("POST", "/api/v5/login", { username, password });
  saveSession(username, r.token);
  try {
    await call("GET", "/api/v5/nodes");
    return true;
  } catch (e) {
    if (e.code === "DEFAULT_CREDENTIALS_NOT_CHANGED") return false;
    throw e;
  }
}

// `done` opens the dashboard once logged in.
export function loginPage(view, done) {
  const status = el("div");
  const form = el("form", { id: "login-form" },
    el("label", {}, "Username", el("input", { name: "username", value: "admin", autocomplete: "username" })),
    el("label", {}, "Password", el("input", { name: "password", type: "password", autocomplete: "current-password" })),
    el("button", { type: "submit" }, "Log in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { username, password } = formValues(form);
    status.replaceChildren();
    try {
      if (await login(username, password)) done();
      else changePassword(view, username, password, done);
    } catch (e) {
      dropSession();
      status.append(message(e.message));
    }
  });
  view.append(el("section", { class: "login" }, el("h1", {}, "emqxd dashboard"), form, status));
}

function changePassword(view, username, oldPassword, done) {
  const status = el("div");
  const form = el("form", { id: "change-password-form" },
    el("label", {}, "New password", el("input", { name: "new_pwd", type: "password", autocomplete: "new-password" })),
    el("label", {}, "Repeat it", el("input", { name: "repeat", type: "password", autocomplete: "new-password" })),
    el("button", { type: "submit" }, "Change password"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { new_pwd, repeat } = formValues(form);
    status.replaceChildren();
    if (new_pwd !== repeat) return status.append(message("The two passwords differ"));
    try {
      await call("POST", "/api/v5/users/" + encodeURIComponent(username) + "/change_pwd", { old_pwd: oldPassword, new_pwd });
      await login(username, new_pwd);
      done();
    } catch (e) {
      status.append(message(e.message));
    }
  });
  view.replaceChildren(el("section", { class: "login" }, el("h1", {}, "Change the default password"),
    el("p", {}, "The default password must be changed before the dashboard can be used."), form, status));
}
