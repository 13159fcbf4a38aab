// Persists the recorded log rows in IndexedDB as they come, so a recording survives errors, worker
// restarts and page reloads, and can still be exported afterwards. Writes are batched (one
// transaction per flush) to keep the per-frame cost to an array push.

import type { FrameLogRow } from '../processing/logFormat.ts';

const DB_NAME = 'dashseg-log';
const DB_VERSION = 1;
const ROWS = 'rows';
const META = 'meta';

export interface StoredLog {
  readonly startedAt: string | null;
  readonly recording: boolean;
  readonly rows: FrameLogRow[];
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

export class LogStore {
  private pending: FrameLogRow[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;

  private constructor(private readonly db: IDBDatabase) {}

  /** Opens the store; null when IndexedDB is unavailable (private mode etc.): the log stays in memory. */
  static async open(): Promise<LogStore | null> {
    if (typeof indexedDB === 'undefined') return null;
    try {
      const open = indexedDB.open(DB_NAME, DB_VERSION);
      open.onupgradeneeded = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(ROWS)) db.createObjectStore(ROWS, { autoIncrement: true });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      return new LogStore(await request(open));
    } catch {
      return null;
    }
  }

  async load(): Promise<StoredLog> {
    const tx = this.db.transaction([ROWS, META], 'readonly');
    const rows = (await request(tx.objectStore(ROWS).getAll())) as FrameLogRow[];
    const meta = (await request(tx.objectStore(META).get('session'))) as { startedAt: string | null; recording: boolean } | undefined;
    return { rows, startedAt: meta?.startedAt ?? null, recording: meta?.recording ?? false };
  }

  /** A new recording replaces the stored one. */
  async reset(startedAt: string | null, recording: boolean): Promise<void> {
    clearTimeout(this.timer);
    this.pending = [];
    await this.flushing;
    const tx = this.db.transaction([ROWS, META], 'readwrite');
    tx.objectStore(ROWS).clear();
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    await done(tx);
  }

  async setRecording(startedAt: string | null, recording: boolean): Promise<void> {
    await this.flush();
    const tx = this.db.transaction(META, 'readwrite');
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    await done(tx);
  }

  append(row: FrameLogRow): void {
    this.pending.push(row);
    if (this.timer === undefined) this.timer = setTimeout(() => void this.flush(), 500);
  }

  /** Writes pending rows now; resolves when they are stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending;
    this.pending = [];
    if (rows.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      const tx = this.db.transaction(ROWS, 'readwrite');
      const store = tx.objectStore(ROWS);
      for (const row of rows) store.add(row);
      await done(tx);
    });
    return this.flushing;
  }
}
