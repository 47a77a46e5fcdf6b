/**
 * Files the config points at: secrets (password_file, bearer_token_file), header files and TLS
 * material. Failures become problems naming the key path and the file, never the content.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Problems } from './errors.js';

/** Resolves a path from the config against the config file's directory (or the working directory). */
export function resolveFile(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

function describeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? 'read error' : code;
}

/** Stands in for a secret file's content under `--syntax-only` (never shown: secrets print redacted). */
export const UNREAD_SECRET = '<not read: --syntax-only>';

/**
 * Reads a text file; on failure records `path: cannot read <file> (<code>)` and returns undefined.
 * Under `--syntax-only` ({@link Problems.syntaxOnly}) nothing is read and the result is undefined.
 */
export function readTextFile(file: string, path: string, problems: Problems): string | undefined {
  if (problems.syntaxOnly) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    problems.add(path, `cannot read ${file} (${describeFailure(error)})`);
    return undefined;
  }
}

/** Reads a secret file and drops the trailing newline(s) editors and `echo` add. */
export function readSecretFile(file: string, path: string, problems: Problems): string | undefined {
  if (problems.syntaxOnly) return UNREAD_SECRET;
  const text = readTextFile(file, path, problems);
  return text === undefined ? undefined : text.replace(/(?:\r?\n)+$/, '');
}

/** Records a problem when a file the agent will read later (TLS material) is not readable now. */
export function checkReadable(file: string, path: string, problems: Problems): void {
  if (problems.syntaxOnly) return;
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    problems.add(path, `cannot read ${file} (${describeFailure(error)})`);
  }
}
