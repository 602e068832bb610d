/**
 * The errors of the staff area, in one list: each carries its HTTP status and a stable `code`
 * (`{ error: { code, message } }`), and its message is a fixed English sentence (never a password,
 * token, cookie or address).
 */
import { defineError, HttpError } from '../contracts/httpErrors.js';

/** Base of every error the staff routes answer with `{ error: { code, message } }`. */
export class StaffError extends HttpError {
  override name = 'StaffError';
}

/** 400: a username, role, language list, password or request body that is not acceptable. */
export const InvalidStaffInputError = defineError(StaffError, 'InvalidStaffInputError', 400, 'BadArgument', 'The request is not valid.');
/** 409: an account with this username already exists. */
export const StaffUserExistsError = defineError(StaffError, 'StaffUserExistsError', 409, 'UserExists', 'An account with this username already exists.');
/** 404: there is no account with this username. */
export const StaffUserNotFoundError = defineError(StaffError, 'StaffUserNotFoundError', 404, 'NotFound', 'There is no account with this username.');
/** 401: no live session (not logged in, logged out, or expired). */
export const NotAuthenticatedError = defineError(StaffError, 'NotAuthenticatedError', 401, 'Unauthorized', 'Log in first: there is no valid staff session.');
/** 401: wrong username or password, or the username is locked for a while (always this same answer). */
export const LoginFailedError = defineError(StaffError, 'LoginFailedError', 401, 'LoginFailed', 'The username or password is not correct, or too many attempts were made. Try again later.');
/** 403: logged in, but this role may not do this. */
export const StaffForbiddenError = defineError(StaffError, 'StaffForbiddenError', 403, 'Forbidden', 'Your role does not allow this.');
/** 403: a state-changing request without the session's CSRF token in `x-csrf-token`. */
export const CsrfTokenError = defineError(StaffError, 'CsrfTokenError', 403, 'CsrfTokenInvalid', 'The x-csrf-token header is missing or does not match the session.');
/** 409: an admin tried to remove their own account. */
export const CannotRemoveSelfError = defineError(StaffError, 'CannotRemoveSelfError', 409, 'CannotRemoveSelf', 'You cannot remove your own account.');
/** 403: there is already staff, so setup is closed (use an admin account or `npm run staff`). */
export const SetupClosedError = defineError(StaffError, 'SetupClosedError', 403, 'SetupClosed', 'Setup is closed: staff accounts already exist.');
/** 403: the setup token is wrong, expired or already used. */
export const SetupTokenInvalidError = defineError(StaffError, 'SetupTokenInvalidError', 403, 'SetupTokenInvalid', 'The setup link is not valid or has expired. Restart the server for a new one.');
/** 413: the request body is larger than the staff routes accept. */
export const StaffBodyTooLargeError = defineError(StaffError, 'StaffBodyTooLargeError', 413, 'TooLarge', 'The request body is too large.');
/** 500: something failed inside the service (Redis down, a bug). Never used for bad input. */
export const StaffServiceError = defineError(StaffError, 'StaffServiceError', 500, 'ServiceError', 'The service could not handle the request.');

// --- Validation ---------------------------------------------------------------------------------
