import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import {
  StatusResponseSchema,
  type StatusResponse,
} from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { PlainPrinter, SolveTrace, TtyDisplay } from './buildkit-progress.js';

const at = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

function updates(): StatusResponse[] {
  const base = 1_700_000_000_000;
  return [
    create(StatusResponseSchema, { vertexes: [{ digest: 'a', name: '[1/2] FROM busybox', cached: true }] }),
    create(StatusResponseSchema, { vertexes: [{ digest: 'b', name: '[2/2] RUN echo hi', started: at(base) }] }),
    create(StatusResponseSchema, {
      logs: [{ vertex: 'b', timestamp: at(base + 345), msg: Buffer.from('hi\npart') }],
    }),
    create(StatusResponseSchema, { logs: [{ vertex: 'b', timestamp: at(base + 400), msg: Buffer.from('ial\n') }] }),
    create(StatusResponseSchema, {
      vertexes: [{ digest: 'b', name: '[2/2] RUN echo hi', started: at(base), completed: at(base + 1100) }],
    }),
    create(StatusResponseSchema, {
      vertexes: [{ digest: 'c', name: 'exporting to image', started: at(base + 1200) }],
      statuses: [
        {
          ID: 'transferring context:',
          vertex: 'c',
          current: 34n,
          started: at(base + 1200),
          completed: at(base + 1201),
        },
        { ID: 'exporting layers', vertex: 'c', started: at(base + 1200), completed: at(base + 1250) },
      ],
    }),
    create(StatusResponseSchema, {
      vertexes: [
        {
          digest: 'c',
          name: 'exporting to image',
          started: at(base + 1200),
          completed: at(base + 1300),
          error: 'boom',
        },
      ],
    }),
  ];
}

test('plain: headers, logs with their time, statuses, CACHED/DONE/ERROR, and the error report', () => {
  const trace = new SolveTrace();
  let out = '';
  const printer = new PlainPrinter((t) => (out += t));
  for (const u of updates()) printer.print(trace.update(u));
  assert.equal(
    out,
    [
      '#1 [1/2] FROM busybox',
      '#1 CACHED',
      '',
      '#2 [2/2] RUN echo hi',
      '#2 0.345 hi',
      '#2 0.400 partial',
      '#2 DONE 1.1s',
      '',
      '#3 exporting to image',
      '#3 transferring context: 34B done',
      '#3 exporting layers 0.1s done',
      '#3 ERROR: boom',
      '',
    ].join('\n'),
  );
  assert.equal(trace.errorReport(), '------\n > exporting to image:\n------\n');
});

test('tty: the view is redrawn in place, FINISHED at the end', () => {
  const trace = new SolveTrace();
  let out = '';
  const display = new TtyDisplay({ write: (t: string) => (out += t), columns: 60 }, trace);
  const [first, second] = updates();
  trace.update(first as StatusResponse);
  display.draw(false);
  assert.match(out, /^\x1b\[2K\[\+\] Building \d+\.\ds \(1\/1\)\n\x1b\[2K => CACHED \[1\/2\] FROM busybox +0\.0s\n$/);
  out = '';
  trace.update(second as StatusResponse);
  display.draw(true);
  // Up over the 2 lines drawn before, then 3 lines.
  assert.match(out, /^\x1b\[2A\x1b\[2K\[\+\] Building \d+\.\ds \(1\/2\) FINISHED\n/);
  assert.equal(out.split('\n').length - 1, 3);
});
