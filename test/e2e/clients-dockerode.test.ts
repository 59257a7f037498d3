// dockerode, the Node client most tools script Docker with, driving Docker's engine and berthd through the
// same scenarios: containers, exec and attach streams (demuxed with modem.demuxStream), logs, archives,
// images, classic builds, events, followProgress, networks and volumes. Docker's engine runs each scenario
// too, so a scenario that fails there is a broken test, not a berth defect.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { ENGINES, skipClients, useEngines, type Engine } from '../helpers/engines.js';
import { testImages } from '../helpers/images.js';

const skip = skipClients();

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** Splits Docker's multiplexed framing (8-byte headers) of a whole body into stdout and stderr text. */
function demuxBuffer(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    (buf[i] === 2 ? err : out).push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Reads a multiplexed stream to its end through dockerode's own demuxer. */
async function demuxed(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const outText = collect(out);
  const errText = collect(err);
  docker.modem.demuxStream(stream, out, err);
  await once(stream, 'end');
  out.end();
  err.end();
  return { stdout: (await outText).toString(), stderr: (await errText).toString() };
}

function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files))
    pack.entry({ name, mode: 0o644, mtime: new Date(1_700_000_000_000) }, content);
  pack.finalize();
  return collect(pack);
}

async function untar(stream: Readable): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    void collect(body).then((data) => {
      if (header.type === 'file') files[header.name] = data.toString();
      next();
    });
  });
  stream.pipe(extract);
  await once(extract, 'finish');
  return files;
}

const followProgress = (docker: Docker, stream: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> =>
  new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: Record<string, unknown>[]) =>
      err ? reject(err) : resolve(output),
    );
  });

const engineOf = useEngines(skip);

