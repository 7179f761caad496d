/**
 * Who holds a job's lease, and whether that process still lives. An owner is
 * `pid:uuid:stamp`, where the stamp tells the process from a later one that got the same PID:
 * on Linux the boot id and the start time in clock ticks (/proc/<pid>/stat field 22), elsewhere
 * the start time `ps` reports. `kill(pid, 0)` alone is not enough: it counts a zombie (a killed
 * run its parent has not reaped yet) as alive, and after a reboot any process that reused the
 * PID, so `resume` would refuse a dead batch until the lease ran out.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface ProcessLook {
  /** `unknown`: this platform cannot say (no /proc, no ps); only `kill(pid, 0)` is left. */
  state: 'gone' | 'zombie' | 'running' | 'unknown';
  stamp: string | null;
}

let bootId: string | null | undefined;

function linuxBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

function lookOnLinux(pid: number): ProcessLook {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { state: 'gone', stamp: null };
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  const startTicks = fields[19] ?? '';
  return { state: state === 'Z' || state === 'X' || state === 'x' ? 'zombie' : 'running', stamp: `${linuxBootId() ?? ''}/${startTicks}` };
}

function lookWithPs(pid: number): ProcessLook {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // ps answers 1 for no such process; without ps at all, this platform cannot say.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'unknown', stamp: null } : { state: 'gone', stamp: null };
  }
  const [state = '', ...start] = out.trim().split(/\s+/);
  if (state === '') return { state: 'gone', stamp: null };
  return { state: state.startsWith('Z') ? 'zombie' : 'running', stamp: start.join(' ') || null };
}

function look(pid: number): ProcessLook {
  if (process.platform === 'linux') return lookOnLinux(pid);
  if (process.platform === 'win32') return { state: 'unknown', stamp: null };
  return lookWithPs(pid);
}

let ownStamp: string | null | undefined;

function stampOfThisProcess(): string | null {
  if (ownStamp === undefined) ownStamp = look(process.pid).stamp;
  return ownStamp;
}

/** A new lease owner for one run of this process. */
export function newLeaseOwner(): string {
  return `${process.pid}:${randomUUID()}:${stampOfThisProcess() ?? ''}`;
}

/**
 * Whether the process named by a lease owner still runs. An owner of an older form (`pid:uuid`,
 * no stamp) is judged by its PID alone; one that names no process at all is dead.
 */
export function ownerIsAlive(owner: string): boolean {
  const [pidText = '', uuid, ...rest] = owner.split(':');
  const pid = Number(pidText);
  if (uuid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  // The stamp itself may hold colons (a time of day from ps).
  const stamp = rest.join(':') || null;
  if (pid === process.pid) return stamp === null || stamp === stampOfThisProcess();
  const seen = look(pid);
  if (seen.state === 'gone' || seen.state === 'zombie') return false;
  if (seen.state === 'running') return stamp === null || seen.stamp === null || stamp === seen.stamp;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
