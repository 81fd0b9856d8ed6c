// Dashboard users (EMQX's Users page): list, add, change a user's role and
// description, change a password, delete. A password change revokes the
// user's tokens, so changing one's own logs out.
import { call, dropSession, enc, get, session } from "../api.js";
import { el, formValues, message, table } from "../ui.js";
import { act } from "./action.js";

const ROLES = ["administrator", "viewer"];

export function roleSelect(roles, selected) {
  return el("select", { name: "role" }, roles.map((r) => el("option", { value: r, selected: r === selected }, r)));
}

export function usersPage(view) {
  const status = el("div");
  const list = el("div", { id: "user-list" });
  const add = el("form", { id: "user-add" },
    el("label", {}, "Username", el("input", { name: "username", required: true })),
    el("label", {}, "Password", el("input", { name: "password", type: "password", required: true, autocomplete: "new-password" })),
    el("label", {}, "Role", roleSelect(ROLES, "administrator")),
    el("label", {}, "Description", el("input", { name: "description" })),
    el("button", { type: "submit" }, "Add user"));
  const edit = el("div", { id: "user-edit" });
  const password = el("form", { id: "user-password" },
    el("label", {}, "Username", el("input", { name: "username", required: true, value: session().username })),
    el("label", {}, "Old password", el("input", { name: "old_pwd", type: "password", required: true, autocomplete: "current-password" })),
    el("label", {}, "New password", el("input", { name: "new_pwd", type: "password", required: true, autocomplete: "new-password" })),
    el("label", {}, "Repeat it", el("input", { name: "repeat", type: "password", required: true, autocomplete: "new-password" })),
    el("button", { type: "submit" }, "Change password"));
  view.append(el("h1", {}, "Users"), status, list, edit, el("h2", {}, "Add a user"), add,
    el("h2", {}, "Change a password"), password);

  const refresh = async () => {
    const users = await get("/api/v5/users");
    list.replaceChildren(table([
      ["Username", (u) => u.username], ["Role", (u) => u.role], ["Description", (u) => u.description],
      ["Backend", (u) => u.backend],
      ["", (u) => el("span", {},
        el("button", { type: "button", onclick: () => showEdit(u) }, "Edit"), " ",
        el("button", { type: "button", onclick: () => remove(u.username) }, "Delete"))],
    ], users, "No users"));
  };
  const remove = (username) => act(status, () => call("DELETE", "/api/v5/users/" + enc(username)),
    `Deleted user ${username}`, refresh);
  const showEdit = (u) => {
    const form = el("form", {},
      el("label", {}, "Role", roleSelect(ROLES, u.role)),
      el("label", {}, "Description", el("input", { name: "description", value: u.description || "" })),
      el("button", { type: "submit" }, "Save"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const saved = await act(status, () => call("PUT", "/api/v5/users/" + enc(u.username), formValues(form)),
        `Saved user ${u.username}`, refresh);
      if (saved) edit.replaceChildren();
    });
    edit.replaceChildren(el("h2", {}, "Edit user " + u.username), form);
  };
  add.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (await act(status, () => call("POST", "/api/v5/users", formValues(add)), (u) => `Added user ${u.username}`, refresh))
      add.reset();
  });
  password.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { username, old_pwd, new_pwd, repeat } = formValues(password);
    if (new_pwd !== repeat) return status.replaceChildren(message("The two new passwords differ"));
    if (!(await act(status, () => call("POST", `/api/v5/users/${enc(username)}/change_pwd`, { old_pwd, new_pwd }),
      `Changed the password of ${username}`))) return;
    password.reset();
    // The change revoked this user's tokens: log in again.
    if (username === session().username) {
      dropSession();
      location.hash = "#/login";
    }
  });
  refresh().catch((e) => status.replaceChildren(message(e.message)));
}
