// The review views of the open document (computed by the library), refreshed after edits.
import { backend } from '../ipc/client';
import type { Views } from '../ipc/types';
import { debounce } from '../util/debounce';

export class InsightsStore {
  views = $state.raw<Views | null>(null);
  error = $state<string | null>(null);
  private seq = 0;
  private run = debounce(() => void this.fetch(), 150);

  refresh(now = false): void {
    if (now) void this.fetch();
    else this.run();
  }

  private async fetch() {
    const mine = ++this.seq;
    try {
      const v = await backend().insights();
      if (mine === this.seq) {
        this.views = v;
        this.error = null;
      }
    } catch (err) {
      if (mine === this.seq) this.error = err instanceof Error ? err.message : String(err);
    }
  }
}

export const insightsStore = new InsightsStore();
