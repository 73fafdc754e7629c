// Shared setup for component tests: a fresh mock backend with a document, loaded into the
// window's document store. `openSample` gives the small sample document of the editing tests
// (the mock has no analysis fixtures for it); `openExample` a bundled example, whose findings,
// views, preflights and diffs the mock answers from the library's fixtures.
import { setBackend } from './ipc/client';
import { MockBackend } from './ipc/mock';
import { sampleDocument } from './document/factories';
import { documentStore } from './document/documentStore.svelte';

async function openWith(mock: MockBackend): Promise<MockBackend> {
  setBackend(mock);
  documentStore.close();
  documentStore.load(await mock.currentDocument());
  return mock;
}

export function openSample(): Promise<MockBackend> {
  return openWith(new MockBackend({ document: sampleDocument() }));
}

export function openExample(id = 'intro-statistics'): Promise<MockBackend> {
  return openWith(new MockBackend({ example: id }));
}
