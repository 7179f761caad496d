import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// electron-builder's own loader and schema check (no build, no download): the config is read
// exactly as `npm run dist` reads it, and a misspelt option fails here rather than at release.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';

/**
 * The packaging settings a release depends on: the Electron fuses (a packaged GradeDesk must not
 * run as plain Node, take NODE_OPTIONS or --inspect, or load code from outside its verified
 * archive), the asar archive, the three installers with their icons, what ships and what is
 * unpacked, and an Electron major that still gets security fixes.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');

const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** The oldest Electron major still supported when this was last raised; raise it, never lower it. */
const OLDEST_SUPPORTED_ELECTRON_MAJOR = 43;

async function loadConfig(): Promise<Configuration> {
  return getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
}

type PlatformConfig = NonNullable<Configuration['linux'] | Configuration['mac'] | Configuration['win']>;

/** A platform's target names, whatever form the config gives them in. */
function targetNames(platform: PlatformConfig | null | undefined): string[] {
  const target = platform?.target;
  if (target === null || target === undefined) return [];
  const list = Array.isArray(target) ? target : [target];
  return list.map((entry) => (typeof entry === 'string' ? entry : entry.target));
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
}

/** The major of a version or a simple range (`^45.6.1`, `~45.0.0`, `45.6.1`, `>=45`). */
function majorOf(versionOrRange: string): number {
  const match = /^\s*(?:\^|~|>=|=)?\s*v?(\d+)/.exec(versionOrRange);
  if (!match) throw new Error(`Cannot read a major version from ${JSON.stringify(versionOrRange)}`);
  return Number(match[1]);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(join(ROOT, path));
  expect(bytes.subarray(1, 4).toString('ascii'), `${path} is a PNG`).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema check', async () => {
    await expect(validateConfiguration(await loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it.each(Object.entries(REQUIRED_FUSES))('sets the %s fuse to %s', async (fuse, value) => {
    const fuses = (await loadConfig()).electronFuses as Record<string, unknown> | null | undefined;
    expect(fuses, 'electronFuses is missing').toBeTruthy();
    expect(fuses, `fuse ${fuse} is missing`).toHaveProperty(fuse);
    expect(fuses?.[fuse], `fuse ${fuse}`).toBe(value);
  });

  it('packs the app into an asar archive', async () => {
    const config = await loadConfig();
    // electron-builder's default is true; only an explicit false (or options object) changes it.
    expect(config.asar === undefined || config.asar === true || (typeof config.asar === 'object' && config.asar !== null)).toBe(true);
  });

  it('builds an AppImage, a dmg and an nsis installer', async () => {
    const config = await loadConfig();
    expect(targetNames(config.linux)).toContain('AppImage');
    expect(targetNames(config.mac)).toContain('dmg');
    expect(targetNames(config.win)).toContain('nsis');
  });

  it('gives every target an icon that exists', async () => {
    const config = await loadConfig();
    const resources = config.directories?.buildResources ?? 'build';
    expect(pngSize(join(resources, 'icon.png'))).toEqual({ width: 512, height: 512 });
    for (const [platform, icon] of [
      ['linux', config.linux?.icon],
      ['mac', config.mac?.icon],
      ['win', config.win?.icon],
    ] as const) {
      expect(icon, `${platform}.icon`).toBeTruthy();
      expect(existsSync(join(ROOT, icon ?? '')), `${platform} icon ${icon}`).toBe(true);
    }
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(config.linux?.icon ?? '', `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    expect(readFileSync(join(ROOT, config.mac?.icon ?? '')).subarray(0, 4).toString('ascii')).toBe('icns');
    expect([...readFileSync(join(ROOT, config.win?.icon ?? '')).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it('unpacks native modules from the archive and ships no tests or benchmarks', async () => {
    const config = await loadConfig();
    const unpacked = [config.asarUnpack ?? []].flat();
    // better-sqlite3's binary (node_modules/better-sqlite3/build/Release/better_sqlite3.node).
    expect(unpacked.some((pattern) => pattern === '**/*.node' || pattern.startsWith('node_modules/better-sqlite3/'))).toBe(true);
    // electron-builder normalizes the list into file sets: `[{ filter: [...] }]`.
    const files = [config.files ?? []].flat().flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.filter ?? []].flat()));
    expect(files).toEqual(expect.arrayContaining(['!test/**', '!bench/**']));
    expect(files.filter((entry) => !entry.startsWith('!')).some((entry) => /^(test|bench)\b/.test(entry))).toBe(false);
  });
});

describe('Electron version', () => {
  it(`is a supported major (${OLDEST_SUPPORTED_ELECTRON_MAJOR} or later) in package.json and the lockfile`, () => {
    const pkg = readJson('package.json') as { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    const range = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
    expect(range, 'electron is not in package.json').toBeTypeOf('string');
    expect(majorOf(range ?? '')).toBeGreaterThanOrEqual(OLDEST_SUPPORTED_ELECTRON_MAJOR);
    const lock = readJson('package-lock.json') as { packages?: Record<string, { version?: string }> };
    const locked = lock.packages?.['node_modules/electron']?.version;
    expect(locked, 'electron is not in package-lock.json').toBeTypeOf('string');
    expect(majorOf(locked ?? '')).toBeGreaterThanOrEqual(OLDEST_SUPPORTED_ELECTRON_MAJOR);
  });

  it('reads majors from the forms package.json uses', () => {
    expect(majorOf('^45.6.1')).toBe(45);
    expect(majorOf('~43.0.0')).toBe(43);
    expect(majorOf('45.6.1')).toBe(45);
    expect(majorOf('>=44')).toBe(44);
    expect(() => majorOf('latest')).toThrow();
  });
});
