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
/** 409: an admin tried to disable their own account or change their own role. */
export const CannotChangeSelfError = defineError(StaffError, 'CannotChangeSelfError', 409, 'CannotChangeSelf', 'You cannot disable your own account or change your own role.');
/** 403: the current password given to change one's own password (or turn two-factor off) is not right. */
export const WrongPasswordError = defineError(StaffError, 'WrongPasswordError', 403, 'WrongPassword', 'The current password is not correct.');
/** 401: the password was right, and the account needs its two-factor code too (send `code`). */
export const TotpRequiredError = defineError(StaffError, 'TotpRequiredError', 401, 'TotpRequired', 'Enter the code from your authenticator app.');
/** 400: the two-factor code given to turn two-factor login on is wrong or expired (a wrong code at login is `LoginFailed`). */
export const TotpInvalidError = defineError(StaffError, 'TotpInvalidError', 400, 'TotpInvalid', 'The code is not correct or was used already.');
/** 403: admins must turn on two-factor login before anything else (STAFF_TOTP_REQUIRED_FOR_ADMINS). */
export const TotpEnrolmentRequiredError = defineError(StaffError, 'TotpEnrolmentRequiredError', 403, 'TotpEnrolmentRequired', 'Turn on two-factor login first (My account).');
/** 409: two-factor login is on already, not being enrolled, or may not be turned off for this role. */
export const TotpStateError = defineError(StaffError, 'TotpStateError', 409, 'TotpState', 'Two-factor login cannot be changed like this now.');
/** 403: the password link is wrong, expired, replaced or used already. */
export const PasswordLinkInvalidError = defineError(StaffError, 'PasswordLinkInvalidError', 403, 'PasswordLinkInvalid', 'The password link is not valid or has expired. Ask an admin for a new one.');
/** 403: there is already staff, so setup is closed (use an admin account or `npm run staff`). */
export const SetupClosedError = defineError(StaffError, 'SetupClosedError', 403, 'SetupClosed', 'Setup is closed: staff accounts already exist.');
/** 403: the setup token is wrong, expired or already used. */
export const SetupTokenInvalidError = defineError(StaffError, 'SetupTokenInvalidError', 403, 'SetupTokenInvalid', 'The setup link is not valid or has expired. Restart the server for a new one.');
/** 413: the request body is larger than the staff routes accept. */
export const StaffBodyTooLargeError = defineError(StaffError, 'StaffBodyTooLargeError', 413, 'TooLarge', 'The request body is too large.');
/** 500: something failed inside the service (Redis down, a bug). Never used for bad input. */
export const StaffServiceError = defineError(StaffError, 'StaffServiceError', 500, 'ServiceError', 'The service could not handle the request.');

// --- Validation ---------------------------------------------------------------------------------
