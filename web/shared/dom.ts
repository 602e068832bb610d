/** Small DOM helpers shared by the staff pages. Everything from the network goes in as text, never as HTML. */

/** An element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The element with this id. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node as T;
}

/** Shows a message in a status element (empty hides it). */
export function say(node: HTMLElement, text: string, kind: 'error' | 'info' = 'info'): void {
  node.textContent = text;
  node.hidden = !text;
  node.classList.toggle('error', kind === 'error');
}

/** The elements both staff pages have: the top bar's badge and buttons, and the login form with its fields and messages. */
export interface StaffShell {
  auth: HTMLElement;
  loginForm: HTMLFormElement;
  loginNotice: HTMLElement;
  loginStatus: HTMLElement;
  loginUser: HTMLInputElement;
  loginPassword: HTMLInputElement;
  meBadge: HTMLElement;
  logoutButton: HTMLButtonElement;
  langToggle: HTMLButtonElement;
}

/** Finds the elements of the staff pages' shared top bar and login form (web/shared/login-fields.html). */
export function staffShell(): StaffShell {
  return {
    auth: byId('auth'),
    loginForm: byId('loginForm'),
    loginNotice: byId('loginNotice'),
    loginStatus: byId('loginStatus'),
    loginUser: byId('loginUser'),
    loginPassword: byId('loginPassword'),
    meBadge: byId('me'),
    logoutButton: byId('logout'),
    langToggle: byId('langToggle'),
  };
}
