import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Browser mode listens on loopback only. */
export const HOST = '127.0.0.1';

/**
 * Who may use the server on a port: the Host and Origin headers must name this server, which
 * keeps other sites and DNS-rebinding pages out, and every request must carry the random token
 * (in the URL once, then in a SameSite=Strict cookie for the page's own assets).
 */
export interface AccessRules {
  /** The server's own origin, `http://127.0.0.1:<port>`. */
  origin: string;
  cookieName: string;
  isAllowedHost(host: string | undefined): boolean;
  isAllowedOrigin(origin: string): boolean;
  hasToken(req: IncomingMessage, url: URL): boolean;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

export function accessRules(port: number, token: string): AccessRules {
  const origin = `http://${HOST}:${port}`;
  const allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([origin, `http://localhost:${port}`]);
  const cookieName = `gradedesk_token_${port}`;
  return {
    origin,
    cookieName,
    isAllowedHost: (host) => allowedHosts.has(host ?? ''),
    isAllowedOrigin: (candidate) => allowedOrigins.has(candidate),
    hasToken(req, url) {
      const fromQuery = url.searchParams.get('token');
      const fromCookie = cookieValue(req.headers.cookie, cookieName);
      return (fromQuery !== null && sameSecret(fromQuery, token)) || (fromCookie !== null && sameSecret(fromCookie, token));
    },
  };
}
