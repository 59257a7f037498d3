// One live events stream for the whole app (GET /events, JSON lines); pages subscribe to it.
import { API, jsonLines } from './api.js';

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

type Listener = (e: EngineEvent) => void;
const listeners = new Set<Listener>();
let started = false;
export const recentEvents: EngineEvent[] = [];

async function run(): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      const res = await fetch(`${API}/events`, { credentials: 'same-origin' });
      if (res.ok) {
        delay = 500;
        await jsonLines<EngineEvent>(res, (e) => {
          recentEvents.push(e);
          if (recentEvents.length > 5000) recentEvents.splice(0, recentEvents.length - 5000);
          for (const fn of listeners) fn(e);
        });
      }
    } catch {
      /* reconnect below */
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  if (!started) {
    started = true;
    void run();
  }
  return () => listeners.delete(fn);
}
