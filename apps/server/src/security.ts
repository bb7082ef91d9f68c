import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.ts';
import type { ErrorBody } from './errors.ts';

/**
 * Edge checks against other sites (issue 14, row 12): a request must name this server in its
 * Host header (a foreign name means DNS rebinding: a page elsewhere resolving its own name to
 * this address), and a WebSocket upgrade or a state-changing request (POST, PUT, PATCH, DELETE)
 * from a browser page must come from this server's own origin or one allowed by
 * AGELAB_ALLOWED_ORIGINS. Requests without an Origin (curl, scripts, same-origin GETs) pass.
 */

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-cased, without the port. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** IP literals and localhost always name this server; other names only when allowed. */
export function hostAllowed(host: string | undefined, cfg: ServerConfig): boolean {
  if (host === undefined || host === '') return true; // HTTP/1.0: no virtual hosting to confuse
  const name = hostnameOf(host);
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return cfg.allowedHosts.includes('*') || cfg.allowedHosts.includes(name);
}

export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  cfg: ServerConfig,
): boolean {
  if (origin === undefined) return true;
  if (cfg.allowedOrigins.includes('*') || cfg.allowedOrigins.includes(origin)) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) and garbage
  }
  if (host === undefined) return false;
  // the Host header read as a URL of the same scheme, so default ports compare equal
  let own: string;
  try {
    own = new URL(`${u.protocol}//${host.trim()}`).host;
  } catch {
    return false;
  }
  return u.host === own;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The onRequest hook: 403 for a foreign Host, or a foreign Origin where it matters. */
export function edgeGuard(cfg: ServerConfig) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = req.headers.host;
    const upgrade = req.headers.upgrade?.toLowerCase() === 'websocket';
    // a refused upgrade's socket is no HTTP connection any more: end it once the 403 is out
    const endUpgrade = () => {
      if (upgrade) reply.raw.once('finish', () => req.raw.socket.destroy());
    };
    if (!hostAllowed(host, cfg)) {
      endUpgrade();
      req.log.warn({ host }, 'refused: Host not allowed');
      return reply.code(403).send({
        statusCode: 403,
        error: 'bad_host',
        message: `Host "${host}" is not this server's; allowed: IP addresses, localhost${cfg.allowedHosts.length ? `, ${cfg.allowedHosts.join(', ')}` : ''} (AGELAB_ALLOWED_HOSTS)`,
      } satisfies ErrorBody);
    }
    if (!upgrade && !STATE_CHANGING.has(req.method)) return;
    const origin = req.headers.origin;
    if (!originAllowed(origin, host, cfg)) {
      endUpgrade();
      req.log.warn({ origin }, 'refused: foreign Origin');
      return reply.code(403).send({
        statusCode: 403,
        error: 'bad_origin',
        message: `requests from ${origin} may not ${upgrade ? 'open a stream' : 'change anything'} here; allowed: this server's own pages${cfg.allowedOrigins.length ? `, ${cfg.allowedOrigins.join(', ')}` : ''} (AGELAB_ALLOWED_ORIGINS)`,
      } satisfies ErrorBody);
    }
  };
}

/** The request URL for logs: the query string's values redacted (a `?token=` must never be logged). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? kv : `${kv.slice(0, eq)}=[redacted]`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
