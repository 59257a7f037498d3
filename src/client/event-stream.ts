// The Engine API's event stream (GET /events) as it arrives: one JSON object a line.

export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

/** Each event of the stream with its line as sent (whose digits of timeNano stay exact where a number may not). */
export async function* eventMessages(
  stream: AsyncIterable<unknown>,
): AsyncGenerator<{ event: EventMessage; raw: string }> {
  let pending = '';
  for await (const chunk of stream) {
    pending += String(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const raw = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (raw.trim()) yield { event: JSON.parse(raw) as EventMessage, raw };
    }
  }
}
