/**
 * What each target server (full, echo, floor) gives its child process once it listens.
 */

/** A counsellor account for the handoff scenario. */
export interface CounsellorAccount {
  username: string;
  password: string;
  languages: string[];
}

/** A target server, listening on 127.0.0.1. */
export interface RunningTarget {
  /** Base URL, e.g. http://127.0.0.1:41234 (the Direct Line routes are under /v3/directline). */
  url: string;
  /** Closes the server and its Redis connections (not the redis-server: the orchestrator owns it). */
  stop(): Promise<void>;
  /** Creates a counsellor account (the full target only). */
  createCounsellor?(account: CounsellorAccount): Promise<void>;
  /**
   * When each conversation was put in the handoff queue (ms since the epoch, the server's clock:
   * the queue job's timestamp), or null when it is not in the queue (the full target only).
   */
  handoffEnqueuedAt?(conversationIds: string[]): Promise<Record<string, number | null>>;
}
