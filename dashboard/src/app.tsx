// The shell of the app: navigation, the login screen when the token is missing, and the pages.
import { useEffect, useState } from 'preact/hooks';
import { engine, onUnauthorised } from './api.js';
import { useRoute } from './router.js';
import { ContainersPage } from './pages/containers.js';
import { ContainerPage } from './pages/container.js';
import { ImagesPage } from './pages/images.js';
import { VolumesPage, NetworksPage } from './pages/volumes-networks.js';
import { SystemPage } from './pages/system.js';
import { PlaygroundPage } from './pages/playground.js';

const NAV = [
  ['containers', 'Containers'],
  ['images', 'Images'],
  ['volumes', 'Volumes'],
  ['networks', 'Networks'],
  ['system', 'System'],
  ['playground', 'Playground'],
] as const;

function Login() {
  return (
    <div class="login" data-testid="login">
      <h1>berth dashboard</h1>
      <p>
        Open the login URL printed in the daemon's log, or paste the token (it is also in the file `dashboard-token`
        under the daemon's exec root).
      </p>
      <form action="/login" method="get">
        <input name="token" type="password" placeholder="token" autoFocus />
        <button type="submit">Log in</button>
      </form>
    </div>
  );
}

export function App() {
  const route = useRoute();
  const [authorised, setAuthorised] = useState<boolean | undefined>(undefined);
  const [version, setVersion] = useState('');
  useEffect(() => onUnauthorised(() => setAuthorised(false)), []);
  useEffect(() => {
    engine.system.version().then(
      (v) => {
        setAuthorised(true);
        setVersion(`engine ${v.Version} · API ${v.ApiVersion}`);
      },
      () => setAuthorised((a) => a ?? true),
    );
  }, []);
  if (authorised === false) return <Login />;
  if (authorised === undefined) return null;
  const [page = 'containers', id, tab] = route;
  let body;
  if (page === 'containers' && id) body = <ContainerPage id={id} tab={tab ?? 'overview'} />;
  else if (page === 'images') body = <ImagesPage />;
  else if (page === 'volumes') body = <VolumesPage />;
  else if (page === 'networks') body = <NetworksPage />;
  else if (page === 'system') body = <SystemPage />;
  else if (page === 'playground') body = <PlaygroundPage />;
  else body = <ContainersPage />;
  return (
    <div class="layout">
      <nav class="sidebar">
        <div class="brand">⚓ berth</div>
        {NAV.map(([key, label]) => (
          <a key={key} href={`#/${key}`} class={page === key ? 'active' : ''} data-testid={`nav-${key}`}>
            {label}
          </a>
        ))}
        <div class="version">{version}</div>
      </nav>
      <main>{body}</main>
    </div>
  );
}
