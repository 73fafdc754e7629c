// Ctrl+O in a document window: another document opens in its own window (one document per window).
import { backend } from '../ipc/client';
import { AppError } from '../ipc/errors';
import { documentStore as ds } from '../document/documentStore.svelte';

export async function openElsewhere(): Promise<void> {
  try {
    await backend().openInNewWindow(null);
  } catch (err) {
    ds.error = AppError.from(err);
  }
}
