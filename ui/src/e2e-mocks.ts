// Browser build for Playwright: the UI runs against the mock backend. `?doc=sample` opens the
// sample curriculum right away; otherwise the start screen shows.
import { setBackend } from './lib/ipc/client';
import { MockBackend } from './lib/ipc/mock';
import { sampleDocument } from './lib/document/factories';

export function installMocks() {
  const params = new URLSearchParams(location.search);
  const mock = params.get('doc') === 'sample' ? new MockBackend({ document: sampleDocument() }) : new MockBackend();
  setBackend(mock);
  (window as unknown as { __mock: MockBackend }).__mock = mock;
}
