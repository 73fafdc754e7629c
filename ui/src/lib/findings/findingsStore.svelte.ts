// The live findings of the open document: re-checked (debounced) after every committed edit.
import { backend } from '../ipc/client';
import type { Finding } from '../ipc/types';
import { debounce } from '../util/debounce';

export class FindingsStore {
  list = $state<Finding[]>([]);
  loading = $state(false);
  private seq = 0;
  private run = debounce(() => void this.fetch(), 300);

  refresh(): void {
    this.loading = true;
    this.run();
  }

  private async fetch() {
    const mine = ++this.seq;
    try {
      const found = await backend().checkDocument();
      if (mine === this.seq) this.list = found;
    } catch {
      if (mine === this.seq) this.list = [];
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }
}

export const findingsStore = new FindingsStore();
