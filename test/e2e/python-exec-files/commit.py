# docker-py's commit (pause=True by default) of containers whose process is exiting or has just exited, and of a
# running one (paused for the commit, running after).
# Usage: commit.py <base_url> <rounds>. Prints JSON: per round the error (or None) and what the image holds.
import json
import sys
import uuid

import docker

client = docker.DockerClient(base_url=sys.argv[1], version='1.41')
repo = 'ef-commit-' + uuid.uuid4().hex[:8]
out = {'exited': [], 'running': None}
for i in range(int(sys.argv[2])):
    c = client.containers.run('busybox', ['sh', '-c', 'echo round %d > /f; echo written' % i], detach=True)
    try:
        # The file is written once the line shows; the commit then meets the container as its process exits.
        for line in c.logs(stream=True, follow=True):
            if b'written' in line:
                break
        img = c.commit(repository=repo, tag=str(i))
        content = client.containers.run(img.id, ['cat', '/f'], remove=True).decode()
        out['exited'].append({'error': None, 'content': content})
    except docker.errors.APIError as e:
        out['exited'].append({'error': e.response.status_code, 'content': None})
    finally:
        c.remove(force=True)
c = client.containers.run('busybox', ['sh', '-c', 'echo live > /f; exec sleep 300'], detach=True)
try:
    c.exec_run(['true'])
    img = c.commit(repository=repo, tag='running')
    c.reload()
    out['running'] = {'status': c.status, 'content': client.containers.run(img.id, ['cat', '/f'], remove=True).decode()}
finally:
    c.remove(force=True)
for image in client.images.list(name=repo):
    client.images.remove(image.id, force=True)
print(json.dumps(out))
