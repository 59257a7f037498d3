# docker-py's exec_run and exec_start (stream and not, demux, tty, socket) and attach-then-start against one engine.
# Usage: exec_attach.py <base_url> <rounds>. Prints one JSON object with what the client read; the test asserts.
import json
import sys

import docker
from docker.utils.socket import read_exactly

client = docker.DockerClient(base_url=sys.argv[1], version='1.41')
rounds = int(sys.argv[2])
CMD = ['sh', '-c', 'echo hello out; echo hello err >&2']
text = lambda b: None if b is None else b.decode('latin-1')
out = {'mixed_tty': [], 'mixed_plain': [], 'tty': [], 'plain': [], 'demux': [], 'stream': [], 'low': [], 'big': [], 'socket': [], 'socket_tty': [], 'run': [], 'attach': []}

box = client.containers.run('busybox', ['sleep', '300'], detach=True)
try:
    for _ in range(rounds):
        out['tty'].append(text(box.exec_run(CMD, tty=True).output))
        out['plain'].append(text(box.exec_run(CMD).output))
        out['demux'].append([text(s) for s in box.exec_run(CMD, demux=True).output])
        out['stream'].append(text(b''.join(box.exec_run(CMD, stream=True).output)))
        # The start request's Tty decides the framing, as Docker's: a TTY exec started without Tty comes in frames
        # (docker-py then reads frames), a plain one started with Tty comes raw.
        made = client.api.exec_create(box.id, CMD, tty=True)
        out['mixed_tty'].append(text(client.api.exec_start(made['Id'], tty=False)))
        made = client.api.exec_create(box.id, CMD, tty=False)
        out['mixed_plain'].append(text(client.api.exec_start(made['Id'], tty=True)))
        made = client.api.exec_create(box.id, ['echo', 'hi'])
        out['low'].append(text(client.api.exec_start(made['Id'])))
        # socket=True: the raw socket after the response head; the first 8 bytes are a stream header.
        sock = box.exec_run(['echo', 'hello out'], socket=True).output
        header = read_exactly(sock, 8)
        payload = read_exactly(sock, header[4] << 24 | header[5] << 16 | header[6] << 8 | header[7])
        out['socket'].append([list(header[:4]), text(payload)])
        sock.close()
        sock = box.exec_run(['echo', 'hello out'], socket=True, tty=True).output
        out['socket_tty'].append(text(read_exactly(sock, 11)))
        sock.close()
    # Many frames: none lost or cut.
    out['big'].append(len(box.exec_run(['seq', '1', '20000']).output))
    # `docker run` without -d through docker-py: create, start, wait, logs.
    out['run'].append(text(client.containers.run('busybox', CMD, remove=True)))
    # Attach (stream, logs) before the start, then start: nothing written before the attach is lost.
    for _ in range(2):
        c = client.containers.create('busybox', CMD)
        try:
            stream = c.attach(stream=True, logs=True, stdout=True, stderr=True)
            c.start()
            out['attach'].append(text(b''.join(stream)))
        finally:
            c.remove(force=True)
finally:
    box.remove(force=True)
print(json.dumps(out))
