// Runs `fn` now and every `ms` until the returned cleanup is called; a failed
// round shows its error in `where` and the next round tries again.
import { message } from "../ui.js";

export function poll(ms, where, fn) {
  let stopped = false;
  const round = async () => {
    try {
      await fn();
      where.replaceChildren();
    } catch (e) {
      if (!stopped) where.replaceChildren(message(e.message));
    }
  };
  round();
  const timer = setInterval(round, ms);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
