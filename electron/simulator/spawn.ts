/**
 * The simulator in a child process, for benchmarks: the client under test then shares no
 * event loop with the server, so server work cannot distort client timings.
 *
 * The child is `node --import <tsx loader> cli.ts` — one process, so the pid we hold is the
 * server itself and killing it leaves nothing behind. It is controlled over the loopback-only
 * `/__sim/` routes, and it exits by itself when our end of its stdin closes (parent crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { parseSimulatorOptions } from './options-schema.ts';
import type { FaultProfile, LedgerReport, ReceivedRequest, RemoteSimulatorHandle, SimulatorOptions } from './types.ts';

/** How long the child may take to print its address. */
const START_TIMEOUT_MS = 20_000;
/** How long the child may take to stop after SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 3_000;

function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function waitForAddress(child: ChildProcess): Promise<{ baseUrl: string; port: number }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`simulator child did not start within ${START_TIMEOUT_MS} ms. ${stderr}`)), START_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
      child.off('error', fail);
    };
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    function onStdout(chunk: Buffer) {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      cleanup();
      try {
        const line: unknown = JSON.parse(stdout.slice(0, newline));
        const address = line as { baseUrl?: unknown; port?: unknown };
        if (typeof address.baseUrl !== 'string' || typeof address.port !== 'number') throw new Error('missing baseUrl or port');
        resolve({ baseUrl: address.baseUrl, port: address.port });
      } catch (error) {
        reject(new Error(`simulator child printed an unexpected first line: ${stdout.slice(0, newline)} (${String(error)})`));
      }
    }
    function onStderr(chunk: Buffer) {
      stderr += chunk.toString('utf8');
    }
    function onExit(code: number | null, signal: NodeJS.Signals | null) {
      fail(new Error(`simulator child exited before it listened (code ${code}, signal ${signal}): ${stderr.trim()}`));
    }
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', fail);
  });
}

/**
 * Starts the simulator in a child process with the same options as {@link startSimulator}.
 * Rejects for invalid options (before spawning) or when the child fails to start (its stderr
 * is in the message, e.g. a port already in use).
 */
export async function spawnSimulator(options: SimulatorOptions = {}): Promise<RemoteSimulatorHandle> {
  // Fail fast, in this process and with field names, instead of after a child start-up.
  parseSimulatorOptions(options);
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', tsxLoaderUrl(), cli, '--options-json', JSON.stringify(options), '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let address: { baseUrl: string; port: number };
  try {
    address = await waitForAddress(child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Keep draining output so a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  const agent = new Agent({ connections: 4 });
  const origin = `http://127.0.0.1:${address.port}`;
  async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await request(`${origin}${path}`, {
      method,
      dispatcher: agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const payload: unknown = await response.body.json();
    if (response.statusCode !== 200) {
      const message = (payload as { error?: { message?: string } }).error?.message ?? `HTTP ${response.statusCode}`;
      throw new Error(`simulator ${path}: ${message}`);
    }
    return payload as T;
  }

  let closing: Promise<void> | null = null;
  return {
    baseUrl: address.baseUrl,
    port: address.port,
    pid: child.pid ?? -1,
    ledger: () => control<LedgerReport>('GET', '/__sim/ledger'),
    requests: () => control<ReceivedRequest[]>('GET', '/__sim/requests'),
    setProfile: async (profile: FaultProfile) => {
      await control('POST', '/__sim/profile', profile);
    },
    reset: async () => {
      await control('POST', '/__sim/reset');
    },
    close: () => {
      closing ??= (async () => {
        await agent.close().catch(() => undefined);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        child.stdin?.destroy();
      })();
      return closing;
    },
  };
}
