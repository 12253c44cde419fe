/**
 * What tests read about real processes from Linux's /proc: whether one still
 * runs, its children and descendants, its command line and environment.
 * Every reader returns an empty answer for a process that is gone.
 */
import { readFileSync } from 'node:fs';

const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** True while a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The running (not zombie) children of a process. */
export function childrenOf(pid: number): number[] {
  return read(`/proc/${pid}/task/${pid}/children`).split(' ').filter(Boolean).map(Number).filter(alive);
}

/** Every descendant of a process (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    for (const k of read(`/proc/${p}/task/${p}/children`).split(' ').filter(Boolean).map(Number)) {
      out.push(k);
      walk(k);
    }
  };
  walk(pid);
  return out;
}

/** A process's command line, arguments joined by spaces. */
export const commandOf = (pid: number): string => read(`/proc/${pid}/cmdline`).replace(/\0/g, ' ');

/** A process's environment as `NAME=value` entries. */
export const environOf = (pid: number): string[] => read(`/proc/${pid}/environ`).split('\0').filter(Boolean);
