/** What may stand in a log as an error's code: short, and never text that could quote input. */
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A short, non-identifying code for an error (its `code` or class name), for the log. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && SAFE_CODE.test(code)) return code;
    if (typeof name === 'string' && SAFE_CODE.test(name)) return name;
  }
  return 'unknown';
}
