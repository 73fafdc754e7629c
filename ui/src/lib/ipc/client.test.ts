// The document answer of `open_document`/`current_document` arrives gzipped from the Rust side
// (flate2); here it is made with the platform's CompressionStream.
import { describe, expect, it } from 'vitest';
import { unpackDocumentState } from './client';
import { sampleDocument } from '../document/factories';
import type { DocumentState } from './types';

async function gzip(text: string): Promise<ArrayBuffer> {
  const body = new Response(text).body;
  if (!body) throw new Error('no body');
  return new Response(body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

const MOCK_EXAMPLE_STATE = (): DocumentState => ({
  path: '/home/designer/Trellis/Sample.trellis',
  document: sampleDocument(),
  history: { undo: null, redo: null, undoDepth: 0, redoDepth: 0 },
});

describe('unpackDocumentState', () => {
  it('reads a gzipped DocumentState answer', async () => {
    const state = MOCK_EXAMPLE_STATE();
    const packed = await gzip(JSON.stringify(state));
    const unpacked = await unpackDocumentState(packed);
    expect(unpacked).toEqual(state);
    expect(packed.byteLength).toBeLessThan(JSON.stringify(state).length);
  });

  it('passes null and plain answers through', async () => {
    expect(await unpackDocumentState(null)).toBeNull();
    const state = MOCK_EXAMPLE_STATE();
    expect(await unpackDocumentState(state)).toBe(state);
  });

  it('rejects a damaged answer instead of returning half a document', async () => {
    const packed = await gzip(JSON.stringify(MOCK_EXAMPLE_STATE()));
    const cut = packed.slice(0, packed.byteLength / 2);
    await expect(unpackDocumentState(cut)).rejects.toThrow();
  });
});
