// Persists the recorded log rows in IndexedDB as they come, so a recording survives errors, worker
// restarts and page reloads, and can still be exported afterwards. Rows are written in batches of
// ROW_BATCH_MS (one transaction each; a transaction per row cost the page's thread about 2 ms per row
// on a 2-core AMD EPYC VM), so while the connection is open at most that much of the log waits in memory; flush() (and a
// page being hidden or left) writes it at once.
//
// The browser may close the connection under us: another tab opening the database at a higher
// version (versionchange: we close ours so it can upgrade), or a forced close (site data cleared,
// eviction under storage pressure). Then nothing throws: rows go on being recorded in memory (the
// recorder holds them all), the store reopens with backoff, and once open it writes the whole log
// back from the recorder's snapshot. Writing back all of it, not only the rows since the close, is
// what keeps nothing lost: a forced close aborts the writes in flight and may have deleted the
// database.

import type { FrameLogRow } from '../processing/logFormat.ts';

const DB_NAME = 'dashseg-log';
const DB_VERSION = 1;
const ROWS = 'rows';
const META = 'meta';

/** Rows that come within this window are stored in one transaction. */
export const ROW_BATCH_MS = 250;

/** Waits before each reopen try (a bounded backoff, about 16 s in all); then the log stays in memory only. */
const REOPEN_DELAYS_MS: readonly number[] = [100, 250, 500, 1000, 2000, 4000, 8000];

export interface StoredLog {
  readonly startedAt: string | null;
  readonly recording: boolean;
  readonly rows: FrameLogRow[];
}

/** The log as it should be stored now: what the store writes back after reopening. */
export interface LogSnapshot {
  readonly startedAt: string | null;
  readonly recording: boolean;
  readonly rows: readonly FrameLogRow[];
}

/** What the user is told about the store's connection. */
export type LogStorageNoticeCode = 'log-storage-lost' | 'log-storage-reconnected' | 'log-storage-gave-up';
export type LogStorageNotice = (code: LogStorageNoticeCode, message: string) => void;

export interface LogStoreSync {
  /** The whole log as the recorder holds it. */
  readonly snapshot: () => LogSnapshot;
  readonly onNotice: LogStorageNotice;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function openDatabase(version: number | undefined): Promise<IDBDatabase> {
  const open = version === undefined ? indexedDB.open(DB_NAME) : indexedDB.open(DB_NAME, version);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(ROWS)) db.createObjectStore(ROWS, { autoIncrement: true });
    if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
  };
  return request(open);
}

/**
 * Opens the log database. When a newer app in another tab has upgraded it past DB_VERSION, uses it
 * at its version as long as it still has our stores (opening at ours would fail with VersionError).
 */
async function connect(): Promise<IDBDatabase> {
  let db: IDBDatabase;
  try {
    db = await openDatabase(DB_VERSION);
  } catch (err) {
    if ((err as DOMException | null)?.name !== 'VersionError') throw err;
    db = await openDatabase(undefined);
  }
  if (!db.objectStoreNames.contains(ROWS) || !db.objectStoreNames.contains(META)) {
    db.close();
    throw new Error(`the database (version ${db.version}) has no log stores`);
  }
  return db;
}

