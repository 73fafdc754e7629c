// Browser build for Playwright: the UI runs against the mock backend. `?example=ID` opens a
// bundled example right away (the mock answers its analysis from the library's fixtures);
// `?doc=sample` opens the small sample document of the editing tests (no analysis fixtures);
// otherwise the start screen shows. `&staged=MS` answers the start-up like the app does for a
// large document (the outline first) and holds the remainder back for MS ms.
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
  const staged = params.get('staged');
  if (staged !== null) {
    mock.staged = true;
    mock.restGate = new Promise((resolve) => setTimeout(resolve, Number(staged) || 0));
  }
  setBackend(mock);
  (window as unknown as { __mock: MockBackend }).__mock = mock;
}
