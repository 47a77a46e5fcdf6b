/**
 * The narrow surface collectors use to read a router. The real client implements it over
 * one persistent connection; tests implement it over recorded rows.
 */

/** One `!re` reply: RouterOS sends every value as a string; absent properties are absent keys. */
export type Row = Readonly<Record<string, string>>;

/** Options of a single command. */
export interface CommandOptions {
  /** Aborts the command (sends `/cancel` for it) and rejects with TimeoutError. */
  signal?: AbortSignal;
  /** Per-command deadline in milliseconds; the client default applies when absent. */
  timeoutMillis?: number;
}

/** Options of `print`. */
export interface PrintOptions extends CommandOptions {
  /** Properties to return (`=.proplist=`); always pass it, RouterOS computes slow properties otherwise. */
  proplist?: readonly string[];
  /** Query words without the leading `?`, in order (`type=ether`, `type=vlan`, `#|`). */
  query?: readonly string[];
  /** Extra flags or attributes sent as `=key=value` (`stats: ''`, `detail: ''`). */
  attributes?: Readonly<Record<string, string>>;
  /**
   * Sends `=count-only=`: the router counts the matching rows instead of sending them, and
   * `print` resolves with one row, `{ ret: '<count>' }` (`proplist` is not sent). `count()` is
   * the same with the number parsed.
   */
  countOnly?: boolean;
}

/** What a collector may ask of a router. */
export interface RouterApi {
  /** `<path>/print`: the rows. `path` is a menu such as `/interface`. */
  print(path: string, options?: PrintOptions): Promise<Row[]>;
  /** `<path>/print =count-only=`: the number of matching rows, without transferring them. */
  count(path: string, options?: Omit<PrintOptions, 'proplist'>): Promise<number>;
  /**
   * Any other command (`/interface/ethernet/monitor` with `numbers` and `once`): the `!re` rows.
   * `command` is the full command path; attributes are sent as `=key=value`.
   */
  execute(command: string, attributes?: Readonly<Record<string, string>>, options?: PrintOptions): Promise<Row[]>;
}