export class LogStore {
  private flushing: Promise<void> = Promise.resolve();
  /** null while closed: writes are skipped, the rows stay in the recorder until the write-back. */
  private db: IDBDatabase | null = null;
  private reopening: Promise<void> | null = null;
  private sync: LogStoreSync | null = null;
  /** Rows appended and not yet written (see ROW_BATCH_MS), and the timer that writes them. */
  private pending: FrameLogRow[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(db: IDBDatabase) {
    this.adopt(db);
    // A page that is hidden may be discarded, and one being left may not come back: write what waits.
    addEventListener('pagehide', () => this.writePending());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.writePending();
    });
  }

  /** Opens the store; null when IndexedDB is unavailable (private mode etc.): the log stays in memory. */
  static async open(): Promise<LogStore | null> {
    if (typeof indexedDB === 'undefined') return null;
    try {
      return new LogStore(await connect());
    } catch {
      return null;
    }
  }

  /**
   * Where the log comes from when it has to be written back after a reopen, and whom to tell about
   * the connection. Without it a reopened store only stores the rows that come after.
   */
  keepInSync(sync: LogStoreSync): void {
    this.sync = sync;
  }

  async load(): Promise<StoredLog> {
    const tx = this.transaction([ROWS, META], 'readonly');
    if (!tx) return { rows: [], startedAt: null, recording: false };
    const rows = (await request(tx.objectStore(ROWS).getAll())) as FrameLogRow[];
    const meta = (await request(tx.objectStore(META).get('session'))) as { startedAt: string | null; recording: boolean } | undefined;
    return { rows, startedAt: meta?.startedAt ?? null, recording: meta?.recording ?? false };
  }

  /**
   * A new recording replaces the stored one. The clearing transaction is created now, so IndexedDB
   * orders it before the rows the new recording appends right after.
   */
  reset(startedAt: string | null, recording: boolean): Promise<void> {
    this.dropPending(); // rows of the recording being replaced
    const tx = this.transaction([ROWS, META], 'readwrite');
    if (!tx) return Promise.resolve();
    tx.objectStore(ROWS).clear();
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    return this.track(done(tx));
  }

  setRecording(startedAt: string | null, recording: boolean): Promise<void> {
    const tx = this.transaction(META, 'readwrite');
    if (!tx) return Promise.resolve();
    tx.objectStore(META).put({ startedAt, recording }, 'session');
    return this.track(done(tx));
  }

  /** Stores a row with the others of its batch (within ROW_BATCH_MS). Never throws. */
  append(row: FrameLogRow): void {
    this.pending.push(row);
    this.batchTimer ??= setTimeout(() => this.writePending(), ROW_BATCH_MS);
  }

  /**
   * Resolves when every row appended so far is stored, or, while the connection is closed, once the
   * reopen has written them back (or given up).
   */
  async flush(): Promise<void> {
    this.writePending();
    await this.flushing;
    while (this.reopening) {
      await this.reopening;
      await this.flushing;
    }
  }

  /** Writes the rows waiting in the batch, in one transaction (while closed they wait in the recorder for the write-back). */
  private writePending(): void {
    const rows = this.pending;
    this.dropPending();
    if (rows.length === 0) return;
    const tx = this.transaction(ROWS, 'readwrite');
    if (!tx) return;
    const store = tx.objectStore(ROWS);
    for (const row of rows) store.add(row);
    void this.track(done(tx));
  }

  private dropPending(): void {
    this.pending = [];
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimer = null;
  }

  private adopt(db: IDBDatabase): void {
    this.db = db;
    db.onclose = () => this.lost(db, 'it was closed by the browser (site data cleared or storage under pressure)');
    db.onversionchange = (event) => {
      // Another tab upgrades (or deletes) the database and waits until every connection is closed.
      db.close();
      this.lost(db, event.newVersion === null ? 'another tab deleted it' : 'another tab is upgrading it');
    };
  }

  /** A transaction on the open connection, or null when it is closed (a throw here means closed too). */
  private transaction(stores: string | string[], mode: IDBTransactionMode): IDBTransaction | null {
    const db = this.db;
    if (!db) return null;
    try {
      return db.transaction(stores, mode);
    } catch (err) {
      // InvalidStateError: the connection is closing, e.g. before its close event has run.
      db.close();
      this.lost(db, `it refused a write (${(err as Error).name})`);
      return null;
    }
  }

  private lost(db: IDBDatabase, reason: string): void {
    if (this.db !== db) return; // already handled (close and versionchange can both come)
    this.db = null;
    if (this.reopening) return; // lost again while writing back: the reopen tries on
    const rows = this.sync?.snapshot().rows.length ?? 0;
    this.notify(
      'log-storage-lost',
      `the log's storage was closed by the browser (${reason}); the ${rows} recorded rows and those to come are kept in memory and will be stored again when it reopens; recording continues`,
    );
    const reopening: Promise<void> = this.reopen().finally(() => {
      if (this.reopening === reopening) this.reopening = null;
    });
    this.reopening = reopening;
  }

  /** Tries to reopen with backoff; once open, writes the whole log back. */
  private async reopen(): Promise<void> {
    let failure = '';
    for (const delayMs of REOPEN_DELAYS_MS) {
      await sleep(delayMs);
      let db: IDBDatabase;
      try {
        db = await connect();
      } catch (err) {
        failure = (err as Error).message;
        continue;
      }
      this.adopt(db);
      const written = await this.writeBack(db);
      if (written !== null) {
        this.notify('log-storage-reconnected', `the log's storage reopened; all ${written} recorded rows are stored again`);
        return;
      }
      failure = 'the kept rows could not be written';
      if (this.db === db) {
        this.db = null;
        db.close();
      }
    }
    const rows = this.sync?.snapshot().rows.length ?? 0;
    this.notify(
      'log-storage-gave-up',
      `the log's storage could not be reopened (${failure}); the ${rows} recorded rows are kept in memory only — download the log (CSV or JSON) before leaving the page`,
    );
  }

  /**
   * Replaces what the database holds with the recorder's log, in one transaction created before any
   * later append's, so those are stored after it. The number of rows written, or null on failure.
   */
  private async writeBack(db: IDBDatabase): Promise<number | null> {
    const log = this.sync?.snapshot();
    if (!log) return 0;
    this.dropPending(); // they are in the snapshot
    const tx = this.transaction([ROWS, META], 'readwrite');
    if (!tx || this.db !== db) return null;
    const rows = tx.objectStore(ROWS);
    rows.clear();
    for (const row of log.rows) rows.add(row);
    tx.objectStore(META).put({ startedAt: log.startedAt, recording: log.recording }, 'session');
    try {
      await this.track(done(tx), true);
      return log.rows.length;
    } catch {
      return null;
    }
  }

  private notify(code: LogStorageNoticeCode, message: string): void {
    if (this.sync) this.sync.onNotice(code, message);
    else console.warn(`[dashseg] ${code}: ${message}`);
  }

  /**
   * Chains a write so flush() waits for it; a failed write is reported, not fatal (rows stay in
   * memory). With `rethrow`, the returned promise rejects on failure (flush() still does not).
   */
  private track(write: Promise<void>, rethrow = false): Promise<void> {
    const settled = write.catch((err: unknown) => console.warn(`[dashseg] log not persisted: ${(err as Error).message}`));
    this.flushing = this.flushing.then(() => settled);
    return rethrow ? write : settled;
  }
}
