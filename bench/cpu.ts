import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) spent by each part of the system under test; NaN where /proc is missing. */
export interface CpuSpent {
  service: number;
  broker: number;
  postgres: number;
  driver: number;
  /** The machine's busy time (all cores); minus the parts above, what else ran meanwhile. */
  machine: number;
}

/** CPU time used so far; the broker's and PostgreSQL's per process, as their processes come and go. */
export interface CpuSample extends Omit<CpuSpent, 'broker' | 'postgres'> {
  broker: Map<number, number>;
  postgres: Map<number, number>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** `brokerInService`: the embedded broker runs inside the service and has no CPU time of its own. */
export function sampleCpu(servicePid: number, brokerInService: boolean): CpuSample {
  const driver = process.cpuUsage();
  const byName = processesByName(['mosquitto', 'postgres']);
  return {
    service: processCpuMs(servicePid),
    broker: brokerInService ? new Map() : byName.get('mosquitto')!,
    postgres: byName.get('postgres')!,
    driver: (driver.user + driver.system) / 1000,
    machine: machineBusyMs(),
  };
}

export function cpuSpent(from: CpuSample, to: CpuSample): CpuSpent {
  return {
    service: to.service - from.service,
    broker: spentByProcesses(from.broker, to.broker),
    postgres: spentByProcesses(from.postgres, to.postgres),
    driver: to.driver - from.driver,
    machine: to.machine - from.machine,
  };
}

/**
 * A process that started meanwhile counts whole; one that ended is left out (what it used in the
 * interval shows as `other`), where subtracting sums went negative when a backend exited.
 */
function spentByProcesses(from: Map<number, number>, to: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of to) spent += ms - (from.get(pid) ?? 0);
  return spent;
}

/** CPU time used by processes outside the system under test (another job on a shared machine). */
export function otherCpu(spent: CpuSpent): number {
  return spent.machine - spent.service - spent.broker - spent.postgres - spent.driver;
}

function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return NaN;
  }
}

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is the first, utime the 12th and stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** Every PostgreSQL process of the machine counts: the server's and an embedded one's. */
function processesByName(names: string[]): Map<string, Map<number, number>> {
  const found = new Map(names.map((n) => [n, new Map<number, number>()]));
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return new Map(names.map((n) => [n, new Map([[0, NaN]])]));
  }
  for (const entry of entries) {
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      found.get(comm)?.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** Resident memory of a process in MB (VmRSS), NaN where /proc is missing. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
