// One change made through the API from a button or a form: its notice, or
// the API's error, in `status`; then `after` (the page's list read again).
// Whether the change was made.
import { message } from "../ui.js";

export async function act(status, change, notice, after) {
  try {
    const result = await change();
    status.replaceChildren(message(typeof notice === "function" ? notice(result) : notice, "notice"));
  } catch (e) {
    status.replaceChildren(message(e.message));
    return false;
  }
  if (after) await after().catch((e) => status.append(message(e.message)));
  return true;
}
