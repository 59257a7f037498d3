// One schema step of berth.db, applied once, in its own transaction, in version order.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
