import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * A machine is quiet enough to measure when its 1-minute load average is at most this per core before
 * the bench starts, and when other processes take at most `OTHERS_LIMIT` of its CPU while it runs.
 */
export const QUIET_LOAD_PER_CORE = 0.25;
export const OTHERS_LIMIT = 0.15;

/** Linux counts /proc CPU times in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export const cores = (): number => cpus().length;
export const load1 = (): number => loadavg()[0] ?? 0;
export const quietLoad = (): number => QUIET_LOAD_PER_CORE * cores();

/** CPU seconds spent by the whole machine (all cores, not idle), or undefined off Linux. */
function machineCpuSeconds(): number | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** CPU seconds of this process and of the children it has waited for (every measured child). */
function ownCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3: cutime and cstime are 16 and 17.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(after[13]) + Number(after[14])) / TICKS_PER_SECOND;
  const self = process.cpuUsage();
  return (self.user + self.system) / 1e6 + children;
}

/** How busy the machine was while something ran: its load average, and the CPU others took. */
export interface Busyness {
  loadStart: number;
  loadEnd: number;
  /** Other processes' share of the machine's CPU (0–1), or undefined where /proc is not there. */
  others?: number;
}

export function watchMachine(): () => Busyness {
  const loadStart = load1();
  const start = performance.now();
  const machineStart = machineCpuSeconds();
  const ownStart = ownCpuSeconds();
  return () => {
    const wall = (performance.now() - start) / 1000;
    const machineEnd = machineCpuSeconds();
    const ownEnd = ownCpuSeconds();
    const busy: Busyness = { loadStart, loadEnd: load1() };
    if (
      machineStart !== undefined &&
      machineEnd !== undefined &&
      ownStart !== undefined &&
      ownEnd !== undefined &&
      wall > 0
    ) {
      const others = machineEnd - machineStart - (ownEnd - ownStart);
      busy.others = Math.min(1, Math.max(0, others) / (wall * cores()));
    }
    return busy;
  };
}

/** Whether others took more of the machine than a quiet run allows (by the load average off Linux). */
export function tooBusy(b: Busyness): boolean {
  // Without /proc, allow the bench's own process (about one runnable thread) above the quiet load.
  return b.others !== undefined ? b.others > OTHERS_LIMIT : b.loadEnd > quietLoad() + 1;
}

export function describeBusyness(b: Busyness): string {
  const others =
    b.others !== undefined ? `; other processes took ${(b.others * 100).toFixed(0)}% of the CPU` : '';
  return `load average (1 min) ${b.loadStart.toFixed(2)} at the start, ${b.loadEnd.toFixed(2)} at the end${others}`;
}