for (const name of ENGINES) {
  describe(`dockerode against ${name}`, { skip, concurrency: false }, () => {
    let engine: Engine;
    let docker: Docker;
    const created: Docker.Container[] = [];
    const p = `dockerode-${name}`;

    before(async () => {
      engine = engineOf(name);
      docker = new Docker({ socketPath: engine.socketPath });
    });
    after(async () => {
      for (const c of created) await c.remove({ force: true, v: true }).catch(() => undefined);
    });

    const create = async (opts: Docker.ContainerCreateOptions): Promise<Docker.Container> => {
      const c = await docker.createContainer({ Image: 'busybox', ...opts });
      created.push(c);
      return c;
    };

    test('version and ping', async () => {
      assert.equal(String(await docker.ping()), 'OK');
      const v = await docker.version();
      assert.match(v.ApiVersion, /^1\.\d+$/);
      const info = await docker.info();
      assert.equal(typeof info.Containers, 'number');
    });

    test('container lifecycle: create, start, inspect, list, top, stop, wait, remove', async () => {
      const c = await create({
        name: `${p}-life`,
        Cmd: ['sleep', '60'],
        Labels: { suite: p },
        Env: ['A=1'],
        StopTimeout: 1,
      });
      await c.start();
      const info = await c.inspect();
      assert.equal(info.State.Running, true);
      assert.equal(info.Name, `/${p}-life`);
      assert.ok(info.Config.Env.includes('A=1'));
      const list = await docker.listContainers({ filters: { label: [`suite=${p}`] } });
      assert.deepEqual(
        list.map((x) => x.Id),
        [c.id],
      );
      assert.equal(list[0]?.Names[0], `/${p}-life`);
      const top = await c.top();
      assert.ok(top.Processes.some((row: string[]) => row.join(' ').includes('sleep 60')));
      await c.pause();
      assert.equal((await c.inspect()).State.Paused, true);
      await c.unpause();
      const waited = c.wait();
      await c.stop({ t: 1 });
      assert.equal(((await waited) as { StatusCode: number }).StatusCode, 137);
      await c.rename({ name: `${p}-renamed` });
      assert.equal((await c.inspect()).Name, `/${p}-renamed`);
      await c.remove();
      await assert.rejects(c.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    });

    test('run to exit: wait for the code, logs demuxed (buffer and followed stream)', async () => {
      const c = await create({ Cmd: ['sh', '-c', 'echo out1; echo err1 >&2; echo out2; exit 7'] });
      const waited = c.wait({ condition: 'next-exit' });
      await c.start();
      assert.equal(((await waited) as { StatusCode: number }).StatusCode, 7);
      const buf = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      assert.deepEqual(demuxBuffer(buf), { stdout: 'out1\nout2\n', stderr: 'err1\n' });
      // tail=-1 is every line, as Testcontainers asks for it.
      assert.equal(demuxBuffer((await c.logs({ stdout: true, tail: -1 })) as unknown as Buffer).stdout, 'out1\nout2\n');
      const stamped = demuxBuffer((await c.logs({ stdout: true, timestamps: true })) as unknown as Buffer).stdout;
      assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out1\n/);
      const followed = await demuxed(
        docker,
        (await c.logs({ stdout: true, stderr: true, follow: true })) as unknown as NodeJS.ReadableStream,
      );
      assert.deepEqual(followed, { stdout: 'out1\nout2\n', stderr: 'err1\n' });
    });

    test('logs follow a running container until it exits', async () => {
      const c = await create({ Cmd: ['sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.2; done'] });
      await c.start();
      const stream = (await c.logs({ stdout: true, stderr: true, follow: true })) as unknown as NodeJS.ReadableStream;
      const { stdout } = await demuxed(docker, stream);
      assert.equal(stdout, 'line 1\nline 2\nline 3\n');
      const tail = demuxBuffer((await c.logs({ stdout: true, stderr: true, tail: 1 })) as unknown as Buffer);
      assert.deepEqual(tail, { stdout: 'line 3\n', stderr: '' });
    });

    test('exec: output demuxed, exit code, stdin, env and workdir', async () => {
      const c = await create({ Cmd: ['sleep', '60'], StopTimeout: 1 });
      await c.start();
      const exec = await c.exec({
        Cmd: ['sh', '-c', 'echo "hello $X from $(pwd)"; echo oops >&2; exit 3'],
        AttachStdout: true,
        AttachStderr: true,
        Env: ['X=exec'],
        WorkingDir: '/tmp',
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      assert.deepEqual(await demuxed(docker, stream), { stdout: 'hello exec from /tmp\n', stderr: 'oops\n' });
      const info = await exec.inspect();
      assert.equal(info.ExitCode, 3);
      assert.equal(info.Running, false);

      const cat = await c.exec({
        Cmd: ['sh', '-c', 'cat; echo end'],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      const duplex = await cat.start({ hijack: true, stdin: true });
      const result = demuxed(docker, duplex);
      duplex.end('piped in\n');
      assert.deepEqual(await result, { stdout: 'piped in\nend\n', stderr: '' });

      const tty = await c.exec({
        Cmd: ['sh', '-c', 'echo tty; echo err >&2'],
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
      });
      const raw = (
        await collect((await tty.start({ hijack: true, stdin: false, Tty: true })) as unknown as Readable)
      ).toString();
      assert.equal(raw, 'tty\r\nerr\r\n');
      await c.kill();
    });

    test('attach: stdin in, stdout and stderr out, StdinOnce ends the container', async () => {
      const c = await create({
        Cmd: ['sh', '-c', 'cat; echo bye >&2'],
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = (await c.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as unknown as NodeJS.ReadWriteStream;
      const result = demuxed(docker, stream);
      await c.start();
      stream.end('to cat\n');
      assert.deepEqual(await result, { stdout: 'to cat\n', stderr: 'bye\n' });
      assert.equal(((await c.wait()) as { StatusCode: number }).StatusCode, 0);
    });

    test('archive: put a tar in, stat it, get it back out', async () => {
      const c = await create({ Cmd: ['sleep', '60'], StopTimeout: 1 });
      await c.putArchive(await tarOf({ 'in/a.txt': 'alpha\n', 'in/b.txt': 'beta\n' }), { path: '/tmp' });
      const head = (await c.infoArchive({ path: '/tmp/in/a.txt' })) as unknown as { headers: Record<string, string> };
      const stat = JSON.parse(Buffer.from(head.headers['x-docker-container-path-stat'] ?? '', 'base64').toString()) as {
        name: string;
        size: number;
      };
      assert.equal(stat.name, 'a.txt');
      assert.equal(stat.size, 6);
      const files = await untar((await c.getArchive({ path: '/tmp/in' })) as unknown as Readable);
      assert.deepEqual(files, { 'in/a.txt': 'alpha\n', 'in/b.txt': 'beta\n' });
      await c.start();
      const exec = await c.exec({ Cmd: ['cat', '/tmp/in/b.txt'], AttachStdout: true, AttachStderr: true });
      assert.equal((await demuxed(docker, await exec.start({ hijack: true, stdin: false }))).stdout, 'beta\n');
      await assert.rejects(
        c.getArchive({ path: '/no/such' }),
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
      await c.kill();
    });

    test('images: load with followProgress, list, inspect, history, tag, remove', async () => {
      const { busybox } = await testImages();
      const output = await followProgress(docker, await docker.loadImage(createReadStream(busybox)));
      assert.ok(
        output.some((o) => typeof o.stream === 'string' && /Loaded image/.test(o.stream)),
        JSON.stringify(output),
      );
      const image = docker.getImage('busybox:latest');
      const info = await image.inspect();
      assert.match(info.Id, /^sha256:[0-9a-f]{64}$/);
      assert.ok(info.RepoTags.includes('busybox:latest'));
      assert.equal(info.Os, 'linux');
      const history = await image.history();
      assert.ok(history.length >= 1);
      await image.tag({ repo: `${p}/tagged`, tag: 'v1' });
      const listed = await docker.listImages({ filters: { reference: [`${p}/tagged`] } });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.Id, info.Id);
      assert.deepEqual(listed[0]?.RepoTags, [`${p}/tagged:v1`]);
      assert.equal(typeof listed[0]?.Created, 'number');
      const removed = await docker.getImage(`${p}/tagged:v1`).remove();
      assert.deepEqual(removed, [{ Untagged: `${p}/tagged:v1` }]);
      await assert.rejects(
        docker.getImage(`${p}/tagged:v1`).inspect(),
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
    });

    test('build: classic builder from a tar context, progress followed, image runs', async () => {
      const context = await tarOf({
        Dockerfile:
          'FROM busybox\nARG WHO=nobody\nCOPY greeting.txt /greeting.txt\nRUN echo "built for $WHO" > /who.txt\nLABEL suite=dockerode\nCMD ["cat", "/greeting.txt", "/who.txt"]\n',
        'greeting.txt': 'hi from the context\n',
      });
      const stream = await docker.buildImage(Readable.from([context]), {
        t: `${p}-built:1`,
        version: '1',
        buildargs: { WHO: 'dockerode' },
      } as Docker.ImageBuildOptions);
      const output = await followProgress(docker, stream);
      const text = output.map((o) => (typeof o.stream === 'string' ? o.stream : '')).join('');
      assert.match(text, /Step 1\/6 : FROM busybox/);
      assert.match(text, /Successfully tagged dockerode-\w+-built:1/);
      const aux = output.find((o) => o.aux !== undefined)?.aux as { ID?: string } | undefined;
      const info = await docker.getImage(`${p}-built:1`).inspect();
      assert.equal(aux?.ID, info.Id);
      assert.equal(info.Config.Labels?.suite, 'dockerode');
      const c = await create({ Image: `${p}-built:1` });
      await c.start();
      await c.wait();
      const logs = demuxBuffer((await c.logs({ stdout: true })) as unknown as Buffer);
      assert.equal(logs.stdout, 'hi from the context\nbuilt for dockerode\n');
      await c.remove();
      await docker.getImage(`${p}-built:1`).remove();
    });

    test('build failure: the error arrives through followProgress', async () => {
      const context = await tarOf({ Dockerfile: 'FROM busybox\nRUN exit 5\n' });
      const stream = await docker.buildImage(Readable.from([context]), {
        t: `${p}-broken:1`,
        version: '1',
      } as Docker.ImageBuildOptions);
      const output = await followProgress(docker, stream);
      const failure = output.find((o) => o.error !== undefined) as
        { error: string; errorDetail: { code?: number; message: string } } | undefined;
      assert.match(failure?.error ?? '', /returned a non-zero code: 5/);
      assert.equal(failure?.errorDetail.code, 5);
      assert.equal(failure?.errorDetail.message, failure?.error);
      await assert.rejects(
        docker.getImage(`${p}-broken:1`).inspect(),
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
    });

    test('events: a live stream with filters, and a since/until window', async () => {
      const since = Math.floor(Date.now() / 1000) - 1;
      const stream = (await docker.getEvents({
        filters: { type: ['container'], label: [`events=${p}`] },
      })) as unknown as Readable;
      const seen: {
        Type: string;
        Action: string;
        Actor: { ID: string; Attributes: Record<string, string> };
        id?: string;
        status?: string;
        time: number;
        timeNano: number;
      }[] = [];
      let buffered = '';
      const gotDestroy = new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            const ev = JSON.parse(line) as (typeof seen)[number];
            seen.push(ev);
            if (ev.Action === 'destroy') resolve();
          }
        });
      });
      const c = await create({ Cmd: ['true'], Labels: { events: p }, name: `${p}-ev` });
      await c.start();
      await c.wait();
      await c.remove();
      await gotDestroy;
      stream.destroy();
      assert.deepEqual(
        seen.map((e) => e.Action),
        ['create', 'start', 'die', 'destroy'],
      );
      for (const e of seen) {
        assert.equal(e.Type, 'container');
        assert.equal(e.Actor.ID, c.id);
        assert.equal(e.Actor.Attributes.name, `${p}-ev`);
        assert.equal(e.Actor.Attributes.image, 'busybox');
        assert.equal(e.id, c.id);
        assert.equal(e.status, e.Action);
        assert.equal(Math.floor(e.timeNano / 1e9), e.time);
      }
      assert.equal(seen[2]?.Actor.Attributes.exitCode, '0');
      const until = Math.ceil(Date.now() / 1000) + 1;
      const past = (
        await collect((await docker.getEvents({ since, until, filters: { container: [c.id] } })) as unknown as Readable)
      ).toString();
      const actions = past
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { Action: string }).Action);
      assert.deepEqual(actions, ['create', 'start', 'die', 'destroy']);
    });

    test('networks: create, inspect, connect, disconnect, list, remove', async () => {
      const net = await docker.createNetwork({
        Name: `${p}-net`,
        Driver: 'bridge',
        Labels: { suite: p },
        CheckDuplicate: true,
      });
      try {
        const info = await net.inspect();
        assert.equal(info.Name, `${p}-net`);
        assert.equal(info.Driver, 'bridge');
        assert.equal(info.Labels?.suite, p);
        assert.ok(info.IPAM?.Config?.[0]?.Subnet);
        const c = await create({ Cmd: ['sleep', '60'], StopTimeout: 1 });
        await net.connect({ Container: c.id, EndpointConfig: { Aliases: ['web'] } });
        await c.start();
        const settings = (await c.inspect()).NetworkSettings.Networks[`${p}-net`];
        assert.ok(settings?.IPAddress);
        assert.equal(settings?.NetworkID, net.id);
        const attached = await net.inspect();
        assert.deepEqual(Object.keys(attached.Containers ?? {}), [c.id]);
        const listed = await docker.listNetworks({ filters: { label: [`suite=${p}`] } });
        assert.deepEqual(
          listed.map((n) => n.Name),
          [`${p}-net`],
        );
        await net.disconnect({ Container: c.id });
        assert.equal((await c.inspect()).NetworkSettings.Networks[`${p}-net`], undefined);
        await c.remove({ force: true });
      } finally {
        await net.remove();
      }
      await assert.rejects(net.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    });

    test('volumes: create, list, inspect, use from two containers, remove', async () => {
      const volume = (await docker.createVolume({ Name: `${p}-vol`, Labels: { suite: p } })) as unknown as {
        name: string;
      };
      assert.equal(volume.name, `${p}-vol`);
      const v = docker.getVolume(`${p}-vol`);
      const info = await v.inspect();
      assert.equal(info.Driver, 'local');
      assert.equal(info.Labels.suite, p);
      assert.match(info.Mountpoint, /\/_data$/);
      const list = await docker.listVolumes({ filters: { label: [`suite=${p}`] } });
      assert.deepEqual(
        list.Volumes.map((x) => x.Name),
        [`${p}-vol`],
      );
      const writer = await create({
        Cmd: ['sh', '-c', 'echo kept > /data/f'],
        HostConfig: { Binds: [`${p}-vol:/data`] },
      });
      await writer.start();
      await writer.wait();
      const reader = await create({
        Cmd: ['cat', '/data/f'],
        HostConfig: { Mounts: [{ Type: 'volume', Source: `${p}-vol`, Target: '/data', ReadOnly: true }] },
      });
      await reader.start();
      await reader.wait();
      assert.equal(demuxBuffer((await reader.logs({ stdout: true })) as unknown as Buffer).stdout, 'kept\n');
      await assert.rejects(v.remove(), (err: { statusCode?: number }) => err.statusCode === 409);
      await writer.remove();
      await reader.remove();
      await v.remove();
      await assert.rejects(v.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    });
  });
}
