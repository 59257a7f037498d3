// One live events stream for the whole app (GET /events, JSON lines); pages subscribe to it.
import { backgroundEngine, jsonLines } from './api.js';
import type { EventMessage } from '../../src/client/engine-types.js';

export type EngineEvent = EventMessage;

type Listener = (e: EngineEvent) => void;
const listeners = new Set<Listener>();
let started = false;
export const recentEvents: EngineEvent[] = [];

async function run(): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      const res = await backgroundEngine.system.events();
      delay = 500;
      await jsonLines<EngineEvent>(res, (e) => {
        recentEvents.push(e);
        if (recentEvents.length > 5000) recentEvents.splice(0, recentEvents.length - 5000);
        for (const fn of listeners) fn(e);
      });
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
