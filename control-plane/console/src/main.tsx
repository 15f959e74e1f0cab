import './styles.css';
import 'uplot/dist/uPlot.min.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setUnauthorizedHandler } from './api.ts';
import { Layout } from './components/Layout.tsx';
import { startLive, stopLive } from './live.ts';
import { Actions } from './pages/Actions.tsx';
import { Fleet } from './pages/Fleet.tsx';
import { IncidentDetail } from './pages/IncidentDetail.tsx';
import { Incidents } from './pages/Incidents.tsx';
import { Kpis } from './pages/Kpis.tsx';
import { Login } from './pages/Login.tsx';
import { Models } from './pages/Models.tsx';
import { useRoute } from './router.ts';
import { logout, restore, restoreCached, useMe } from './session.ts';

const TITLES: Record<string, string> = {
  fleet: 'Fleet',
  incidents: 'Incidents',
  actions: 'Actions',
  models: 'Models',
  kpis: 'KPIs',
};

setUnauthorizedHandler(() => {
  logout();
  location.hash = '#/login';
});
// A reload of a tab with a checked session renders the page at once (the first paint does not wait for /v1/me).
const cached = restoreCached();

function App() {
  const route = useRoute();
  const me = useMe();
  const [restored, setRestored] = useState(cached !== null);
  useEffect(() => {
    if (!restored) restore().finally(() => setRestored(true));
  }, []);
  useEffect(() => {
    if (me) startLive();
    else stopLive();
  }, [me]);
  useEffect(() => {
    document.title = `${route.id ?? TITLES[route.page] ?? 'Login'} · Vigil`;
  }, [route.page, route.id]);
  if (!restored) return <p class="boot">Loading…</p>;
  if (!me || route.page === 'login') return <Login />;
  const page = (() => {
    switch (route.page) {
      case 'incidents':
        return route.id ? <IncidentDetail id={route.id} me={me} /> : <Incidents params={route.params} />;
      case 'actions':
        return <Actions me={me} params={route.params} />;
      case 'models':
        return <Models me={me} params={route.params} />;
      case 'kpis':
        return <Kpis params={route.params} />;
      case 'fleet':
        return <Fleet params={route.params} />;
      default:
        return (
          <p>
            Unknown page. Go to the <a href="#/fleet">fleet</a>.
          </p>
        );
    }
  })();
  return (
    <Layout me={me} page={route.page}>
      {page}
    </Layout>
  );
}

render(<App />, document.getElementById('app')!);
