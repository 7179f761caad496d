/**
 * Runs the simulator as its own process:
 *
 *   tsx electron/simulator/cli.ts [--port N] [--profile file.json] [--seed N]
 *                                 [--options-json '{...}'] [--no-cost] [--exit-with-stdin]
 *
 * Prints one JSON line `{"baseUrl": "...", "port": N}` on stdout once it listens, and stops
 * cleanly on SIGTERM/SIGINT. `--options-json` takes full SimulatorOptions (models, keys,
 * profile...); the dedicated flags override it. `--exit-with-stdin` stops the server when
 * stdin closes, so a child of a crashed parent does not linger (spawnSimulator uses it).
 */
import { readFileSync } from 'node:fs';
import { parseFaultProfile } from './fault-profile.ts';
import { parseSimulatorOptions } from './options-schema.ts';
import { startSimulator } from './server.ts';
import type { SimulatorOptions } from './types.ts';

interface CliArgs {
  options: SimulatorOptions;
  exitWithStdin: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  let options: SimulatorOptions = {};
  const overrides: SimulatorOptions = {};
  let exitWithStdin = false;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--port':
        overrides.port = integer(flag, value());
        break;
      case '--seed':
        overrides.seed = integer(flag, value());
        break;
      case '--profile':
        overrides.profile = parseFaultProfile(JSON.parse(readFileSync(value(), 'utf8')));
        break;
      case '--options-json':
        options = parseSimulatorOptions(JSON.parse(value()));
        break;
      case '--no-cost':
        overrides.reportCost = false;
        break;
      case '--exit-with-stdin':
        exitWithStdin = true;
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return { options: { ...options, ...overrides }, exitWithStdin };
}

function integer(flag: string | undefined, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${flag} needs an integer, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const simulator = await startSimulator(args.options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void simulator.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (args.exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  process.stdout.write(`${JSON.stringify({ baseUrl: simulator.baseUrl, port: simulator.port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
