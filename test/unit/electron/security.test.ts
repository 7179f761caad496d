import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  isAppUrl,
  isTrustedSender,
  resolveAppAsset,
  webPreferencesFor,
} from '../../../electron/shell/security.ts';
import { contentSecurityPolicy } from '../../../electron/serve/content-security-policy.ts';

describe('webPreferencesFor', () => {
  it('spells out every secure preference and the preload path', () => {
    expect(webPreferencesFor('/app/dist-electron/preload.cjs')).toEqual({
      preload: '/app/dist-electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('returns a fresh object each time', () => {
    expect(webPreferencesFor('a')).not.toBe(webPreferencesFor('a'));
  });
});

describe('APP_SCHEME_PRIVILEGES', () => {
  it('is standard and secure and grants nothing else', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: false });
    expect(Object.isFrozen(APP_SCHEME_PRIVILEGES)).toBe(true);
  });
});

describe('contentSecurityPolicy', () => {
  it("gives Electron no network at all (connect-src 'none')", () => {
    expect(contentSecurityPolicy({ connectSrc: [] })).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    );
  });

  it('lists the browser-mode WebSocket URL as the only connect source', () => {
    const csp = contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:43123'] });
    expect(csp).toContain('; connect-src ws://127.0.0.1:43123; ');
    expect(csp).not.toContain("connect-src 'none'");
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:1', 'ws://[::1]:1'] })).toContain(
      'connect-src ws://127.0.0.1:1 ws://[::1]:1;',
    );
  });

  it('never allows inline or eval script, inline style, or framing', () => {
    const csp = contentSecurityPolicy({ connectSrc: [] });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it('refuses a source that would inject another directive', () => {
    for (const bad of ['ws://x; script-src *', 'ws://x,', "'unsafe-inline'", 'ws://a ws://b', '', 'ws://x\n']) {
      expect(() => contentSecurityPolicy({ connectSrc: [bad] }), JSON.stringify(bad)).toThrow();
    }
  });
});

describe('isAppUrl', () => {
  it('accepts the app origin', () => {
    expect(APP_ORIGIN).toBe('app://gradedesk');
    for (const url of [
      APP_ENTRY_URL,
      'app://gradedesk',
      'app://gradedesk/',
      'app://gradedesk/index.html#/batches/b_1',
      'app://gradedesk/index.html?view=history',
      'APP://gradedesk/index.html',
    ]) {
      expect(isAppUrl(url), url).toBe(true);
    }
  });

  it('rejects look-alikes, other schemes and anything unparsable', () => {
    for (const url of [
      'app://gradedesk.evil',
      'app://gradedesk.evil/index.html',
      'app://evil/?app://gradedesk',
      'app://evil/#app://gradedesk',
      'app://evil.gradedesk/',
      'app://gradedeskx/',
      'app://gradedesk./',
      'app://gradedesk:8080/',
      'app://user@gradedesk/',
      'app://user:pass@gradedesk/',
      'app://evil@gradedesk.evil/',
      'app:gradedesk',
      'app:/gradedesk/index.html',
      'app:///gradedesk/index.html',
      'apps://gradedesk/',
      'file:///index.html',
      'file:///C:/app/index.html',
      'https://gradedesk/',
      'https://example.com/?app://gradedesk',
      'http://127.0.0.1:5173/',
      'javascript:alert(1)',
      'javascript://gradedesk/%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:app://gradedesk/1234',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'app://gradedesk\\index.html',
      '',
      'not a url',
      'app://',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('answers false for non-strings', () => {
    expect(isAppUrl(undefined as unknown as string)).toBe(false);
    expect(isAppUrl(null as unknown as string)).toBe(false);
    expect(isAppUrl({ toString: () => APP_ENTRY_URL } as unknown as string)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the main frame of an app page', () => {
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://gradedesk.evil/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: '', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///index.html', isMainFrame: true })).toBe(false);
  });
});

describe('resolveAppAsset', () => {
  const root = resolve('/srv/gradedesk/dist/renderer');

  it('maps app paths to files inside the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://gradedesk/')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk/index.html?x=1#/a/../b')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk/assets/index-Ab12.js')).toBe(join(root, 'assets', 'index-Ab12.js'));
    expect(resolveAppAsset(root, 'app://gradedesk/assets/')).toBe(join(root, 'assets', 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk/fonts/Inter%20Var.woff2')).toBe(join(root, 'fonts', 'Inter Var.woff2'));
    // The URL parser removes dot segments before we see them: the result stays inside.
    expect(resolveAppAsset(root, 'app://gradedesk/assets/../index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://gradedesk/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppAsset(root, 'app://gradedesk/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppAsset(root, 'app://gradedesk/.%2e/secret')).toBe(join(root, 'secret'));
  });

  it('refuses traversal, encoded separators, backslashes, NUL, drive letters and empty segments', () => {
    for (const url of [
      'app://gradedesk/..%2f..%2fetc%2fpasswd',
      'app://gradedesk/%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://gradedesk/%2E%2E%2Fsecret',
      'app://gradedesk/assets/..%5c..%5csecret',
      'app://gradedesk/assets/%5c%5cserver%5cshare',
      'app://gradedesk/%2fetc%2fpasswd',
      'app://gradedesk//etc/passwd',
      'app://gradedesk/assets//x.js',
      'app://gradedesk/C:%5cWindows%5cwin.ini',
      'app://gradedesk/C:/Windows/win.ini',
      'app://gradedesk/index.html%00.js',
      'app://gradedesk/%E0%A4%A',
    ]) {
      expect(resolveAppAsset(root, url), url).toBeNull();
    }
  });

  it('refuses URLs that are not the app origin', () => {
    for (const url of [
      'app://evil/index.html',
      'app://gradedesk.evil/index.html',
      'app://user@gradedesk/index.html',
      'file:///srv/gradedesk/dist/renderer/index.html',
      'https://gradedesk/index.html',
      'javascript:alert(1)',
      '/index.html',
      '../index.html',
      '',
    ]) {
      expect(resolveAppAsset(root, url), url).toBeNull();
    }
  });

  it('never answers a path outside the folder, whatever the input', () => {
    const samples = ['..', '%2e%2e', '%2E.', '.%2e', '%2f', '%5c', '\\', '/', 'a', '%00', ':', '%3a', '.', '~', '%252e'];
    for (const a of samples) {
      for (const b of samples) {
        for (const c of samples) {
          const file = resolveAppAsset(root, `app://gradedesk/${a}/${b}${c}`);
          if (file !== null) expect(file.startsWith(root + '/') || file.startsWith(root + '\\'), file).toBe(true);
        }
      }
    }
  });

  it('does not depend on electron', async () => {
    const source = await readFile(new URL('../../../electron/shell/security.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from\s+['"]electron['"]/);
  });
});
