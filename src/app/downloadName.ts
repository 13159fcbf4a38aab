// File names of the app's downloads (the log, the exported video): a prefix and the time, so that
// successive downloads do not overwrite each other.

/** `${prefix}-${ISO time with ':' and '.' as '-'}.${extension}`, e.g. dashseg-log-2026-12-02T10-00-00-000Z.csv. */
export function downloadName(prefix: string, extension: string, at: Date = new Date()): string {
  return `${prefix}-${at.toISOString().replace(/[:.]/g, '-')}.${extension}`;
}
