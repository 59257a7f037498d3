// Calls into the in-process Engine API for the contract tests: each answer's status must be one the swagger lists
// for the route, its body must match the swagger's schema for that status (errors: {"message"}), and every call
// records which registered route served it, so a test can prove that every route was exercised.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { registeredRoutes, type RegisteredRoute } from '../../src/api/index.js';
import type { EngineContract } from './engine-contract.js';

export interface CallOptions {
  payload?: string | Buffer | object;
  headers?: Record<string, string>;
  /** The status the test expects. */
  expect: number;
  /** Body is a stream of JSON lines (progress): each line parsed, not checked against a schema. */
  jsonLines?: boolean;
  /** Over the server's unix socket instead of inject: for hijacked routes (attach), which need a real socket. */
  socketPath?: string;
}

interface RawAnswer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): unknown;
}

/** One request over a unix socket, read to its end (a hijacked stream ends when the server closes it). */
function overSocket(
  socketPath: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload: string | Buffer | undefined,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path: url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({
          statusCode: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body) as unknown,
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  body: unknown;
}

const routeRegex = (url: string): RegExp =>
  new RegExp(
    `^${url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z]+/g, '[^/]+')
      .replace(/\*/g, '.*')}$`,
  );

export class ApiCalls {
  readonly covered = new Map<string, Set<number>>();
  private readonly routes: (RegisteredRoute & { re: RegExp })[];

  constructor(
    private readonly app: FastifyInstance,
    private readonly contract: EngineContract,
  ) {
    this.routes = registeredRoutes(app).map((r) => ({ ...r, re: routeRegex(r.url) }));
  }

  /** The registered route a request reaches (most specific pattern first: wildcards last). */
  routeOf(method: string, path: string): string | undefined {
    const matches = this.routes.filter((r) => r.method === method && r.re.test(path));
    matches.sort((a, b) => Number(a.url.includes('*')) - Number(b.url.includes('*')));
    const r = matches[0];
    return r ? `${r.method} ${r.url}` : undefined;
  }

  /**
   * One request; `swaggerPath` is the swagger's template ("/containers/{id}/json"), or null for a route berth serves
   * beyond the v1.47 swagger (then only the error shape is checked).
   */
  async call(method: string, url: string, swaggerPath: string | null, options: CallOptions): Promise<Answer> {
    const payload = options.payload;
    const isJson = payload !== undefined && !Buffer.isBuffer(payload) && typeof payload === 'object';
    const body$ = isJson ? JSON.stringify(payload) : (payload as string | Buffer | undefined);
    const headers = { ...(isJson ? { 'content-type': 'application/json' } : {}), ...options.headers };
    const res: RawAnswer = options.socketPath
      ? await overSocket(options.socketPath, method, url, headers, body$)
      : await this.app.inject({ method: method as 'GET', url, payload: body$, headers });
    const where = `${method} ${url}`;
    assert.equal(res.statusCode, options.expect, `${where}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    const path = new URL(url, 'http://x').pathname.replace(/^\/v\d+\.\d+/, '');
    const route = this.routeOf(method, path);
    assert.ok(route, `${where}: no registered route`);
    if (!this.covered.has(route)) this.covered.set(route, new Set());
    this.covered.get(route)?.add(res.statusCode);
    const type = String(res.headers['content-type'] ?? '');
    let body: unknown;
    if (method === 'HEAD') {
      assert.equal(res.body, '', `${where}: HEAD answers carry no body`);
    } else if (res.statusCode >= 400) {
      assert.equal(type, 'application/json', `${where}: an error is JSON`);
      body = res.json();
      assert.deepEqual(Object.keys(body as object), ['message'], `${where}: an error is {"message"}`);
    } else if (options.jsonLines) {
      body = res.body
        .split(/\r?\n/)
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as unknown);
    } else if (type.startsWith('application/json') && res.body !== '') {
      body = res.json();
    } else if (type.startsWith('text/plain')) {
      body = res.body;
    }
    const unchecked = { ok: true, errors: '', noSchema: true };
    // HEAD answers have no body to check; the status must still be one Docker answers.
    const check =
      swaggerPath === null
        ? unchecked
        : method === 'HEAD'
          ? (this.contract.validateResponse(method, swaggerPath, res.statusCode, undefined), unchecked)
          : this.contract.validateResponse(method, swaggerPath, res.statusCode, body);
    if (!options.jsonLines && !check.noSchema)
      assert.ok(
        check.ok,
        `${where} answered ${res.statusCode} outside the swagger's schema:\n${check.errors}\n${res.body.slice(0, 500)}`,
      );
    if (
      swaggerPath !== null &&
      check.noSchema &&
      res.statusCode < 400 &&
      !options.jsonLines &&
      type.startsWith('application/json')
    ) {
      assert.ok(
        res.body === '' || res.body === '\n',
        `${where}: the swagger gives no body for ${res.statusCode}: ${res.body.slice(0, 200)}`,
      );
    }
    return { status: res.statusCode, headers: res.headers, text: res.body, body };
  }
}
