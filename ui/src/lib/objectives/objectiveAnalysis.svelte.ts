// Live analysis of the statement being typed. Requests are debounced and only the newest answer
// is kept, so typing never waits on analysis and a slow answer never overwrites a newer one.
import { backend } from '../ipc/client';
import type { ObjectiveAnalysis } from '../ipc/types';
import { debounce } from '../util/debounce';

export class LiveAnalysis {
  result = $state<ObjectiveAnalysis | null>(null);
  pending = $state(false);
  private seq = 0;
  private run = debounce((text: string) => void this.fetch(text), 200);

  update(statement: string): void {
    this.pending = true;
    this.run(statement);
  }

  /** Analyses now (used when an objective is opened). */
  now(statement: string): Promise<void> {
    this.run.cancel();
    return this.fetch(statement);
  }

  private async fetch(statement: string): Promise<void> {
    const mine = ++this.seq;
    try {
      const r = statement.trim() ? await backend().analyzeObjective(statement) : null;
      if (mine === this.seq) this.result = r;
    } catch {
      if (mine === this.seq) this.result = null;
    } finally {
      if (mine === this.seq) this.pending = false;
    }
  }
}
