// Exec routes: create, start (hijacked; TTY raw, else stdcopy frames), inspect, resize.
import type { FastifyInstance } from 'fastify';
import type { ExecService } from '../../engine/exec/exec-service.js';
import type { ExecCreateRequest, ExecStartRequest } from '../../spec/docker/exec.js';
import { z } from 'zod';
import { invalidArgument } from '../../core/errdefs.js';
import { decodeBody, goBool, goString, goStrings, goStruct } from '../server/json-body.js';
import { detachKeysParam, NO_DETACH_KEYS } from './detach-keys.js';
import { queryInt, type Query } from '../server/query.js';
import { hijack, MULTIPLEXED_STREAM, RAW_STREAM } from '../server/hijack.js';
import { bridgeStdio } from './stdio-bridge.js';
import { consoleSizeOf } from './console-size.js';
import { frame, STDOUT } from '../compat/stdcopy.js';
import { requestSignal } from '../server/request-signal.js';

type IdParams = { Params: { id: string }; Querystring: Query };

const consoleSize = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).nullish();
const execCreateSchema = goStruct({
  AttachStdin: goBool,
  AttachStdout: goBool,
  AttachStderr: goBool,
  ConsoleSize: consoleSize,
  DetachKeys: goString,
  Tty: goBool,
  Env: goStrings,
  Cmd: goStrings,
  Privileged: goBool,
  User: goString,
  WorkingDir: goString,
});
const execStartSchema = goStruct({ Detach: goBool, Tty: goBool, ConsoleSize: consoleSize });

export function execRoutes(app: FastifyInstance, execs: ExecService): void {
  app.post<{ Params: { id: string }; Body: unknown }>('/containers/:id/exec', async (req, reply) => {
    const body = decodeBody(execCreateSchema, req.body, 'ExecOptions') as ExecCreateRequest;
    if (body.DetachKeys) detachKeysParam(body.DetachKeys, 'escape keys');
    const { id } = execs.create(req.params.id, body);
    return reply.code(201).send({ Id: id });
  });

  app.get<IdParams>('/exec/:id/json', async (req) => execs.inspect(req.params.id));

  app.post<IdParams>('/exec/:id/resize', async (req, reply) => {
    const h = queryInt(req.query, 'h') ?? 0;
    const w = queryInt(req.query, 'w') ?? 0;
    if (h < 0 || w < 0) throw invalidArgument('invalid resize parameters');
    await execs.resize(req.params.id, { height: h, width: w });
    return reply.code(200).send();
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/exec/:id/start', async (req, reply) => {
    const body = decodeBody(execStartSchema, req.body, 'ExecStartOptions') as ExecStartRequest;
    const settings = execs.settings(req.params.id);
    const consoleSize = consoleSizeOf(body.ConsoleSize);
    if (body.Detach) {
      const session = await execs.start(req.params.id, { detach: true, consoleSize });
      void session.exited;
      return reply.code(200).send();
    }
    // As Docker's: the start request's Tty decides the framing (raw or stdcopy), whatever the exec was created with.
    const tty = body.Tty === true;
    // Errors found before anything runs (not found, already ran, container stopped) are plain HTTP errors.
    execs.assertStartable(req.params.id);
    // The response head goes out before the process starts, as Docker's does: a client that reads the head through
    // a buffer and then the stream from the bare socket (docker-py) would lose output that came with the head.
    const socket = hijack(req, reply, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    let session;
    try {
      session = await execs.start(req.params.id, { consoleSize, signal: requestSignal(req, reply) });
    } catch (err) {
      // As Docker: the refusal is written into the stream; inspect then shows exit code 126.
      const text = Buffer.from(`${(err as Error).message || 'exec failed'}\r\n`);
      socket.end(tty ? text : frame(STDOUT, text));
      return;
    }
    const how = await bridgeStdio(socket, session.stdio, {
      multiplexed: !tty,
      stdin: settings.attachStdin,
      stdout: settings.attachStdout,
      // Docker's start with Tty has no stderr writer: a plain exec's stderr goes nowhere then.
      stderr: settings.attachStderr && !tty,
      // As Docker's: the keys are watched on a TTY only; without one they are input like any other.
      detachKeys: settings.tty ? detachKeysParam(settings.detachKeys) : NO_DETACH_KEYS,
    });
    if (how === 'detached' && settings.tty) {
      // Docker 20.10 words the detach as a failed attach, in the stream, and ends the exec (exit code 126).
      session.detached();
      socket.end(Buffer.from('exec attach failed: error on attach stdin: read escape sequence\r\n'));
      return;
    }
    if (how === 'gone') {
      // Nobody reads it any more: end the process rather than leave it behind.
      session.kill();
      await session.exited;
      return;
    }
    if (how === 'ended') await session.exited;
    socket.end();
  });
}
