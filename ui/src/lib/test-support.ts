// Shared setup for component tests: a fresh mock backend with the sample document, loaded into
// the window's document store.
import { setBackend } from './ipc/client';
import { MockBackend } from './ipc/mock';
import { sampleDocument } from './document/factories';
import { documentStore } from './document/documentStore.svelte';

export async function openSample(): Promise<MockBackend> {
  const mock = new MockBackend({ document: sampleDocument() });
  setBackend(mock);
  documentStore.close();
  documentStore.load(await mock.currentDocument());
  return mock;
}
