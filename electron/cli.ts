import { runCli } from './cli/main.ts';

/** `gradedesk`: the headless command, on the same core and database as the desktop app. */
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\nStopping: no new calls; in-flight calls are cancelled. The batch can be resumed.\n');
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
  signal: controller.signal,
});
process.exitCode = code;
