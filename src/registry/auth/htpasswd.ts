// htpasswd files with bcrypt entries (`htpasswd -B`), as distribution accepts. Verified credentials are
// remembered for a while: bcrypt costs ~100 ms, and one `docker push` sends dozens of requests.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';

const REMEMBER_MS = 5 * 60_000;

export class Htpasswd {
  private readonly users = new Map<string, string>();
  private readonly verified = new Map<string, number>();

  constructor(text: string) {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const hash = line.slice(colon + 1);
      if (/^\$2[aby]\$\d\d\$/.test(hash)) this.users.set(line.slice(0, colon), hash);
    }
  }

  static load(path: string): Htpasswd {
    const file = new Htpasswd(readFileSync(path, 'utf8'));
    if (file.size === 0) throw new Error(`htpasswd file ${path} holds no bcrypt entries (make them with htpasswd -B)`);
    return file;
  }

  get size(): number {
    return this.users.size;
  }

  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.users.get(user);
    if (!hash) return false;
    const key = createHash('sha256').update(`${user}\0${password}\0${hash}`).digest('hex');
    const until = this.verified.get(key);
    if (until !== undefined && until > Date.now()) return true;
    // htpasswd writes $2y$, the same algorithm bcryptjs knows as $2a$/$2b$.
    const ok = await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
    if (ok) {
      if (this.verified.size > 1000) this.verified.clear();
      this.verified.set(key, Date.now() + REMEMBER_MS);
    }
    return ok;
  }
}

/** `Authorization: Basic ...` -> user and password. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
