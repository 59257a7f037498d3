// Images: list, layers and history with sizes, remove, pull with live progress, run with a form.
import { useState } from 'preact/hooks';
import { engine, jsonLines } from '../api.js';
import { useEvents, useLoad } from '../hooks.js';
import { ActionButton, Heading, Problem } from '../components/common.js';
import { bytes, ago, shortId } from '../format.js';
import { RunForm } from './run-form.js';
import type { PullProgress } from '../../../src/client/engine-types.js';

type Progress = PullProgress;

function PullForm({ onPulled }: { onPulled: () => void }) {
  const [rows, setRows] = useState<Map<string, Progress>>(new Map());
  const [log, setLog] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const pull = async (ref: string): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setRows(new Map());
    setLog([]);
    try {
      const at = ref.lastIndexOf(':');
      const slash = ref.lastIndexOf('/');
      const [name, tag] = at > slash ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
      const res = await engine.images.create({ fromImage: name, tag });
      await jsonLines<Progress>(res, (p) => {
        if (p.error) throw new Error(p.errorDetail?.message ?? p.error);
        if (p.id && p.progressDetail !== undefined) setRows((m) => new Map(m).set(p.id!, p));
        else setLog((l) => [...l, `${p.id ? `${p.id}: ` : ''}${p.status ?? ''}`]);
      });
      onPulled();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="pull" data-testid="pull">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const ref = String(new FormData(e.currentTarget).get('ref') ?? '').trim();
          if (ref) void pull(ref);
        }}
      >
        <input name="ref" placeholder="image to pull, e.g. localhost:5000/busybox:latest" size={40} />
        <button type="submit" disabled={busy}>
          Pull
        </button>
      </form>
      <Problem error={error} />
      {[...rows.values()].map((p) => {
        const total = p.progressDetail?.total ?? 0;
        const pct = total
          ? Math.round(((p.progressDetail?.current ?? 0) / total) * 100)
          : p.status?.match(/complete|exists/i)
            ? 100
            : 0;
        return (
          <div class="progress-row" key={p.id} data-testid="pull-layer">
            <code>{p.id}</code> <span>{p.status}</span>
            <progress max={100} value={pct} />{' '}
            <small>{total ? `${bytes(p.progressDetail?.current)} / ${bytes(total)}` : ''}</small>
          </div>
        );
      })}
      {log.length > 0 && (
        <pre class="pull-log" data-testid="pull-log">
          {log.join('\n')}
        </pre>
      )}
    </div>
  );
}

function History({ id }: { id: string }) {
  const history = useLoad((signal) => engine.images.history(id, { signal }), [id]);
  if (history.error) return <Problem error={history.error} />;
  return (
    <table class="history" data-testid="history">
      <thead>
        <tr>
          <th>Layer</th>
          <th>Created</th>
          <th>Created by</th>
          <th>Size</th>
        </tr>
      </thead>
      <tbody>
        {(history.data ?? []).map((h, i) => (
          <tr key={i}>
            <td>{h.Id === '<missing>' ? '<missing>' : shortId(h.Id)}</td>
            <td>{ago(h.Created)}</td>
            <td class="created-by">{h.CreatedBy}</td>
            <td>{bytes(h.Size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ImagesPage() {
  const list = useLoad((signal) => engine.images.list({}, { signal }), []);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [runImage, setRunImage] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  useEvents(['image'], () => list.reload());
  return (
    <section class="page">
      <Heading title="Images" />
      <PullForm onPulled={list.reload} />
      <Problem error={list.error ?? actionError} />
      {runImage && <RunForm image={runImage} onDone={() => setRunImage(undefined)} />}
      <table class="list" data-testid="images">
        <thead>
          <tr>
            <th>Repository:tag</th>
            <th>ID</th>
            <th>Created</th>
            <th>Size</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((img) => {
            const tags = img.RepoTags?.filter((t) => t !== '<none>:<none>') ?? [];
            const label = tags[0] ?? shortId(img.Id);
            return [
              <tr
                key={img.Id}
                class="clickable"
                data-image={label}
                onClick={() => setOpen(open === img.Id ? undefined : img.Id)}
              >
                <td>{tags.length ? tags.join(', ') : '<none>'}</td>
                <td>
                  <code>{shortId(img.Id)}</code>
                </td>
                <td>{ago(img.Created)}</td>
                <td>{bytes(img.Size)}</td>
                <td class="row-actions">
                  <ActionButton label="Run…" testId="run" onClick={() => setRunImage(label)} />
                  <ActionButton
                    label="Remove"
                    danger
                    testId="remove-image"
                    confirm={`Remove image ${label}?`}
                    onClick={() => engine.images.remove(tags[0] ?? img.Id).catch(setActionError)}
                  />
                </td>
              </tr>,
              open === img.Id ? (
                <tr key={`${img.Id}-history`}>
                  <td colSpan={5}>
                    <History id={img.Id} />
                  </td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}
