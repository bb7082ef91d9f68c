import {
  FRAME,
  decodeFrame,
  parseServerMessage,
  welcomeProtocolOk,
  type ClientMessage,
  type Frame,
  type ServerMessage,
} from '@agelab/protocol';
import { pushError, useLab } from './store.ts';

const POLICIES = ['always-old', 'unmap-emulation', 'ept-ad-bits'];
const tokenKey = (id: string) => `agelab.token.${id}`;

let socket: WebSocket | null = null;

/** Send a control message; the server answers with an ack or an error (shown in the page). */
export function send(msg: ClientMessage): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
}

/**
 * Join the run named in the URL (?run=ID), or create a comparison of the classic preset under
 * the three policies and put its id in the URL. The control token stays in this tab's
 * sessionStorage: a copied URL makes its reader a viewer, never a driver.
 */
export async function start(): Promise<void> {
  const url = new URL(location.href);
  let id = url.searchParams.get('run');
  if (!id) {
    useLab.setState({ status: 'creating' });
    const res = await fetch('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preset: 'classic', policies: POLICIES }),
    });
    const body = (await res.json()) as { id?: string; token?: string; message?: string };
    if (!res.ok || !body.id || !body.token) {
      pushError(`could not create a run: ${body.message ?? res.status}`);
      useLab.setState({ status: 'closed' });
      return;
    }
    id = body.id;
    sessionStorage.setItem(tokenKey(id), body.token);
    url.searchParams.set('run', id);
    history.replaceState(null, '', url);
  }
  connect(id, sessionStorage.getItem(tokenKey(id)));
}

/** Open a fork (new run, own token) in this tab. */
export function adoptFork(runId: string, token: string): void {
  sessionStorage.setItem(tokenKey(runId), token);
  const url = new URL(location.href);
  url.searchParams.set('run', runId);
  history.pushState(null, '', url);
  socket?.close();
  connect(runId, token);
}

function connect(id: string, token: string | null): void {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  const ws = new WebSocket(
    `${proto}//${location.host}/api/runs/${encodeURIComponent(id)}/stream${q}`,
  );
  ws.binaryType = 'arraybuffer';
  socket = ws;
  useLab.setState({ status: 'connecting', runId: id, token, counters: [], pages: [], events: [] });
  ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (typeof e.data === 'string') onMessage(parseServerMessage(e.data));
    else onFrame(decodeFrame(e.data));
  };
  ws.onclose = (e) => {
    if (socket === ws) useLab.setState({ status: 'closed' });
    if (e.code >= 4000) pushError(`closed: ${e.reason}`);
  };
}

function onMessage(m: ServerMessage): void {
  switch (m.type) {
    case 'welcome':
      if (!welcomeProtocolOk(m)) pushError(`server speaks protocol ${m.protocol}; reload the page`);
      useLab.setState({
        status: 'open',
        welcome: m,
        role: m.role,
        run: m.state,
        pages: m.policies.map(() => new Uint8Array(m.guestPages)),
        counters: m.policies.map(
          () => new Float64Array(m.counterNames.length + m.derivedNames.length),
        ),
        events: m.policies.map(() => 0),
      });
      break;
    case 'state':
      useLab.setState({ run: m.state });
      break;
    case 'role':
      useLab.setState({ role: m.role });
      break;
    case 'forked':
      adoptFork(m.runId, m.token);
      break;
    case 'error':
      pushError(`${m.code}: ${m.message}`);
      break;
    case 'ack':
      break;
  }
}

function onFrame(f: Frame): void {
  const s = useLab.getState();
  switch (f.type) {
    case FRAME.KEYFRAME:
      if (s.pages[f.runIndex])
        s.pages[f.runIndex].set(f.pages.subarray(0, s.pages[f.runIndex].length));
      useLab.setState({ pagesVersion: s.pagesVersion + 1 });
      break;
    case FRAME.DELTA: {
      const p = s.pages[f.runIndex];
      if (p) for (let i = 0; i < f.index.length; i++) p[f.index[i]] = f.value[i];
      useLab.setState({ pagesVersion: s.pagesVersion + 1 });
      break;
    }
    case FRAME.COUNTERS: {
      const counters = s.counters.slice();
      counters[f.runIndex] = f.values;
      useLab.setState({ counters, countersRef: f.refIndex });
      break;
    }
    case FRAME.EVENTS: {
      const events = s.events.slice();
      events[f.runIndex] = (events[f.runIndex] ?? 0) + f.kind.length;
      useLab.setState({ events });
      break;
    }
  }
}
