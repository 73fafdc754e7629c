/**
 * The keyboard of a modal dialog that runs long work (export, review packet, evidence import):
 * Escape cancels the running work, or closes the dialog when nothing runs; Tab and Shift+Tab keep
 * the focus inside the dialog, among the elements `focusable` selects.
 */
export function dialogKeydown(
  e: KeyboardEvent,
  dialog: HTMLElement | undefined,
  running: boolean,
  cancel: () => void,
  close: () => void,
  focusable = 'button:not([disabled]), select:not([disabled]), input:not([disabled])',
): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    if (running) cancel();
    else close();
  } else if (e.key === 'Tab' && dialog) {
    const items = Array.from(dialog.querySelectorAll<HTMLElement>(focusable));
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last?.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first?.focus(); }
  }
}
