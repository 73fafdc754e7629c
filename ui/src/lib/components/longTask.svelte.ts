// Long backend work with progress and Cancel (the review packet, the cartridge import): what a
// dialog shows while it runs — the latest `Progress`, whether a cancel was asked — and whether
// the last run ended because it was cancelled. The backend answers a cancelled run with an
// error whose code is `cancelled` (the library's `Error::Cancelled`) and writes nothing; that
// error is recognised by its code, never its wording, and is not shown as a failure.
import { AppError } from '../ipc/errors';
import type { Progress } from '../ipc/types';

export class LongTask {
  running = $state(false);
  progress = $state<Progress | null>(null);
  /** Cancel was asked during this run. */
  cancelling = $state(false);
  /** The last run was cancelled (nothing was written); cleared by the next run or `dismiss`. */
  cancelled = $state(false);

  constructor(private readonly cancelWork: () => Promise<void>) {}

  /**
   * Runs `work`, feeding its progress to `progress`. Resolves to what `work` resolved to, or to
   * `undefined` when the run was cancelled; other failures reject with an `AppError`.
   */
  async run<T>(work: (onProgress: (p: Progress) => void) => Promise<T>): Promise<T | undefined> {
    this.running = true;
    this.progress = null;
    this.cancelling = false;
    this.cancelled = false;
    try {
      return await work((p) => {
        if (this.running) this.progress = p;
      });
    } catch (err) {
      const e = AppError.from(err);
      if (e.code === 'cancelled') {
        this.cancelled = true;
        return undefined;
      }
      throw e;
    } finally {
      this.running = false;
      this.cancelling = false;
      this.progress = null;
    }
  }

  /** Asks the running work to stop (once); nothing happens when none is running. */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await this.cancelWork();
    } catch {
      // The work then finishes or fails on its own; its answer says which.
    }
  }

  /** Forgets that the last run was cancelled. */
  dismiss(): void {
    this.cancelled = false;
  }
}
