/**
 * What a staff account is made of, and the checks on it: roles, languages, usernames and passwords.
 * Pure functions; they throw InvalidStaffInputError for input that is not acceptable.
 */
import { LANGUAGES, type Language } from '../contracts/languages.js';
import { InvalidStaffInputError } from './errors.js';

/**
 * What a staff member may do: chat with young people (counsellor), chat and steer the team
 * (teamlead: sees every open conversation and counsellor, takes over, reassigns), see anonymised
 * metrics (coordinator), or manage staff (admin, who has the team lead's view too).
 */
export type StaffRole = 'counsellor' | 'teamlead' | 'coordinator' | 'admin';

/** Every role, in order of increasing power. */
export const STAFF_ROLES: readonly StaffRole[] = Object.freeze(['counsellor', 'teamlead', 'coordinator', 'admin']);

/** Roles that chat with young people (and so have languages). */
export const CHAT_ROLES: readonly StaffRole[] = Object.freeze(['counsellor', 'teamlead']);

/** A language a counsellor can chat in (the chat's five languages; `prs` = Dari). */
export type StaffLanguage = Language;

/** Every language, in the canonical order used when storing them (the one list, contracts/languages.ts). */
export const STAFF_LANGUAGES: readonly StaffLanguage[] = LANGUAGES;

/** Who a request is from, once authenticated: what routes and guards need. */
export interface StaffPrincipal {
  username: string;
  role: StaffRole;
  /** Languages the counsellor chats in (empty for coordinators and admins). */
  languages: StaffLanguage[];
}

/** A staff account as listed (never with its password hash). */
export interface StaffUser extends StaffPrincipal {
  /** When the account was created (ISO 8601). */
  createdAt: string;
  /** Failed logins counted towards the lock (attempts with less than 15 minutes between them). */
  failedLogins: number;
  /** Until when logins are refused (ISO 8601), or null when not locked. */
  lockedUntil: string | null;
  /** Most conversations this counsellor has open at once; absent = the configured default. */
  maxConversations?: number;
  /** Present when an admin disabled the account: it cannot log in. */
  disabled?: true;
  /** Present when the account logs in with a two-factor code too. */
  totp?: true;
}

/** What an admin may change on an account (absent: unchanged; `maxConversations: null`: the default). */
export interface StaffUserChanges {
  role?: unknown;
  languages?: unknown;
  maxConversations?: unknown;
}

/** What creating an account needs. */
export interface NewStaffUser {
  username: string;
  role: StaffRole;
  /** Required (at least one) for counsellors; must be empty or absent for other roles. */
  languages?: readonly string[];
  /** At least MIN_PASSWORD_LENGTH characters. */
  password: string;
}

/** Result of a login attempt. The HTTP answer is the same for every failure (plus Retry-After when locked). */
export type LoginResult =
  /** `mfa` when a two-factor code was checked. */
  | { ok: true; user: StaffPrincipal; mfa?: true }
  /** `totp`: the password was right but the account's code is missing (`required`) or wrong (`invalid`). */
  | { ok: false; locked: false; totp?: 'required' | 'invalid' }
  | { ok: false; locked: true; retryAfterSeconds: number };


/** Shortest password a person may choose (generated ones are longer). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (in characters), so nobody can make hashing chew on megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

const USERNAME = /^[a-z0-9._-]{3,32}$/;

/** The username in its stored form (trimmed, lowercase), or InvalidStaffInputError. */
export function normaliseUsername(input: unknown): string {
  if (typeof input !== 'string') throw new InvalidStaffInputError('username must be a string.');
  const username = input.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new InvalidStaffInputError('username must be 3 to 32 characters: lowercase letters, digits, dot, underscore or hyphen.');
  }
  return username;
}

/** Whether the input is a username in stored form (no exception). */
export function isValidUsername(input: unknown): input is string {
  return typeof input === 'string' && USERNAME.test(input);
}

/** The role, or InvalidStaffInputError. */
export function parseRole(input: unknown): StaffRole {
  if (typeof input !== 'string' || !(STAFF_ROLES as readonly string[]).includes(input)) {
    throw new InvalidStaffInputError(`role must be one of: ${STAFF_ROLES.join(', ')}.`);
  }
  return input as StaffRole;
}

/**
 * The languages for a role, de-duplicated in canonical order, or InvalidStaffInputError.
 * Accepts an array of codes or a comma-separated string; counsellors and team leads need at least
 * one, coordinators and admins none.
 */
export function parseLanguages(input: unknown, role: StaffRole): StaffLanguage[] {
  let codes: unknown[];
  if (input === undefined || input === null) codes = [];
  else if (typeof input === 'string') codes = input.split(',').map((code) => code.trim()).filter((code) => code !== '');
  else if (Array.isArray(input)) codes = input;
  else throw new InvalidStaffInputError('languages must be a list of language codes.');
  const wanted = new Set<string>();
  for (const code of codes) {
    if (typeof code !== 'string' || !(STAFF_LANGUAGES as readonly string[]).includes(code)) {
      throw new InvalidStaffInputError('languages must be codes from: ar, ti, prs, en, nl.');
    }
    wanted.add(code);
  }
  const languages = STAFF_LANGUAGES.filter((language) => wanted.has(language));
  const chats = CHAT_ROLES.includes(role);
  if (chats && languages.length === 0) {
    throw new InvalidStaffInputError('A counsellor or team lead needs at least one language (ar, ti, prs, en, nl).');
  }
  if (!chats && languages.length > 0) {
    throw new InvalidStaffInputError('Only counsellors and team leads have languages.');
  }
  return languages;
}

/** Checks a chosen password's length, or InvalidStaffInputError. */
export function checkPassword(input: unknown): string {
  if (typeof input !== 'string') throw new InvalidStaffInputError('password must be a string.');
  const length = [...input].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new InvalidStaffInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new InvalidStaffInputError(`password must be at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  return input;
}
