import { expect, test } from 'vitest';
import { LongTask } from './longTask.svelte';
import { AppError } from '../ipc/errors';
import type { Progress } from '../ipc/types';

/** Work that reports `steps` and then waits until released or cancelled. */
function work(steps: Progress[]) {
  let release: (v: string) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  let report: (p: Progress) => void = () => {};
  const run = (onProgress: (p: Progress) => void) =>
    new Promise<string>((resolve, reject) => {
      report = onProgress;
      release = resolve;
      fail = reject;
      steps.forEach(onProgress);
    });
  return { run, release: (v: string) => release(v), fail: (e: unknown) => fail(e), report: (p: Progress) => report(p) };
}

const step = (done: number, message: string): Progress => ({ done, total: 4, message });

test('progress follows the work and is cleared when it ends', async () => {
  const task = new LongTask(async () => {});
  const w = work([step(0, 'Checking the curriculum'), step(1, 'Rendering the packet')]);
  const running = task.run(w.run);
  expect(task.running).toBe(true);
  expect(task.progress).toEqual(step(1, 'Rendering the packet'));
  w.release('done');
  expect(await running).toBe('done');
  expect([task.running, task.progress, task.cancelled]).toEqual([false, null, false]);
  w.report(step(3, 'late'));
  expect(task.progress).toBeNull();
});

test('a cancelled run resolves to undefined and is remembered until dismissed or run again', async () => {
  let asked = 0;
  const task = new LongTask(async () => { asked += 1; });
  const w = work([step(3, 'Printing the PDF')]);
  const running = task.run(w.run);
  await task.cancel();
  await task.cancel();
  expect(asked).toBe(1);
  expect(task.cancelling).toBe(true);
  w.fail({ code: 'cancelled', message: 'the review packet was cancelled; nothing was written' });
  expect(await running).toBeUndefined();
  expect([task.running, task.cancelling, task.cancelled]).toEqual([false, false, true]);
  task.dismiss();
  expect(task.cancelled).toBe(false);

  const again = work([]);
  task.run(again.run);
  expect(task.cancelled).toBe(false);
  again.release('ok');
});

test('failures are errors unless a cancel was asked; cancel does nothing when idle', async () => {
  let asked = 0;
  const task = new LongTask(async () => { asked += 1; });
  await task.cancel();
  expect(asked).toBe(0);

  const w = work([]);
  const running = task.run(w.run);
  w.fail({ code: 'validation', message: 'not a cartridge' });
  await expect(running).rejects.toEqual(new AppError('validation', 'not a cartridge'));
  expect(task.cancelled).toBe(false);

  // Asked to cancel, but the work failed for another reason: that failure is shown. Cancellation
  // is recognised by its code only: a refusal worded like a cancel is a failure too.
  for (const failure of [
    { code: 'io', message: '/tmp/x: permission denied' },
    { code: 'validation', message: 'the import was cancelled; nothing was written' },
  ] as const) {
    const w2 = work([]);
    const failing = task.run(w2.run);
    await task.cancel();
    w2.fail(failure);
    await expect(failing).rejects.toHaveProperty('code', failure.code);
    expect(task.cancelled).toBe(false);
  }

  // A cancel that fails itself leaves the run to finish on its own.
  const stubborn = new LongTask(async () => { throw new Error('no such command'); });
  const s = work([]);
  const finishing = stubborn.run(s.run);
  await stubborn.cancel();
  s.release('finished anyway');
  expect(await finishing).toBe('finished anyway');
  expect(stubborn.cancelled).toBe(false);
});
