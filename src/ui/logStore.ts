// Persists the recorded log rows in IndexedDB as they come, so a recording survives errors, worker
// restarts and page reloads, and can still be exported afterwards. Each row is written as it comes
// (IndexedDB commits small transactions off the main thread), so nothing waits in memory.

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
  private flushing: Promise<void> = Promise.resolve();

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

  /**
   * A new recording replaces the stored one. The clearing transaction is created now, so IndexedDB
   * orders it before the rows the new recording appends right after.
   */
  reset(startedAt: string | null, recording: boolean): Promise<void> {
    const tx = this.db.transaction([ROWS, META], 'readwrite');
    tx.objectStore(ROWS).clear();
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    return this.track(done(tx));
  }

  setRecording(startedAt: string | null, recording: boolean): Promise<void> {
    const tx = this.db.transaction(META, 'readwrite');
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    return this.track(done(tx));
  }

  /** Stores a row at once (its own small transaction), so a crash or reload loses nothing. */
  append(row: FrameLogRow): void {
    const tx = this.db.transaction(ROWS, 'readwrite');
    tx.objectStore(ROWS).add(row);
    void this.track(done(tx));
  }

  /** Chains a write so flush() waits for it; a failed write is reported, not fatal (rows stay in memory). */
  private track(write: Promise<void>): Promise<void> {
    const settled = write.catch((err: unknown) => console.warn(`[dashseg] log not persisted: ${(err as Error).message}`));
    this.flushing = this.flushing.then(() => settled);
    return settled;
  }

  /** Resolves when every row appended so far is stored. */
  flush(): Promise<void> {
    return this.flushing;
  }
}
