import { unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who holds a lock, as its file says. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** The holder touches its lock file this often; one not touched for STALE_MS on another host is abandoned. */
const REFRESH_MS = 10_000;
const STALE_MS = 60_000;
const POLL_MS = 50;

/**
 * A lock file created exclusively (O_EXCL) that names the process holding it. A waiter takes over a
 * lock whose process is gone (same host: the pid no longer runs; another host, or a file cut short
 * by a crash: not touched for a minute); otherwise it waits, up to `lockTimeoutMs`.
 */
export class FileLock {
  #held: LockHolder | undefined;
  #refresh: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly options: { onWait?: (holder: LockHolder) => void; lockTimeoutMs?: number } = {},
  ) {}

  async acquire(): Promise<void> {
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 600_000);
    let told = false;
    for (;;) {
      const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      try {
        const handle = await open(this.path, 'wx');
        try {
          await handle.writeFile(JSON.stringify(me));
        } finally {
          await handle.close();
        }
        this.#held = me;
        this.#refresh = setInterval(() => {
          const now = new Date();
          utimes(this.path, now, now).catch(() => undefined);
        }, REFRESH_MS).unref();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await this.#holder();
      if (holder === 'gone') continue;
      if (holder === 'abandoned') {
        // Re-read just before removing, so that a lock another waiter took meanwhile stays.
        if ((await this.#holder()) === 'abandoned') await unlink(this.path).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new LockTimeoutError(
          `${this.path}: held by process ${holder.pid} on ${holder.host} since ${holder.since}; gave up waiting`,
        );
      }
      if (!told) {
        this.options.onWait?.(holder);
        told = true;
      }
      await sleep(POLL_MS);
    }
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#stopRefresh();
    await unlink(this.path).catch(() => undefined);
  }

  /** For the process's last moments, when nothing asynchronous runs any more. */
  releaseSync(): void {
    if (!this.#held) return;
    this.#stopRefresh();
    try {
      unlinkSync(this.path);
    } catch {
      // Gone already: nothing to give back.
    }
  }

  #stopRefresh(): void {
    clearInterval(this.#refresh);
    this.#held = undefined;
  }

  /** The live holder, or whether the lock is gone or abandoned. */
  async #holder(): Promise<LockHolder | 'gone' | 'abandoned'> {
    let text: string;
    let touched: number;
    try {
      [text, touched] = await Promise.all([
        readFile(this.path, 'utf8'),
        stat(this.path).then((s) => s.mtimeMs),
      ]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    const idle = Date.now() - touched > STALE_MS;
    let holder: LockHolder;
    try {
      holder = JSON.parse(text) as LockHolder;
    } catch {
      // Cut short by a crash while it was written, or being written right now.
      return idle ? 'abandoned' : { pid: 0, host: 'unknown', since: 'unknown' };
    }
    if (holder.host === hostname()) return running(holder.pid) ? holder : 'abandoned';
    return idle ? 'abandoned' : holder;
  }
}

export class LockTimeoutError extends Error {}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
