/** An error the CLI reports as one line and a non-zero exit, without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CliError';
  }
}

/** What the user can do about an error, by code: the core's messages cannot know the CLI's flags. */
const HINTS: Record<string, string> = {
  CORE_ERR_API_KEY_MISSING:
    'give a Roboflow API key with --api-key <key> or the ROBOFLOW_API_KEY environment variable',
  CORE_ERR_API_UNAUTHORIZED: 'check the key given with --api-key or ROBOFLOW_API_KEY',
};

/** One clear line for any error: our typed errors print their code, and a hint where the CLI has one. */
export function formatError(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const err = e as { code: string; message: string };
    const hint = HINTS[err.code];
    return `error [${err.code}]: ${err.message}${hint ? `; ${hint}` : ''}`;
  }
  if (e instanceof Error) return `error: ${e.message}`;
  return `error: ${String(e)}`;
}
