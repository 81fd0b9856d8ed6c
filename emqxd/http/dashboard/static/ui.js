// DOM helpers: every value from the API goes in as text, never as HTML.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

// A table: `columns` are [heading, row => cell (text or node)].
export function table(columns, rows, empty = "None") {
  if (rows.length === 0) return el("p", { class: "empty" }, empty);
  return el("table", {},
    el("thead", {}, el("tr", {}, columns.map(([h]) => el("th", {}, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, columns.map(([, f]) => el("td", {}, fmt(f(r))))))));
}

// A key/value table of one object.
export function fields(obj) {
  return table([["Field", ([k]) => k], ["Value", ([, v]) => v]], Object.entries(obj));
}

function fmt(v) {
  if (v instanceof Node) return v;
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

// A message line that a page shows above its content.
export function message(text, kind = "error") {
  return el("p", { class: kind, role: kind === "error" ? "alert" : "status" }, text);
}

// Reads a form's named inputs as an object.
export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}
