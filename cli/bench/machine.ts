// The machine a bench ran on, from Node (the browser only tells navigator.hardwareConcurrency).

import os from 'node:os';
import type { MachineInfo } from './summary.ts';

export function loadAverage1m(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

export function machineInfo(loadAtStart: number): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_avg_1m_start: loadAtStart,
    load_avg_1m_end: loadAverage1m(),
  };
}
