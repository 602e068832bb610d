/**
 * The named errors of the staff module: each carries its HTTP status and a stable `code`, and its
 * message is a fixed English sentence (never a password, token, cookie or address).
 */
/**
 * Base of every error the staff routes answer with `{ error: { code, message } }`.
 * Messages are fixed English sentences: never a password, token, cookie or address.
 */
export class StaffError extends Error {
  override name = 'StaffError';

  /**
   * @param statusCode HTTP status of the answer.
   * @param code Stable error code (`error.code`).
   * @param message Fixed, non-identifying explanation (`error.message`).
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 400: a username, role, language list, password or request body that is not acceptable. */
export class InvalidStaffInputError extends StaffError {
  override name = 'InvalidStaffInputError';
  constructor(message = 'The request is not valid.') {
    super(400, 'BadArgument', message);
  }
}

/** 409: an account with this username already exists. */
export class StaffUserExistsError extends StaffError {
  override name = 'StaffUserExistsError';
  constructor(message = 'An account with this username already exists.') {
    super(409, 'UserExists', message);
  }
}

/** 404: there is no account with this username. */
export class StaffUserNotFoundError extends StaffError {
  override name = 'StaffUserNotFoundError';
  constructor(message = 'There is no account with this username.') {
    super(404, 'NotFound', message);
  }
}

// --- Validation ---------------------------------------------------------------------------------
