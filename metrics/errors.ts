/**
 * The errors of the metrics API, in one list (`{ error: { code, message } }`, as every staff
 * route answers). Messages are fixed English sentences.
 */
import { defineError, HttpError } from '../contracts/httpErrors.js';

/** Base of every error `GET /api/metrics` answers with. */
export class MetricsError extends HttpError {
  override name = 'MetricsError';
}

/** 400: a query that is not a valid range, period, language or format (the message says which). */
export const MetricsArgumentError = defineError(MetricsError, 'MetricsArgumentError', 400, 'BadArgument', 'The query is not valid.');
/** 500: the figures could not be read (Redis down, a bug). Never used for a bad query. */
export const MetricsServiceError = defineError(MetricsError, 'MetricsServiceError', 500, 'ServiceError', 'The figures could not be read.');
