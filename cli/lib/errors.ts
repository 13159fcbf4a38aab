// Errors a CLI reports to the user as one clear message (no stack trace) and exit code 1.

export class CliError extends Error {
  /** Extra lines printed under the message (e.g. the browser console around a failure). */
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'CliError';
    this.details = details;
  }
}

/** Bad command line: the message is followed by the usage text. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface RunCliOptions {
  /** Program name used in messages, e.g. "eval". */
  readonly name: string;
  /** Usage text printed after a UsageError. */
  readonly usage: string;
}

/**
 * Runs `main` and turns its outcome into an exit code: its return value, or 1 after printing a
 * CliError's message (plus usage for a UsageError); anything else is a bug and keeps its stack.
 */
export async function runCli(main: () => Promise<number>, options: RunCliOptions): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (err) {
    code = 1;
    if (err instanceof UsageError) {
      process.stderr.write(`${options.name}: ${err.message}\n\n${options.usage}\n`);
    } else if (err instanceof CliError) {
      process.stderr.write(`${options.name}: error: ${err.message}\n`);
      for (const line of err.details) process.stderr.write(`  ${line}\n`);
    } else {
      process.stderr.write(`${options.name}: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
  }
  // Let stdout/stderr drain before exiting (they may be pipes).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
