# docker-py's get_archive / put_archive (and HEAD stat) on paths inside a volume and a bind mount, on a running and
# then a stopped container, with symlinks in the volume that point out of it. Usage: archive.py <base_url> <host dir>.
# <host dir> holds bind/ (mounted at /bnd), ro/ (mounted read-only at /ro) and secret (outside every mount).
import io
import json
import sys
import tarfile
import uuid

import docker

client = docker.DockerClient(base_url=sys.argv[1], version='1.41')
host = sys.argv[2]
volume = 'ef-' + uuid.uuid4().hex[:12]
out = {}


def one_file_tar(name, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as t:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def read_archive(c, path):
    try:
        stream, stat = c.get_archive(path)
    except docker.errors.APIError as e:
        return {'status': e.response.status_code}
    with tarfile.open(fileobj=io.BytesIO(b''.join(stream))) as t:
        files = {m.name: (t.extractfile(m).read().decode() if m.isfile() else ('->' + m.linkname if m.issym() else 'dir')) for m in t.getmembers()}
    return {'name': stat['name'], 'size': stat['size'], 'files': files}


def put(c, path, name, data):
    try:
        return c.put_archive(path, one_file_tar(name, data))
    except docker.errors.APIError as e:
        return {'status': e.response.status_code}


def head(c, path):
    res = client.api.head(client.api._url('/containers/{0}/archive', c.id), params={'path': path})
    return {'status': res.status_code, 'stat': res.headers.get('X-Docker-Container-Path-Stat') is not None}


def probe(c, tag):
    r = {}
    r['head_volume_file'] = head(c, '/vol1/data.txt')
    r['head_bind_file'] = head(c, '/bnd/b.txt')
    r['get_volume_file'] = read_archive(c, '/vol1/data.txt')
    r['get_volume_dir'] = read_archive(c, '/vol1')
    r['get_parent_dir'] = read_archive(c, '/data')
    r['get_bind_file'] = read_archive(c, '/bnd/b.txt')
    r['put_volume'] = put(c, '/vol1', tag + '-v.txt', b'into volume ' + tag.encode())
    r['put_bind'] = put(c, '/bnd', tag + '-b.txt', b'into bind ' + tag.encode())
    r['put_nested_volume'] = put(c, '/data/vol2', tag + '-n.txt', b'nested ' + tag.encode())
    r['get_put_back'] = read_archive(c, '/vol1/' + tag + '-v.txt')
    r['put_ro'] = put(c, '/ro', tag + '-ro.txt', b'never')
    # Symlinks in the volume resolve in the container, as the container sees them; never to the host.
    r['get_link_etc'] = read_archive(c, '/vol1/etc-link/passwd')
    r['get_link_climb'] = read_archive(c, '/vol1/climb/secret')
    r['get_link_abs'] = read_archive(c, '/vol1/abs/secret')
    r['put_link_climb'] = put(c, '/vol1/climb', tag + '-esc.txt', b'escaped')
    r['put_link_abs'] = put(c, '/vol1/abs', tag + '-esc.txt', b'escaped')
    return r


climb = '../' * 12 + host.lstrip('/')
setup = ('echo in-volume > /vol1/data.txt && ln -s /etc /vol1/etc-link && '
         'ln -s %s /vol1/climb && ln -s %s /vol1/abs && echo started' % (climb, host))
client.volumes.create(volume)
c = client.containers.run('busybox', ['sh', '-c', setup + '; exec sleep 300'], detach=True,
                          volumes={volume: {'bind': '/vol1', 'mode': 'rw'}, host + '/bind': {'bind': '/bnd', 'mode': 'rw'},
                                   host + '/ro': {'bind': '/ro', 'mode': 'ro'}, host + '/nested': {'bind': '/data/vol2', 'mode': 'rw'}})
try:
    for line in c.logs(stream=True, follow=True):
        if b'started' in line:
            break
    out['running'] = probe(c, 'running')
    c.stop(timeout=0)
    c.wait()
    out['stopped'] = probe(c, 'stopped')
    # A read-only root takes uploads only into a writable mount, judged on the resolved path (a link back into the
    # root is refused).
    r = client.containers.create('busybox', ['true'], read_only=True, volumes={volume: {'bind': '/vol1', 'mode': 'rw'}})
    try:
        out['read_only_root'] = {'tmp': put(r, '/tmp', 'x.txt', b'never'), 'volume': put(r, '/vol1', 'ro-root.txt', b'ok'),
                                 'link': put(r, '/vol1/etc-link', 'x.txt', b'never')}
    finally:
        r.remove(force=True)
    out['seen_in_volume'] = client.containers.run('busybox', ['sh', '-c', 'cat /v/running-v.txt /v/stopped-v.txt /v/ro-root.txt; ls /v'], remove=True,
                                                  volumes={volume: {'bind': '/v', 'mode': 'rw'}}).decode()
finally:
    c.remove(force=True)
    client.volumes.get(volume).remove(force=True)
print(json.dumps(out))
