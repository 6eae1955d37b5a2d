import { YtwatchError } from '../../engine/core/errors.js';

/** YouTube answered with an error body. `reason` is the API's `errors[0].reason`. */
export class YouTubeApiError extends YtwatchError {
  override name = 'YouTubeApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    options: { retriable: boolean; hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }

  get quotaExceeded(): boolean {
    return this.reason === 'quotaExceeded' || this.reason === 'dailyLimitExceeded';
  }
}

/** YouTube could not be reached, timed out, or answered with something that is not its JSON. Retriable. */
export class YouTubeHttpError extends YtwatchError {
  override name = 'YouTubeHttpError';
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { retriable: true, ...options });
  }
}
