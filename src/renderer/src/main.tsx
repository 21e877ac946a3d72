// Entry point: connect to the engine (IPC or WebSocket), feed the store, render the terminal.
// `?bench=blotter` renders the blotter benchmark instead (bench/ui.bench.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/client.ts';
import { App } from './features/shell/App.tsx';
import { askNotificationPermissionOnce, notifyDesktop } from './lib/notify.ts';
import { dispatchPush } from './store/store.ts';
import './styles/terminal.css';

const root = createRoot(document.getElementById('root')!);

if (new URLSearchParams(location.search).get('bench') === 'blotter') {
  void import('./bench/BlotterBench.tsx').then(({ mountBench }) => mountBench(root));
} else {
  const api = connectApi();
  api.subscribe((message) => {
    dispatchPush(message);
    if (message.kind === 'events') notifyDesktop(message.events);
  });
  askNotificationPermissionOnce();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
