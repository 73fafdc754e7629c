// Browser build for Playwright: the UI runs against the mock backend. `?example=ID` opens a
// bundled example right away (the mock answers its analysis from the library's fixtures);
// `?doc=sample` opens the small sample document of the editing tests (no analysis fixtures);
// otherwise the start screen shows.
import { setBackend } from './lib/ipc/client';
import { MockBackend } from './lib/ipc/mock';
import { sampleDocument } from './lib/document/factories';

export function installMocks() {
  const params = new URLSearchParams(location.search);
  const example = params.get('example');
  const mock = example
    ? new MockBackend({ example })
    : params.get('doc') === 'sample'
      ? new MockBackend({ document: sampleDocument() })
      : new MockBackend();
  setBackend(mock);
  (window as unknown as { __mock: MockBackend }).__mock = mock;
}
