// Errors as the Rust side sends them: `{ code, message }`. The UI branches on `code`, never on
// the wording of `message`, which is for people.
import type { ErrorCode } from './gen/ErrorCode';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }

  /** Turns whatever a backend call threw into an AppError. */
  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
      const e = err as { code: unknown; message: unknown };
      if (typeof e.code === 'string' && typeof e.message === 'string') {
        return new AppError(e.code as ErrorCode, e.message);
      }
    }
    if (err instanceof Error) return new AppError('internal', err.message);
    return new AppError('internal', String(err));
  }
}
