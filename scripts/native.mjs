// better-sqlite3 is a native addon: Node (tests, CLI, preview) and Electron (the app) need
// different builds. Each command asks for the one it needs; we rebuild only when it is missing.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native.mjs node|electron');
  process.exit(2);
}
const stamp = 'node_modules/better-sqlite3/build/gradedesk-target';
const current = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;

if (target === 'node') {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'pipe' });
  if (probe.status === 0) process.exit(0);
  console.error('Rebuilding better-sqlite3 for Node…');
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
  writeFileSync(stamp, 'node');
} else {
  if (current === 'electron') process.exit(0);
  console.error('Rebuilding better-sqlite3 for Electron…');
  execSync('npx electron-builder install-app-deps', { stdio: 'inherit' });
  writeFileSync(stamp, 'electron');
}
